"""Possible duplicates at intake: the same customer's report of the same fault again, shortly
after, is flagged on the new case with a one-click merge into the earlier one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from aftersales.cases import services
from aftersales.cases.duplicates import possible_duplicates
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def _case(seat, customer, title, *, at=MONDAY, serial=""):
    with time_machine.travel(at, tick=False):
        return services.case_create(
            by=seat,
            customer=customer,
            title=title,
            case_type="fault",
            channel="phone",
            serial_number=serial,
        )


def test_the_same_words_again_the_next_day_are_flagged(seat, customer_a):
    first = _case(seat, customer_a, "核心交换机电源故障")
    again = _case(seat, customer_a, "核心交换机电源又故障了", at=MONDAY + dt.timedelta(hours=20))

    flagged = possible_duplicates(user=seat, case=again)

    assert [(c.pk, reasons) for c, reasons in flagged] == [(first.pk, ["text"])]


def test_the_same_asset_is_flagged_whatever_the_words(seat, customer_a):
    factories.AssetFactory(customer=customer_a, serial_number="SN-DUP-1")
    first = _case(seat, customer_a, "存储告警", serial="SN-DUP-1")
    again = _case(
        seat, customer_a, "无法登录管理界面", serial="SN-DUP-1", at=MONDAY + dt.timedelta(hours=1)
    )

    assert [c.pk for c, _ in possible_duplicates(user=seat, case=again)] == [first.pk]


def test_another_customers_case_is_never_flagged(seat, customer_a, customer_b):
    _case(seat, customer_b, "核心交换机电源故障")
    again = _case(seat, customer_a, "核心交换机电源故障", at=MONDAY + dt.timedelta(hours=1))

    assert possible_duplicates(user=seat, case=again) == []


def test_a_report_after_the_window_is_a_new_fault(seat, customer_a):
    _case(seat, customer_a, "核心交换机电源故障")
    later = _case(seat, customer_a, "核心交换机电源故障", at=MONDAY + dt.timedelta(days=3))

    assert possible_duplicates(user=seat, case=later) == []


def test_different_words_of_the_same_customer_are_not_flagged(seat, customer_a):
    _case(seat, customer_a, "核心交换机电源故障")
    other = _case(seat, customer_a, "视频会议终端没有声音", at=MONDAY + dt.timedelta(hours=1))

    assert possible_duplicates(user=seat, case=other) == []


def test_the_earlier_case_shows_no_flag_only_the_newer_one_does(seat, customer_a):
    first = _case(seat, customer_a, "核心交换机电源故障")
    _case(seat, customer_a, "核心交换机电源故障", at=MONDAY + dt.timedelta(hours=1))

    assert possible_duplicates(user=seat, case=first) == []


def test_the_case_page_offers_a_merge_into_the_earlier_case(seat, customer_a):
    first = _case(seat, customer_a, "核心交换机电源故障")
    again = _case(seat, customer_a, "核心交换机电源故障", at=MONDAY + dt.timedelta(hours=1))
    client = Client()
    client.force_login(seat)

    with time_machine.travel(MONDAY + dt.timedelta(hours=2), tick=False):
        page = client.get(f"/cases/{again.number}/").content.decode()
        merged = client.post(
            f"/cases/{again.number}/merge/", {"into": first.number, "version": again.version}
        )

    assert "possible-duplicate" in page and f'value="{first.number}"' in page
    assert merged.status_code == 302
    again.refresh_from_db()
    assert again.merged_into_id == first.pk
