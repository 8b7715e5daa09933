"""A notice about an RMA, a return, a complaint, a part sale, a contract or a repair order
opens its page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.notify.models import Notice
from aftersales.notify.services import notify_enqueue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ref_type", "url_name"),
    [
        ("rma", "rma:detail"),
        ("return", "returns:detail"),
        ("complaint", "complaints:detail"),
        ("part_sale", "inventory:sale_detail"),
        ("contract", "contracts:detail"),
        ("repair", "repairs:by_number"),
    ],
)
def test_a_notice_links_to_the_page_of_what_it_is_about(seat, ref_type, url_name):
    notify_enqueue(
        channel="email",
        to_user=seat,
        subject="提醒",
        body="请处理",
        kind=f"{ref_type}.reminder",
        ref_type=ref_type,
        ref_id="X-20261207-0001",
    )
    notice = Notice.objects.get(user=seat)
    assert notice.url == reverse(url_name, args=["X-20261207-0001"])


def test_a_notice_about_something_without_a_page_has_no_link(seat):
    notify_enqueue(
        channel="email", to_user=seat, subject="提醒", body="…", kind="x", ref_type="widget"
    )
    assert Notice.objects.get(user=seat).url == ""
