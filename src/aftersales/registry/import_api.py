"""Import and export endpoints: upload (202 + job), poll, commit, download."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.core.schema_types import SHORT_TEXT_MAX
from aftersales.registry import exports, imports, tasks
from aftersales.registry.models import ImportJob

router = Router(tags=["import"])


class ImportProblemOut(Schema):
    field: str
    column: str
    message: str


class ImportErrorOut(Schema):
    row: int
    key: str
    problems: list[ImportProblemOut]


class ImportJobOut(Schema):
    id: int
    kind: str
    file_name: str
    status: str
    total_rows: int
    processed_rows: int
    progress: int  # percent
    counts: dict[str, int]
    errors: list[ImportErrorOut]
    ignored_columns: list[str]
    message: str
    uploaded_by: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    committed_at: dt.datetime | None


def _out(job: ImportJob) -> dict:
    processed = imports.import_progress(job)
    if not job.is_running:
        progress = 100
    else:
        progress = min(99, processed * 100 // job.total_rows) if job.total_rows else 0
    return {
        "id": job.pk,
        "kind": job.kind,
        "file_name": job.original_name,
        "status": job.status,
        "total_rows": job.total_rows,
        "processed_rows": processed,
        "progress": progress,
        "counts": job.counts,
        "errors": [
            {
                "row": e["row"],
                "key": e.get("key", ""),
                "problems": [
                    {
                        "field": p["field"],
                        "column": p.get("column", p["field"]),
                        "message": imports.describe(p),
                    }
                    for p in e["problems"]
                ],
            }
            for e in job.errors
        ],
        "ignored_columns": job.ignored_columns,
        "message": imports.message_of(job),
        "uploaded_by": job.uploaded_by.get_username(),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "committed_at": job.committed_at,
    }


@router.post("/imports", response={202: ImportJobOut})
@access(staff_perm("registry.import_registry"))
def import_create(
    request: HttpRequest, file: File[UploadedFile], kind: str = Form(..., max_length=20)
):
    """Upload a .csv or .xlsx of customers, contacts or assets; the check runs in the worker."""
    job = imports.import_job_create(user=request.auth, kind=kind, upload=file)
    tasks.import_preview_task(job.pk)
    job.refresh_from_db()
    return Status(202, _out(job))


@router.get("/imports/{job_id}", response=ImportJobOut)
@access(staff_perm("registry.import_registry"))
def import_detail(request: HttpRequest, job_id: int):
    return _out(imports.import_job_get_for_user(user=request.auth, job_id=job_id))


@router.post("/imports/{job_id}/commit", response={200: ImportJobOut, 202: ImportJobOut})
@access(staff_perm("registry.import_registry"))
def import_commit(request: HttpRequest, job_id: int):
    """Write the checked file all-or-nothing; 409 while it has bad rows or is not checked yet.

    200 when the commit already finished (the worker runs inline), else 202.
    """
    job = imports.import_job_get_for_user(user=request.auth, job_id=job_id)
    job = imports.import_commit_request(user=request.auth, job=job)
    tasks.import_commit_task(job.pk)
    job.refresh_from_db()
    return Status(202 if job.is_running else 200, _out(job))


@router.get("/exports/{kind}")
@access(staff_perm("registry.import_registry"))
def export(
    request: HttpRequest,
    kind: str,
    format: str = Query("csv", max_length=10),
    customer: str = Query("", max_length=40),
    q: str = Query("", max_length=SHORT_TEXT_MAX),
    region: str = Query("", max_length=20),
    level: str = Query("", max_length=20),
):
    """Download customers, contacts or assets with the importer's headers (csv or xlsx).

    customer is a customer code; q searches as the list pages do; region and level filter
    customers.
    """
    return exports.export_response(
        user=request.auth,
        kind=kind,
        fmt=format,
        customer=customer,
        q=q,
        region=region,
        level=level,
    )
