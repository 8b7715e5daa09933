"""Any list downloads as CSV or XLSX with its own filters and access; a long one becomes a job
the worker writes with progress, seen only by whoever asked for it."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from aftersales.core import list_exports
from aftersales.reports.models import ExportJob, ExportStatus
from tests import factories

pytestmark = pytest.mark.django_db
CUSTOMERS = "/registry/customers/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv(response) -> list[str]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return [line for line in body.splitlines() if line]


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


def test_a_list_downloads_as_csv_with_only_the_rows_its_filter_selects(manager):
    factories.CustomerFactory(code="KH-X1", name="华东电力集团")
    factories.CustomerFactory(code="KH-X2", name="西南银行")

    response = _client(manager).get(CUSTOMERS, {"q": "华东", "export": "csv"})

    lines = _csv(response)
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(lines) == 2 and "KH-X1" in lines[1]
    assert "Customer code" in lines[0] or "code" in lines[0].lower()


def test_a_list_downloads_as_xlsx_in_chinese_headers_when_the_reader_reads_chinese(manager):
    factories.CustomerFactory(code="KH-X1", name="华东电力集团")

    response = _client(manager).get(CUSTOMERS, {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert len(rows) == 2
    assert "KH-X1" in rows[1]


def test_a_cell_that_would_be_a_formula_is_written_as_text(manager):
    factories.CustomerFactory(code="KH-X1", name="=HYPERLINK(1)")

    lines = _csv(_client(manager).get(CUSTOMERS, {"export": "csv"}))

    assert "'=HYPERLINK(1)" in lines[1]


def test_a_contact_downloads_only_their_own_organisations_equipment(
    customer_a, customer_b, contact_a
):
    factories.AssetFactory(customer=customer_a, serial_number="SN-OURS")
    factories.AssetFactory(customer=customer_b, serial_number="SN-THEIRS")

    body = "\n".join(_csv(_client(contact_a.user).get("/portal/equipment/", {"export": "csv"})))

    assert "SN-OURS" in body and "SN-THEIRS" not in body


def test_a_long_list_becomes_a_job_that_the_worker_writes_with_progress(
    manager, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(list_exports, "STREAM_MAX", 2)
    for n in range(3):
        factories.CustomerFactory(code=f"KH-L{n}", name=f"客户{n}")

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(manager).get(CUSTOMERS, {"export": "csv"})

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/exports/{job.pk}/")
    assert job.status == ExportStatus.DONE
    assert job.processed == job.total == 3
    assert job.file.read().decode("utf-8-sig").count("KH-L") == 3


def test_the_job_page_shows_the_progress_and_the_download(
    manager, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(list_exports, "STREAM_MAX", 0)
    factories.CustomerFactory(code="KH-L0")
    with django_capture_on_commit_callbacks(execute=True):
        _client(manager).get(CUSTOMERS, {"export": "xlsx"})
    job = ExportJob.objects.get()

    page = _client(manager).get(f"/reports/exports/{job.pk}/").content.decode()
    download = _client(manager).get(f"/reports/exports/{job.pk}/file/")

    assert "100%" in page and f"/reports/exports/{job.pk}/file/" in page
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.max_row == 2


def test_nobody_else_sees_an_export_or_its_file(
    manager, seat, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(list_exports, "STREAM_MAX", 0)
    factories.CustomerFactory(code="KH-L0")
    with django_capture_on_commit_callbacks(execute=True):
        _client(manager).get(CUSTOMERS, {"export": "csv"})
    job = ExportJob.objects.get()

    other = _client(seat)

    assert other.get(f"/reports/exports/{job.pk}/").status_code == 404
    assert other.get(f"/reports/exports/{job.pk}/file/").status_code == 404
    assert job.pk not in [j.pk for j in other.get("/reports/exports/").context["jobs"]]


def test_an_unknown_format_shows_the_list_page(manager):
    response = _client(manager).get(CUSTOMERS, {"export": "pdf"})

    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
