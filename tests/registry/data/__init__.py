"""Spreadsheets for the import and export tests, built in memory (no binaries committed)."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from aftersales.registry import imports, tasks
from aftersales.registry.models import ImportJob

CUSTOMER_HEADERS = ["客户ID", "客户名称", "区域", "地址", "级别"]
CONTACT_HEADERS = ["客户ID", "姓名", "电话", "邮箱", "职务"]
ASSET_HEADERS = ["客户ID", "序列号", "型号", "厂商", "安装日期", "验收日期", "保修月数"]


@contextmanager
def tasks_inline():
    """Huey runs each task as it is enqueued, inside the test's transaction."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = before


@contextmanager
def inline_in_english():
    """Tasks run at once and messages keep their English source form, for assertions."""
    with tasks_inline(), translation.override("en"):
        yield


def csv_bytes(rows: list[list], *, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def csv_upload(rows: list[list], *, name: str = "data.csv", encoding: str = "utf-8-sig"):
    return SimpleUploadedFile(name, csv_bytes(rows, encoding=encoding), "text/csv")


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows: list[list], *, name: str = "data.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(rows), "application/octet-stream")


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def preview(user, kind: str, upload) -> ImportJob:
    """Upload through the service and run the check task (inline under run_tasks_inline)."""
    job = imports.import_job_create(user=user, kind=kind, upload=upload)
    tasks.import_preview_task(job.pk)
    job.refresh_from_db()
    return job


def commit(user, job: ImportJob) -> ImportJob:
    imports.import_commit_request(user=user, job=job)
    tasks.import_commit_task(job.pk)
    job.refresh_from_db()
    return job


def problems_by_row(job: ImportJob) -> dict[int, list[str]]:
    return {e["row"]: [imports.describe(p) for p in e["problems"]] for e in job.errors}
