"""Large list exports as worker jobs with progress (core.list_exports hands them over).

The job keeps the list's path and query, not its rows: the worker replays the list's own
request as the person who asked, so the list's filters and access decide what is written,
exactly as on the page. Nobody but that person sees the job or its file.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from aftersales.core import list_exports
from aftersales.core.errors import NotFound
from aftersales.core.spreadsheets import csv_lines, write_xlsx
from aftersales.reports.models import ExportJob, ExportStatus

NO_SUCH_EXPORT = _("No such export.")
NOT_WRITTEN = _("The list could not be written: you may no longer be allowed to see it.")
GONE = _("The list's page no longer exists.")
PROGRESS_EVERY = 1000
KEEP = 20  # the newest exports listed on the exports page


def _progress(job: ExportJob, rows: Any) -> Any:
    """The rows, counting them onto the job every PROGRESS_EVERY (one UPDATE each time)."""
    done = -1  # the header is no row
    for row in rows:
        yield row
        done += 1
        if done and done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(processed=done)
    ExportJob.objects.filter(pk=job.pk).update(processed=max(done, 0))


class JobExports:
    """core.list_exports' LargeExports: a job now, the file from the worker."""

    def start(self, request: HttpRequest, qs: QuerySet, fmt: str, total: int) -> Any:
        query = request.GET.copy()
        query.pop("export", None)
        job = ExportJob.objects.create(
            kind=str(qs.model._meta.verbose_name_plural),
            params={
                "path": request.path,
                "query": query.urlencode(),
                "language": translation.get_language() or "zh-hans",
            },
            format=fmt,
            total=min(total, list_exports.EXPORT_CAP),
            requested_by=request.user,
            created_at=timezone.now(),
        )
        from aftersales.reports.export_tasks import export_task

        transaction.on_commit(lambda: export_task(job.pk))
        return HttpResponseRedirect(reverse("reports:export_detail", args=[job.pk]))

    def write(self, job: ExportJob, qs: QuerySet, fmt: str) -> ExportJob:
        rows = _progress(job, list_exports.rows(qs))
        name = f"{list_exports.filename_for(qs)}.{fmt}"
        with tempfile.TemporaryFile() as out:
            if fmt == "csv":
                for line in csv_lines(rows):
                    out.write(line.encode("utf-8"))
            else:
                write_xlsx(rows, out)
            out.seek(0)
            job.file.save(name, File(out), save=False)
        job.status, job.finished_at = ExportStatus.DONE, timezone.now()
        job.processed = ExportJob.objects.values_list("processed", flat=True).get(pk=job.pk)
        job.save(update_fields=["file", "status", "finished_at", "processed"])
        return job


def export_run(job: ExportJob) -> ExportJob:
    """Replay the list's request as its requester with the job attached (the worker's part)."""
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.params.get("path", "")
    request.GET = QueryDict(job.params.get("query", ""))
    request.GET._mutable = True
    request.GET["export"] = job.format
    request.user = job.requested_by
    request.htmx = False
    request.export_job = job
    request.META = {"SERVER_NAME": "worker", "SERVER_PORT": "80", "REQUEST_METHOD": "GET"}
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return _failed(job, GONE)
    with translation.override(job.params.get("language") or "zh-hans"):
        try:
            match.func(request, *match.args, **match.kwargs)
        except Exception as exc:  # the list's own error: the job says so, the worker lives on
            job.refresh_from_db()
            if job.status != ExportStatus.DONE:
                return _failed(job, f"{NOT_WRITTEN} ({type(exc).__name__})")
    job.refresh_from_db()
    if job.status != ExportStatus.DONE:
        return _failed(job, NOT_WRITTEN)
    return job


def _failed(job: ExportJob, message: Any) -> ExportJob:
    job.status, job.message, job.finished_at = ExportStatus.FAILED, str(message), timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
    return job


def export_get_for_user(*, user: Any, pk: int) -> ExportJob:
    """One of the user's own exports; anyone else's is a 404."""
    job = ExportJob.objects.filter(pk=pk, requested_by_id=getattr(user, "pk", None)).first()
    if job is None:
        raise NotFound(NO_SUCH_EXPORT)
    return job


def exports_for_user(user: Any) -> list[ExportJob]:
    return list(ExportJob.objects.filter(requested_by_id=user.pk).order_by("-created_at")[:KEEP])


def register() -> None:
    list_exports.register_large_exports(JobExports())
