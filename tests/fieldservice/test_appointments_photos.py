"""Photos taken on an onsite job stay with the appointment; a retried upload is kept once."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from aftersales.core.models import Activity
from aftersales.fieldservice.models import JobPhoto
from tests.fieldservice.factories_appointments import NOW, at, book, field_engineer

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def wang(db):
    return field_engineer("wang")


@pytest.fixture
def job(seat, wang, customer_a):
    return book(seat, wang, at(7, 10), at(7, 12), customer=customer_a, address="上海市张江路1号")


def _photo(name: str = "cabinet.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def _upload(user, job, **data):
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.post(
            f"/api/v1/appointments/{job.pk}/photos", {"file": _photo(), **data}, HTTP_ACCEPT="*/*"
        )


def test_the_engineer_adds_a_photo_with_its_caption_to_the_job(wang, job):
    response = _upload(wang, job, caption="机柜背面")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["caption"] == "机柜背面"
    assert JobPhoto.objects.get(appointment=job).content_type == "image/png"
    assert Activity.objects.filter(subject_id=job.pk, kind="photo").count() == 1


def test_a_retried_upload_with_the_same_key_keeps_one_photo(wang, job):
    first = _upload(wang, job, client_key="phone-1")
    again = _upload(wang, job, client_key="phone-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert JobPhoto.objects.filter(appointment=job).count() == 1


def test_a_file_that_is_not_a_photo_is_refused_naming_the_field(wang, job):
    client = Client()
    client.force_login(wang)
    response = client.post(
        f"/api/v1/appointments/{job.pk}/photos",
        {"file": SimpleUploadedFile("notes.png", b"just text", content_type="image/png")},
    )

    assert response.status_code == 422
    assert "photo" in response.content.decode()
    assert not JobPhoto.objects.exists()


def test_another_engineer_cannot_add_a_photo_to_the_job(job):
    other = field_engineer("li")

    response = _upload(other, job)

    assert response.status_code in (403, 404)
    assert not JobPhoto.objects.exists()


def test_the_photo_is_downloaded_from_the_job_page_and_listed_there(wang, job):
    photo_id = _upload(wang, job, caption="更换后").json()["id"]
    client = Client()
    client.force_login(wang)

    page = client.get(f"/appointments/{job.pk}/")
    download = client.get(f"/appointments/{job.pk}/photos/{photo_id}/")

    assert "更换后" in page.content.decode()
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PNG


def test_the_job_page_form_adds_a_photo(wang, job):
    client = Client()
    client.force_login(wang)

    with time_machine.travel(NOW, tick=False):
        response = client.post(
            f"/appointments/{job.pk}/photos/",
            {"photo": _photo(), "caption": "故障灯", "client_key": "k-1"},
        )

    assert response.status_code == 302
    assert JobPhoto.objects.get(appointment=job).caption == "故障灯"


def test_the_customer_sees_its_own_job_photo_and_another_customer_does_not(
    wang, job, contact_a, contact_b
):
    photo_id = _upload(wang, job).json()["id"]
    url = f"/api/v1/appointments/{job.pk}/photos/{photo_id}"
    own, other = Client(), Client()
    own.force_login(contact_a.user)
    other.force_login(contact_b.user)

    assert own.get(url).status_code == 200
    assert other.get(url).status_code == 404


def test_a_customer_contact_cannot_add_a_photo(job, contact_a):
    response = _upload(contact_a.user, job)

    assert response.status_code in (403, 404)
    assert not JobPhoto.objects.exists()
