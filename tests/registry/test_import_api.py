import pytest

from aftersales.registry import tasks
from aftersales.registry.models import Customer, ImportJob
from tests.registry.data import (
    CUSTOMER_HEADERS,
    csv_bytes,
    inline_in_english,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inline_tasks_in_english():
    with inline_in_english():
        yield


CLEAN = [CUSTOMER_HEADERS, ["KH-900", "江苏移动", "华东", "", "A"]]


def _upload(client, rows, *, kind="customers", name="客户.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, csv_bytes(rows), "text/csv")
    return client.post("/api/v1/imports", {"kind": kind, "file": upload})


def test_upload_answers_202_with_the_checked_job(api_as, seat):
    response = _upload(api_as(seat), CLEAN)
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["progress"], body["counts"]["create"]) == ("ready", 100, 1)
    assert body["file_name"] == "客户.csv"


def test_job_shows_bad_rows_with_row_number_column_and_reason(api_as, seat):
    job_id = _upload(api_as(seat), [CUSTOMER_HEADERS, ["KH-1", "", "", "", "Z"]]).json()["id"]
    body = api_as(seat).get(f"/api/v1/imports/{job_id}").json()
    assert body["status"] == "invalid"
    (error,) = body["errors"]
    assert (error["row"], error["key"]) == (2, "KH-1")
    assert [(p["field"], p["column"]) for p in error["problems"]] == [
        ("name", "客户名称"),
        ("level", "级别"),
    ]
    assert error["problems"][1]["message"] == "Choose one of VIP, A, B, C."


def test_commit_writes_and_answers_with_the_finished_job(api_as, seat):
    client = api_as(seat)
    job_id = _upload(client, CLEAN).json()["id"]
    response = client.post(f"/api/v1/imports/{job_id}/commit")
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert Customer.objects.get().name == "江苏移动"


def test_commit_with_bad_rows_answers_409_and_writes_nothing(api_as, seat):
    client = api_as(seat)
    job_id = _upload(client, [CUSTOMER_HEADERS, ["KH-1", "", "", "", ""]]).json()["id"]
    response = client.post(f"/api/v1/imports/{job_id}/commit")
    assert response.status_code == 409
    assert not Customer.objects.exists()


def test_commit_before_the_check_finished_answers_409(api_as, seat, monkeypatch):
    monkeypatch.setattr(tasks, "import_preview_task", lambda job_id: None)  # worker is busy
    job_id = _upload(api_as(seat), CLEAN).json()["id"]
    assert api_as(seat).post(f"/api/v1/imports/{job_id}/commit").status_code == 409


def test_wrong_file_type_answers_422_naming_the_file(api_as, seat):
    response = _upload(api_as(seat), CLEAN, name="客户.docx")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert not ImportJob.objects.exists()


def test_unknown_kind_answers_422(api_as, seat):
    response = _upload(api_as(seat), CLEAN, kind="cases")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "kind"]


def test_file_over_the_limit_answers_422(api_as, seat, settings):
    settings.UPLOAD_MAX_BYTES = 10
    response = _upload(api_as(seat), CLEAN)
    assert response.status_code == 422
    assert not ImportJob.objects.exists()


def test_engineer_may_not_import(api_as, engineer):
    response = _upload(api_as(engineer), CLEAN)
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_engineer_may_not_see_a_job(api_as, seat, engineer):
    job_id = _upload(api_as(seat), CLEAN).json()["id"]
    assert api_as(engineer).get(f"/api/v1/imports/{job_id}").status_code == 403


def test_customer_contact_gets_404_for_imports_and_exports(api_as, seat, contact_a):
    job_id = _upload(api_as(seat), CLEAN).json()["id"]
    client = api_as(contact_a.user)
    assert client.get(f"/api/v1/imports/{job_id}").status_code == 404
    assert client.post(f"/api/v1/imports/{job_id}/commit").status_code == 404
    assert _upload(client, CLEAN).status_code == 404
    assert client.get("/api/v1/exports/assets").status_code == 404


def test_unknown_job_answers_404(api_as, seat):
    assert api_as(seat).get("/api/v1/imports/999999").status_code == 404
