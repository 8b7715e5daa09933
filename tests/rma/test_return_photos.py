"""Photos of returned goods: the customer's evidence and the inspection's findings."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.core.models import Activity
from aftersales.rma import returns
from aftersales.rma.models import ReturnPhoto
from tests.conftest import api_client_for
from tests.rma.conftest import at

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WHEN = at(2026, 9, 28, 10, 0)


def png(name: str = "坏点.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def requested(contact_a, customer_a):
    with time_machine.travel(WHEN, tick=False):
        return returns.return_request(
            by=contact_a.user,
            customer="KH-A001",
            purchased_on=dt.date(2026, 9, 25),
            reason="屏幕坏点",
        )


def test_the_customer_adds_an_evidence_photo_on_the_portal(client, contact_a, requested):
    client.force_login(contact_a.user)
    url = f"/portal/returns/{requested.number}/photos/"
    response = client.post(url, {"photo": png()}, follow=True)
    assert response.status_code == 200
    photo = ReturnPhoto.objects.get(request=requested)
    assert (photo.stage, photo.name, photo.content_type) == ("evidence", "坏点.png", "image/png")
    assert "坏点.png" in response.content.decode()
    download = client.get(f"/portal/returns/{requested.number}/photos/{photo.pk}/")
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG


def test_a_file_that_is_not_a_photo_is_refused_naming_photo_and_nothing_is_kept(
    contact_a, requested
):
    client = api_client_for(contact_a.user)
    fake = SimpleUploadedFile("evil.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(f"/api/v1/returns/{requested.number}/photos", {"file": fake})
    assert response.status_code == 422
    assert "photo" in response.content.decode()
    assert not ReturnPhoto.objects.exists()
    assert not Activity.objects.filter(kind="return_photo").exists()


def test_staff_add_an_inspection_photo_through_the_api(rma_admin, requested):
    client = api_client_for(rma_admin)
    url = f"/api/v1/returns/{requested.number}/photos"
    response = client.post(url, {"file": png("检验.png"), "stage": "inspection"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "inspection" and body["name"] == "检验.png"
    detail = client.get(f"/api/v1/returns/{requested.number}").json()
    assert [p["id"] for p in detail["photos"]] == [body["id"]]
    assert client.get(body["url"]).status_code == 200


def test_a_customer_may_not_add_an_inspection_photo(contact_a, requested):
    client = api_client_for(contact_a.user)
    url = f"/api/v1/returns/{requested.number}/photos"
    response = client.post(url, {"file": png(), "stage": "inspection"})
    assert response.status_code == 403
    assert not ReturnPhoto.objects.exists()


def test_another_customers_contact_neither_adds_nor_sees_a_photo(contact_b, rma_admin, requested):
    photo = returns.return_photo_add(request=requested, by=rma_admin, file=png())
    client = api_client_for(contact_b.user)
    base = f"/api/v1/returns/{requested.number}/photos"
    assert client.post(base, {"file": png()}).status_code == 404
    assert client.get(f"{base}/{photo.pk}").status_code == 404
    assert ReturnPhoto.objects.count() == 1


def test_a_closed_request_takes_no_more_photos(rma_admin, requested):
    with time_machine.travel(WHEN + dt.timedelta(hours=1), tick=False):
        returns.return_reject(request=requested, by=rma_admin, reason="坏点数量在标准之内")
    client = api_client_for(rma_admin)
    response = client.post(f"/api/v1/returns/{requested.number}/photos", {"file": png()})
    assert response.status_code == 409
    assert not ReturnPhoto.objects.exists()


def test_the_console_shows_and_serves_the_photos(client, rma_admin, requested):
    photo = returns.return_photo_add(request=requested, by=rma_admin, file=png())
    client.force_login(rma_admin)
    page = client.get(f"/returns/{requested.number}/").content.decode()
    assert f"/returns/{requested.number}/photos/{photo.pk}/" in page
    assert client.get(f"/returns/{requested.number}/photos/{photo.pk}/").status_code == 200
    assert client.get(f"/returns/{requested.number}/photos/99999999999999/").status_code == 404
