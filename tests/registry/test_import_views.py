import pytest
from django.test import Client
from django.urls import reverse

from aftersales.registry import tasks
from aftersales.registry.models import Customer, ImportJob, ImportStatus
from tests.registry.data import (
    CUSTOMER_HEADERS,
    csv_upload,
    inline_in_english,
    preview,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inline_tasks_in_english():
    with inline_in_english():
        yield


CLEAN = [CUSTOMER_HEADERS, ["KH-900", "江苏移动", "华东", "", "A"]]


def _client(user) -> Client:
    user.language = "en"  # the pages speak the user's language; the tests read English
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def test_seat_uploads_and_lands_on_the_checked_job(seat):
    response = _client(seat).post(
        reverse("registry:import_start"),
        {"kind": "customers", "file": csv_upload(CLEAN)},
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["job"].status == ImportStatus.READY
    assert 'data-count="create">1<' in response.content.decode()


def test_upload_page_explains_a_wrong_file_type(seat):
    response = _client(seat).post(
        reverse("registry:import_start"),
        {"kind": "customers", "file": csv_upload(CLEAN, name="a.pdf")},
    )
    assert response.status_code == 400
    assert "Upload an .xlsx or .csv file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_detail_lists_bad_rows_with_their_row_number(seat):
    job = preview(seat, "customers", csv_upload([CUSTOMER_HEADERS, ["KH-1", "", "", "", ""]]))
    html = _client(seat).get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    assert '<td class="text-end" rowspan="1">2</td>' in html
    assert "This field is required." in html


def test_progress_of_a_running_job_keeps_polling_every_second(seat, monkeypatch):
    monkeypatch.setattr(tasks, "import_preview_task", lambda job_id: None)  # worker is busy
    job = preview(seat, "customers", csv_upload(CLEAN))
    html = _client(seat).get(reverse("registry:import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'role="progressbar"' in html


def test_progress_of_a_finished_job_stops_polling(seat):
    job = preview(seat, "customers", csv_upload(CLEAN))
    html = _client(seat).get(reverse("registry:import_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in html
    assert 'id="import-job"' in html


def test_commit_button_imports_and_answers_the_panel_to_htmx(seat):
    job = preview(seat, "customers", csv_upload(CLEAN))
    response = _client(seat).post(
        reverse("registry:import_commit", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Imported at" in response.content.decode()
    assert Customer.objects.filter(code="KH-900").exists()


def test_commit_of_a_job_with_bad_rows_answers_409(seat):
    job = preview(seat, "customers", csv_upload([CUSTOMER_HEADERS, ["", "x", "", "", ""]]))
    response = _client(seat).post(reverse("registry:import_commit", args=[job.pk]))
    assert response.status_code == 409
    assert not Customer.objects.exists()


def test_engineer_is_refused_the_import_page(engineer):
    assert _client(engineer).get(reverse("registry:import_start")).status_code == 403


def test_customer_contact_does_not_see_the_import_pages(seat, contact_a):
    job = preview(seat, "customers", csv_upload(CLEAN))
    client = _client(contact_a.user)
    assert client.get(reverse("registry:import_start")).status_code == 404
    assert client.get(reverse("registry:import_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("registry:export", args=["customers"])).status_code == 404
