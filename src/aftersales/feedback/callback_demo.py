"""Demo callbacks: this month's call list (and its quarter's) built by the generator, some of
it worked: calls done with ratings, one not reached with a retry, one refused, and a problem
raised, solved and told (waiting for the customer's word).

Runs after the registry and cases sections: the lists come from their assets and closed cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.core.errors import ApplicationError
from aftersales.feedback import callbacks
from aftersales.feedback.callback_generation import callbacks_generate, month_period
from aftersales.feedback.models import Callback, CallbackOutcome, Department

DONE_CALLS = 6


def load(demo: Any) -> None:
    """Build this month's lists and work part of them (skipped when callbacks exist)."""
    if Callback.objects.exists():
        return
    users = get_user_model().objects.filter(is_active=True)
    seat = users.filter(groups__name=Role.DISPATCHER).first()
    manager = users.filter(groups__name=Role.MANAGER).first()
    if seat is None or manager is None:
        demo.notes.append("No demo callbacks: they need a seat and a manager.")
        return
    now = timezone.now()
    # The lists were drawn before the calls that the demo records three hours ago.
    drawn = now - dt.timedelta(hours=4)
    made = callbacks_generate(period=month_period(timezone.localdate(now)), now=drawn)["created"]
    demo.add("callbacks", made)
    calls = list(Callback.objects.order_by("due_on", "pk")[: DONE_CALLS + 2])
    if not calls:
        demo.notes.append("No demo callbacks: no accepted assets or closed cases this period.")
        return
    earlier = now - dt.timedelta(hours=3)
    try:
        for index, call in enumerate(calls[:DONE_CALLS]):
            callbacks.callback_attempt(
                callback=call,
                by=seat,
                outcome=CallbackOutcome.REACHED,
                rating=5 - index % 2,
                engineer_rating=5,
                notes="设备运行正常，客户对服务满意。",
                at=earlier,
            )
        if len(calls) > DONE_CALLS:
            callbacks.callback_attempt(
                callback=calls[DONE_CALLS],
                by=seat,
                outcome=CallbackOutcome.NOT_REACHED,
                retry_at=now + dt.timedelta(days=1),
                notes="无人接听",
                at=earlier,
            )
        if len(calls) > DONE_CALLS + 1:
            callbacks.callback_attempt(
                callback=calls[DONE_CALLS + 1],
                by=seat,
                outcome=CallbackOutcome.REFUSED,
                notes="客户表示近期不便接受回访",
                at=earlier,
            )
        item = callbacks.callback_item_raise(
            callback=calls[0],
            by=seat,
            text="客户反映设备告警灯偶尔闪烁，希望工程师远程检查。",
            department=Department.TECHNICAL,
            at=earlier + dt.timedelta(minutes=5),
        )
        callbacks.callback_item_solve(
            item=item,
            by=manager,
            solution="技术中心远程检查：风扇转速告警，已安排更换风扇模块。",
            at=earlier + dt.timedelta(hours=1),
        )
        callbacks.callback_item_tell(item=item, by=seat, at=earlier + dt.timedelta(hours=2))
    except ApplicationError as exc:
        demo.notes.append(f"Demo callbacks stopped: {exc.message}")
