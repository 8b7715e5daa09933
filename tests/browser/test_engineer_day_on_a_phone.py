"""An engineer works the day's job from a 390×844 phone: departed, arrived, finished; and the
seat's booking form refuses a double booking with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.fieldservice import appointments
from tests import factories
from tests.browser.helpers import login

PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/engineer-day-390.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _later(hours: int) -> dt.datetime:
    # Within today whatever the hour the test runs at (a job may start before midnight).
    now = timezone.localtime().replace(second=0, microsecond=0)
    start = now.replace(hour=0, minute=0) + dt.timedelta(hours=1)
    return max(start, now - dt.timedelta(hours=1)) + dt.timedelta(hours=hours - 1)


@pytest.fixture
def todays_job(transactional_db):
    seat = factories.staff_user("seat_d", role="dispatcher")
    profile = factories.EngineerFactory(username="engineer_d", region="华东")
    customer = factories.CustomerFactory(code="KH-DAY", name="华东电力集团")
    obj, _created = appointments.appointment_book(
        by=seat,
        engineer=profile.user,
        starts_at=_later(0),
        ends_at=_later(0) + dt.timedelta(minutes=50),
        customer=customer,
        address="上海市浦东新区张江高科技园区碧波路690号",
    )
    return obj


def _fits(page, selector: str) -> bool:
    right = page.evaluate(
        f"Math.max(...[...document.querySelectorAll('{selector}, {selector} *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    return right <= PHONE["width"]


def test_engineer_departs_arrives_and_finishes_on_a_phone(page, todays_job):
    page.set_viewport_size(PHONE)
    login(page, "engineer_d", factories.PASSWORD)
    page.goto("/appointments/my-day/")
    job = f"#job-{todays_job.pk}"
    assert page.is_visible(f"{job} >> text=华东电力集团")
    assert "uri.amap.com" in page.get_attribute(f"{job} a[target=_blank]", "href")
    assert _fits(page, "#my-day")
    for step, label in (("depart", "Departed"), ("arrive", "Arrived"), ("finish", "Finished")):
        with page.expect_navigation():
            page.click(f"{job} .step-{step}")
        page.wait_for_selector(f"{job} >> text={label}")
    page.wait_for_selector(f"{job} .job-status >> text=Done")
    assert page.locator(f"{job} button[type=submit]").count() == 0
    page.screenshot(path=SHOT, full_page=True)
    assert _fits(page, "#my-day")


def test_a_double_booking_is_refused_in_the_form_with_the_reason(page, todays_job):
    page.set_viewport_size(PHONE)
    login(page, "seat_d", factories.PASSWORD)
    page.goto("/appointments/new/")
    page.select_option("select[name=engineer]", "engineer_d")
    start = timezone.localtime(todays_job.starts_at) + dt.timedelta(minutes=10)
    page.fill("input[name=starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=ends_at]", (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.click("#booking-form button[type=submit]")
    refused = page.text_content("#booking-refused")
    assert timezone.localtime(todays_job.starts_at).strftime("%Y-%m-%d %H:%M") in refused
    assert _fits(page, "#booking-form")


def test_engineer_adds_a_photo_to_the_job_on_a_phone(page, todays_job):
    page.set_viewport_size(PHONE)
    login(page, "engineer_d", factories.PASSWORD)
    page.goto(f"/appointments/{todays_job.pk}/")
    page.set_input_files(
        ".add-photo input[type=file]",
        files=[{"name": "cabinet.png", "mimeType": "image/png", "buffer": PNG}],
    )
    page.fill(".add-photo input[name=caption]", "机柜背面")
    with page.expect_navigation():
        page.click(".add-photo button[type=submit]")
    page.wait_for_selector(".job-photos >> text=机柜背面")
    assert _fits(page, ".add-photo")
