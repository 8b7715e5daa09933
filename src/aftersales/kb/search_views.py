"""The console's search pages: one search over articles and cases, and the index's upkeep."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.accounts.decorators import permission_required, staff_required
from aftersales.core import html_errors
from aftersales.core.errors import ApplicationError, Invalid
from aftersales.kb import index, search, tasks
from aftersales.kb.models import ArticleKind, Category, ReindexJob, ReindexStatus

PER_PAGE = 10


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=search.MAX_QUERY_CHARS, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Articles and cases")), ("article", _("Articles")), ("case", _("Cases"))],
    )
    type = forms.ChoiceField(
        label=_("Article type"),
        required=False,
        choices=[("", _("Any type")), *ArticleKind.choices],
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.filter(retired=False),
        empty_label=_("Any category"),
    )
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("Until"), required=False)


@require_GET
@staff_required
def search_page(request: HttpRequest) -> HttpResponse:
    """Articles and cases for ?q=, best first, a page of PER_PAGE at a time."""
    form = SearchForm(request.GET or None)
    hits: list[search.Hit] = []
    error = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        try:
            hits = search.search(
                user=request.user,
                q=data["q"],
                limit=search.MAX_LIMIT,
                kinds=(data["kind"],) if data["kind"] else ("article", "case"),
                category=data["category"],
                article_kind=data["type"] or "",
                since=data["since"],
                until=data["until"],
            )
        except Invalid as exc:
            error = str(exc.message)
    page = Paginator(hits, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "error": error, "query": form.data.get("q", "")}
    return render(request, "kb/search.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(index.MANAGE)
def reindex_page(request: HttpRequest) -> HttpResponse:
    """Start a rebuild of the whole index and watch the latest ones."""
    if request.method == "POST":
        job = index.reindex_start(by=request.user)
        tasks.reindex_task(job.pk)
        return redirect("kb:reindex_detail", job_id=job.pk)
    jobs = ReindexJob.objects.select_related("requested_by")[:10]
    return render(request, "kb/reindex.html", {"jobs": jobs})


def _job_context(request: HttpRequest, job_id: int) -> dict:
    try:
        job = index.reindex_job_get(user=request.user, job_id=job_id)
    except ApplicationError as exc:
        html_errors.raise_http(exc)
        raise
    running = job.status in (ReindexStatus.QUEUED, ReindexStatus.RUNNING)
    percent = (
        100 if not running else (min(99, job.processed * 100 // job.total) if job.total else 0)
    )
    return {"job": job, "running": running, "percent": percent}


@require_GET
@permission_required(index.MANAGE)
def reindex_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "kb/reindex_detail.html", _job_context(request, job_id))


@require_GET
@permission_required(index.MANAGE)
def reindex_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The HTMX poll: the job panel, which stops polling itself once the job is finished."""
    return render(request, "kb/reindex_detail.html#job", _job_context(request, job_id))


urlpatterns: list = [
    path("search/", search_page, name="search"),
    path("reindex/", reindex_page, name="reindex"),
    path("reindex/<int:job_id>/", reindex_detail, name="reindex_detail"),
    path("reindex/<int:job_id>/progress/", reindex_progress, name="reindex_progress"),
]
