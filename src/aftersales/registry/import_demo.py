"""The demo's import history: one customer list committed and one refused for a bad row, so
the import page shows what an import looks like before anyone uploads a file."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.accounts.models import User
from aftersales.registry.imports import jobs
from aftersales.registry.models import Customer, ImportJob

COMMITTED_NAME = "客户清单-演示.csv"
REFUSED_NAME = "客户清单-缺名称-演示.csv"
HEADER = ["客户ID", "客户名称", "区域", "地址", "级别"]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _run(admin: User, name: str, data: bytes, *, commit: bool) -> None:
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    job = jobs.import_job_create(user=admin, kind="customers", upload=upload)
    job = jobs.import_preview(job_id=job.pk)
    if commit and job is not None and job.status == "ready":
        jobs.import_commit_request(user=admin, job=job)
        jobs.import_commit(job_id=job.pk)


def load(demo) -> None:
    """Run the two imports once (the second run of the demo finds them and adds nothing)."""
    admin = User.objects.filter(username="admin").first()
    if admin is None or ImportJob.objects.filter(original_name=COMMITTED_NAME).exists():
        return
    customers = list(Customer.objects.order_by("code")[:5])
    if not customers:
        return
    rows = [[c.code, c.name, c.region, c.address, c.level.upper()] for c in customers]
    _run(admin, COMMITTED_NAME, _csv(rows), commit=True)
    bad = [rows[0], [customers[-1].code, "", customers[-1].region, "", ""]]
    _run(admin, REFUSED_NAME, _csv(bad), commit=False)
    demo.add("imports", 2)
