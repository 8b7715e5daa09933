"""Import jobs: upload, preview in the worker, commit all-or-nothing in the worker."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member
from aftersales.core.errors import Conflict, Forbidden, Invalid, NotFound
from aftersales.registry.imports import engine
from aftersales.registry.imports.reading import UnreadableFile, file_type
from aftersales.registry.models import ImportJob, ImportKind, ImportStatus

logger = logging.getLogger(__name__)

PERMISSION = "registry.import_registry"
NOT_ALLOWED = _("You are not allowed to import or export the registry.")
NOT_FOUND = _("Not found.")
UNKNOWN_KIND = _("Choose customers, contacts or assets.")
NO_FILE = _("Choose a file to upload.")
TOO_LARGE = _("The file is larger than %(max)s MB.")
HAS_BAD_ROWS = _("Fix the bad rows and upload the file again: nothing was imported.")
NOT_READY = _("This import is not ready to commit.")
CHANGED_MEANWHILE = _(
    "The registry changed while importing; nothing was imported. Check the file again."
)
CRASHED = _("The import failed unexpectedly; nothing was imported.")


def _require_importer(user: Any) -> None:
    """Customer contacts get 404 (the feature does not exist for them), other staff 403."""
    if not is_staff_member(user):
        raise NotFound(NOT_FOUND)
    if not can(user, PERMISSION):
        raise Forbidden(NOT_ALLOWED)


def import_jobs_for_user(*, user: Any):
    _require_importer(user)
    return ImportJob.objects.select_related("uploaded_by")


def import_job_get_for_user(*, user: Any, job_id: int) -> ImportJob:
    job = import_jobs_for_user(user=user).filter(pk=job_id).first()
    if job is None:
        raise NotFound(NOT_FOUND)
    return job


def export_allowed(*, user: Any) -> None:
    _require_importer(user)


@transaction.atomic
def import_job_create(*, user: Any, kind: str, upload: UploadedFile | None) -> ImportJob:
    """Keep the upload and queue it; the caller enqueues import_preview once this commits."""
    _require_importer(user)
    if kind not in ImportKind.values:
        raise Invalid(UNKNOWN_KIND, field="kind")
    if upload is None:
        raise Invalid(NO_FILE, field="file")
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise Invalid(TOO_LARGE % {"max": round(limit / 1024 / 1024, 1)}, field="file")
    head = upload.read(8)
    upload.seek(0)
    try:
        file_type(upload.name or "", head)
    except UnreadableFile as exc:
        raise Invalid(exc.message, field="file") from exc
    return ImportJob.objects.create(
        kind=kind, file=upload, original_name=(upload.name or "")[:255], uploaded_by=user
    )


def _progress_key(job_id: int) -> str:
    return f"registry:import-progress:{job_id}"


def import_progress(job: ImportJob) -> int:
    """Rows processed; while committing, the count lives in the cache (the rows are in a
    transaction nobody else can see yet)."""
    if job.status == ImportStatus.COMMITTING:
        return cache.get(_progress_key(job.pk), 0)
    return job.processed_rows


def _claim(job_id: int, *, before: str, after: str) -> ImportJob | None:
    """Move the job on only if nobody else did: a task that runs twice does nothing twice."""
    if not ImportJob.objects.filter(pk=job_id, status=before).update(status=after):
        return None
    return ImportJob.objects.get(pk=job_id)


def _run(job: ImportJob, *, write: bool, progress) -> engine.Outcome:
    # Messages are stored untranslated and translated for whoever reads them later.
    with translation.override(None), job.file.open("rb") as fileobj:
        return engine.run(
            kind=job.kind,
            fileobj=fileobj,
            name=job.original_name,
            write=write,
            now=timezone.now(),
            progress=progress,
            by=job.uploaded_by,
        )


def _fail(job: ImportJob, message: Any) -> None:
    with translation.override(None):
        job.message = str(message)
    job.status = ImportStatus.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["message", "status", "finished_at"])


def _store(job: ImportJob, outcome: engine.Outcome, *, status: str) -> None:
    job.status = status
    job.total_rows = outcome.total_rows
    job.processed_rows = outcome.processed_rows
    job.counts = outcome.as_counts()
    job.errors = outcome.errors
    job.ignored_columns = outcome.ignored_columns
    job.finished_at = timezone.now()
    fields = ["status", "total_rows", "processed_rows", "counts", "errors", "ignored_columns"]
    if status == ImportStatus.DONE:
        job.committed_at = job.finished_at
        fields.append("committed_at")
    job.save(update_fields=[*fields, "finished_at"])


def import_preview(*, job_id: int) -> ImportJob | None:
    """Check every row without writing; the job ends READY, INVALID or FAILED."""
    job = _claim(job_id, before=ImportStatus.QUEUED, after=ImportStatus.VALIDATING)
    if job is None:
        return None

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    try:
        outcome = _run(job, write=False, progress=progress)
    except UnreadableFile as exc:
        _fail(job, exc.message)
        return job
    except Exception:
        logger.exception("import %s: preview failed", job.pk)
        _fail(job, CRASHED)
        raise
    _store(job, outcome, status=ImportStatus.INVALID if outcome.errors else ImportStatus.READY)
    return job


def import_commit_request(*, user: Any, job: ImportJob) -> ImportJob:
    """Mark a clean preview for commit; the caller enqueues import_commit."""
    _require_importer(user)
    if job.status == ImportStatus.INVALID:
        raise Conflict(HAS_BAD_ROWS)
    claimed = _claim(job.pk, before=ImportStatus.READY, after=ImportStatus.COMMITTING)
    if claimed is None:
        raise Conflict(NOT_READY)
    cache.set(_progress_key(job.pk), 0, timeout=24 * 3600)
    return claimed


class _Rollback(Exception):
    pass


def import_commit(*, job_id: int) -> ImportJob | None:
    """Apply every row in one transaction, checking them again first: the registry may have
    changed since the preview. Any bad row and nothing is written."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.COMMITTING).first()
    if job is None:
        return None

    def progress(done: int, total: int) -> None:
        cache.set(_progress_key(job.pk), done, timeout=24 * 3600)

    outcome = None
    try:
        with transaction.atomic():
            outcome = _run(job, write=True, progress=progress)
            if outcome.errors:
                raise _Rollback
    except _Rollback:
        _store(job, outcome, status=ImportStatus.INVALID)
        return job
    except UnreadableFile as exc:
        _fail(job, exc.message)
        return job
    except (IntegrityError, DatabaseError):
        # A concurrent edit took a key this file was about to use.
        logger.warning("import %s: commit rolled back", job.pk, exc_info=True)
        _fail(job, CHANGED_MEANWHILE)
        return job
    except Exception:
        logger.exception("import %s: commit failed", job.pk)
        _fail(job, CRASHED)
        raise
    _store(job, outcome, status=ImportStatus.DONE)
    return job


def describe(problem: dict) -> str:
    """One stored problem in the reader's language."""
    text = gettext(problem["message"])
    params = problem.get("params") or {}
    return text % params if params else text


def message_of(job: ImportJob) -> str:
    return gettext(job.message) if job.message else ""
