"""Spreadsheet import and export pages."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core import html_errors
from aftersales.core.errors import ApplicationError, Invalid
from aftersales.registry import exports, imports, tasks
from aftersales.registry.models import ImportJob, ImportKind, ImportStatus

PERMISSION = "registry.import_registry"
# The page lists this many bad rows; the API returns all of them.
SHOWN_ERRORS = 500


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(".xlsx or .csv (UTF-8 or GBK); the first row holds the column headers."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    try:
        return imports.import_job_get_for_user(user=request.user, job_id=job_id)
    except ApplicationError as exc:
        html_errors.raise_http(exc)
        raise


def _job_context(job: ImportJob) -> dict:
    processed = imports.import_progress(job)
    total = job.total_rows
    percent = 100 if not job.is_running else (min(99, processed * 100 // total) if total else 0)
    errors = [
        {
            "row": e["row"],
            "key": e.get("key", ""),
            "problems": [
                {"column": p.get("column", p["field"]), "text": imports.describe(p)}
                for p in e["problems"]
            ],
        }
        for e in job.errors[:SHOWN_ERRORS]
    ]
    return {
        "job": job,
        "processed": processed,
        "percent": percent,
        "errors": errors,
        "hidden_errors": max(0, len(job.errors) - SHOWN_ERRORS),
        "message": imports.message_of(job),
        "can_commit": job.status == ImportStatus.READY,
        "committed": job.status == ImportStatus.DONE,
    }


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION)
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_job_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except Invalid as exc:
            html_errors.add_form_error(form, exc)
        else:
            tasks.import_preview_task(job.pk)
            return redirect("registry:import_detail", job_id=job.pk)
    context = {
        "form": form,
        "jobs": imports.import_jobs_for_user(user=request.user)[:20],
        "kinds": ImportKind.choices,
    }
    return render(request, "registry/import.html", context, status=400 if form.errors else 200)


@require_GET
@permission_required(PERMISSION)
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "registry/import_detail.html", _job_context(_job(request, job_id)))


@require_GET
@permission_required(PERMISSION)
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The HTMX poll: the job panel, which stops polling itself once the job is finished."""
    context = _job_context(_job(request, job_id))
    return render(request, "registry/import_detail.html#job", context)


@require_POST
@permission_required(PERMISSION)
def import_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    try:
        job = imports.import_commit_request(user=request.user, job=job)
    except ApplicationError as exc:
        html_errors.raise_http(exc)  # the job is another's (404) or not the user's to commit (403)
        context = _job_context(job) | {"message": str(exc.message)}
        return render(request, "registry/import_detail.html", context, status=409)
    tasks.import_commit_task(job.pk)
    if request.htmx:
        job.refresh_from_db()
        return render(request, "registry/import_detail.html#job", _job_context(job))
    return redirect("registry:import_detail", job_id=job.pk)


@require_GET
@permission_required(PERMISSION)
def export(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        return exports.export_response(
            user=request.user,
            kind=kind,
            fmt=request.GET.get("format", "xlsx"),
            customer=request.GET.get("customer", ""),
            q=request.GET.get("q", ""),
            region=request.GET.get("region", ""),
            level=request.GET.get("level", ""),
        )
    except Invalid as exc:
        return HttpResponse(str(exc.message), status=400, content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("import/", import_start, name="import_start"),
    path("import/<int:job_id>/", import_detail, name="import_detail"),
    path("import/<int:job_id>/progress/", import_progress, name="import_progress"),
    path("import/<int:job_id>/commit/", import_commit, name="import_commit"),
    path("export/<str:kind>/", export, name="export"),
]
