"""Builders for the callback programme's tests: assets with acceptance dates, closed cases,
an engineer's onsite arrival, and the people who work the call list."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from aftersales.cases.models import Case, CaseType
from aftersales.core.models import Activity
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JSON = "application/json"
_numbers = itertools.count(1)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)


def asset(customer, *, accepted_on=None, installed_on=None, months=None, **fields):
    """An asset of `customer` with its dates (36 months' warranty unless `months`)."""
    return factories.AssetFactory(
        customer=customer,
        accepted_on=accepted_on,
        installed_on=installed_on,
        warranty_months=months,
        **fields,
    )


def closed_case(customer, closed_at: dt.datetime, *, service_mode: str = "remote", asset=None):
    """A case closed at `closed_at` (written directly: the generator reads only the row)."""
    number = f"CS-T-{next(_numbers):06d}"
    return Case.objects.create(
        number=number,
        title="回访测试",
        customer=customer,
        asset=asset,
        case_type=CaseType.objects.get(code="fault"),
        priority="P3",
        channel="phone",
        service_mode=service_mode,
        status="closed",
        created_at=closed_at - dt.timedelta(days=1),
        updated_at=closed_at,
        closed_at=closed_at,
    )


def arrived(case: Case, moment: dt.datetime) -> Activity:
    """The engineer's onsite arrival on the case's timeline."""
    return Activity.objects.create(
        subject_kind="case",
        subject_id=case.pk,
        customer_id=case.customer_id,
        at=moment,
        kind="arrived",
    )


def manager():
    return factories.staff_user("cb_manager", role="manager")


def callback_fillers(customer, asset, text: str) -> dict:
    """The isolation sweep's path fillers: one callback of `customer` about `asset` and one
    problem raised on it (its text carries the customer's marker)."""
    from django.utils import timezone

    from aftersales.feedback.models import Callback, CallbackItem, CallbackRule

    now = timezone.now()
    callback = Callback.objects.create(
        rule=CallbackRule.objects.get(code="commissioned-monthly"),
        period=f"{timezone.localdate(now):%Y-%m}",
        customer=customer,
        asset=asset,
        due_on=timezone.localdate(now),
        created_at=now,
    )
    item = CallbackItem.objects.create(
        number="CI-20260101-9999",
        callback=callback,
        customer=customer,
        text=text,
        raised_at=now,
        updated_at=now,
    )
    return {
        "callbacks/pk": callback.pk,  # callbacks/<pk>/ and its attempt and items forms
        "callbacks/callback_id": callback.pk,  # /api/v1/callbacks/{callback_id}
        "items/number": item.number,  # callbacks/items/<number>/
        "callback-items/number": item.number,  # /api/v1/callback-items/{number}
    }
