from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from aftersales.cases.models import Activity, Attachment, Case
from tests import factories

pytestmark = pytest.mark.django_db
NEW = reverse("cases:new")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def intake(customer, **fields) -> dict:
    return {
        "customer": customer.code,
        "title": "核心交换机宕机",
        "priority": "P1",
        "case_type": "fault",
        "service_mode": "remote",
        "channel": "phone",
        **fields,
    }


def test_form_prefilled_from_lookup_focuses_the_title(seat, customer_a, contact_a):
    html = login(seat).get(NEW, {"customer": customer_a.code}).content.decode()
    assert 'id="id_title" maxlength="200" required' in html
    assert "autofocus" in html.split('id="id_title"')[1].split(">")[0]
    assert contact_a.name in html


def test_form_shows_what_each_priority_means(seat):
    html = login(seat).get(NEW).content.decode()
    assert "Host system down, major impact on the business." in html
    assert 'accesskey="1"' in html


def test_seat_opens_a_p1_case_and_lands_on_its_page(seat, customer_a, contact_a):
    response = login(seat).post(NEW, intake(customer_a, contact=contact_a.pk))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    assert (case.priority, case.contact, case.caller_phone) == ("P1", contact_a, contact_a.phone)


def test_serial_number_of_another_customer_is_refused_at_the_field(seat, customer_a, customer_b):
    asset = factories.AssetFactory(customer=customer_b)
    response = login(seat).post(NEW, intake(customer_a, serial_number=asset.serial_number))
    assert response.status_code == 422
    assert "This serial number is not registered for the customer." in response.content.decode()
    assert not Case.objects.exists()


def test_unknown_customer_code_is_refused(seat):
    response = login(seat).post(NEW, intake(factories.CustomerFactory.build(code="NOPE")))
    assert response.status_code == 422
    assert "No active customer has this code." in response.content.decode()


def test_attachments_are_stored_under_the_case_with_generated_names(seat, customer_a, settings):
    log = SimpleUploadedFile("设备日志.log", b"2026-03-01 ERR disk 3 failed\n")
    png = SimpleUploadedFile("screen.png", factories.PNG_BYTES)
    login(seat).post(NEW, intake(customer_a, attachments=[log, png]))
    case = Case.objects.get()
    names = sorted(a.name for a in case.attachments.all())
    stored = [a.file.name for a in case.attachments.all()]
    assert names == ["screen.png", "设备日志.log"]
    assert all(s.startswith(f"cases/{case.pk}/") and "设备" not in s for s in stored)
    assert case.activities.filter(kind="attachment").count() == 2


def test_disguised_or_script_files_are_refused_and_nothing_is_written(seat, customer_a, settings):
    for upload in (
        SimpleUploadedFile("diagram.svg", b"<svg onload='alert(1)'/>"),
        SimpleUploadedFile("page.txt", b"<html><script>alert(1)</script></html>"),
        SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is an exe"),
        SimpleUploadedFile("setup.exe", b"MZ\x90\x00"),
    ):
        response = login(seat).post(NEW, intake(customer_a, attachments=[upload]))
        assert response.status_code == 422
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "cases").exists()


def test_file_over_the_size_limit_is_refused_with_a_message(seat, customer_a, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.txt", b"x" * 2048)
    response = login(seat).post(NEW, intake(customer_a, attachments=[big]))
    assert "big.txt: The file is larger than 1.0 KB." in response.content.decode()
    assert not Case.objects.exists() and not Activity.objects.exists()


def test_contact_options_follow_the_customer_code(seat, customer_a, contact_a, contact_b):
    response = login(seat).get(reverse("cases:contact_options"), {"customer": "kh-a001"})
    html = response.content.decode()
    assert contact_a.name in html and contact_b.name not in html


def test_customer_contact_cannot_reach_the_console_form(contact_a):
    assert login(contact_a.user).get(NEW).status_code == 404
