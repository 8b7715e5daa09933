"""Demo RMAs: one waiting for its spare, one shipped late, one with the faulty part back.

Runs after the cases and the inventory sections: it needs open demo cases, an RMA admin and
a part in stock; each step is recorded with its own `at` in the past (the services accept it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.cases.models import OPEN_STATUSES, Case
from aftersales.core.errors import ApplicationError
from aftersales.inventory.selectors import stock_levels
from aftersales.notify.services import outbox_demo_delivered, outbox_last_id
from aftersales.rma import services
from aftersales.rma.models import Rma


def _days_ago(days: int, hour: int) -> dt.datetime:
    local = timezone.localtime() - dt.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def load(demo: Any) -> None:
    """Add up to three RMAs in different steps (skipped when the demo has them already)."""
    if Rma.objects.exists():
        return
    admin = get_user_model().objects.filter(groups__name=Role.RMA_ADMIN, is_active=True).first()
    cases = list(Case.objects.filter(status__in=OPEN_STATUSES).order_by("created_at")[:3])
    levels = list(stock_levels(user=admin).filter(available_count__gt=0)[:1]) if admin else []
    if admin is None or not cases or not levels:
        demo.notes.append("No demo RMAs: they need an RMA admin, open cases and spare stock.")
        return
    part_number = levels[0].part.part_number
    first_outbox = outbox_last_id()
    made = 0
    for index, case in enumerate(cases):
        start = max(_days_ago(20 - index * 6, 10), timezone.localtime(case.created_at))
        try:
            rma = services.rma_open(
                case=case, by=admin, part_number=part_number, fault=case.title, confirmed_at=start
            )
            made += 1
            if index == 2:
                continue  # waits for its spare
            # The second one ships two days late.
            ship = start + dt.timedelta(days=2 if index == 1 else 0, hours=1)
            steps = [
                (services.rma_reserve, start + dt.timedelta(minutes=20), {}),
                (services.rma_ship, ship, {"carrier": "顺丰", "tracking": f"SF{rma.pk:08d}"}),
            ]
            if index == 0:
                steps += [
                    (services.rma_delivered, ship + dt.timedelta(days=1), {}),
                    (services.rma_faulty_shipped, ship + dt.timedelta(days=5), {}),
                    (services.rma_faulty_received, ship + dt.timedelta(days=7), {}),
                ]
            now = timezone.now()
            for step, at, fields in steps:
                if at > now:
                    break  # a young case's RMA is still on its way: the rest has not happened
                step(rma=rma, by=admin, at=at, **fields)
        except ApplicationError as exc:
            demo.notes.append(f"Demo RMA on {case.number} stopped: {exc.message}")
    # The played history's messages went out when they were due (as cases.demo does).
    outbox_demo_delivered(first_outbox)
    demo.add("rmas", made)
