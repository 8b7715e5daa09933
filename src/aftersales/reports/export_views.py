"""The console's pages of one's own large exports: progress, then the file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from aftersales.accounts.endpoint_access import SIGNED_IN, access
from aftersales.core.errors import NotFound
from aftersales.reports import exports
from aftersales.reports.models import ExportJob, ExportStatus


def _job(request: HttpRequest, pk: int) -> ExportJob:
    try:
        return exports.export_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


def _context(job: ExportJob) -> dict:
    running = job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
    percent = 100 if job.status == ExportStatus.DONE else 0
    if job.total and job.status != ExportStatus.DONE:
        percent = min(99, job.processed * 100 // job.total)
    return {"job": job, "running": running, "percent": percent}


@access(SIGNED_IN)
@require_GET
@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = exports.exports_for_user(request.user)
    return render(request, "reports/export_list.html", {"jobs": jobs})


@access(SIGNED_IN)
@require_GET
@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/export_detail.html", _context(_job(request, pk)))


@access(SIGNED_IN)
@require_GET
@login_required
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTMX poll: the job panel, which stops polling itself once the job is finished."""
    return render(request, "reports/export_detail.html#job", _context(_job(request, pk)))


@access(SIGNED_IN)
@require_GET
@login_required
def export_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    name = job.file.name.rsplit("/", 1)[-1]
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)


urlpatterns = [
    path("exports/", export_list, name="export_list"),
    path("exports/<int:pk>/", export_detail, name="export_detail"),
    path("exports/<int:pk>/progress/", export_progress, name="export_progress"),
    path("exports/<int:pk>/file/", export_file, name="export_file"),
]
