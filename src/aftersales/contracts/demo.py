"""Demo contracts: most demo customers under a service contract with the plans' default penalty
rules, one ending within the month, one renewed after its first year; the rest on warranty or
paid service, so that every entitlement shows.

Runs after the registry section and before the cases, so that demo cases find their contracts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from aftersales.accounts.roles import Role
from aftersales.contracts import services
from aftersales.contracts.models import ServiceContract
from aftersales.core.errors import ApplicationError
from aftersales.registry.models import Customer

PREFIX = "HT-DEMO-"
LEVELS = ("7x24", "5x8", "5x8", "7x24", "5x8")
WITHOUT_CONTRACT_EVERY = 4  # every fourth customer has none: warranty or paid service


def _number(index: int, renewal: bool = False) -> str:
    return f"{PREFIX}{index + 1:03d}" + ("-R" if renewal else "")


def load(demo: Any) -> None:
    """Add the customers' contracts (skipped when the demo has them already)."""
    if ServiceContract.objects.filter(number__startswith=PREFIX).exists():
        return
    users = get_user_model().objects.filter(is_active=True)
    admin = users.filter(groups__name=Role.ADMIN).first()
    codes = [f"KH{i:04d}" for i in range(1, demo.customers + 1)]
    customers = list(Customer.objects.filter(code__in=codes, is_active=True).order_by("code"))
    if admin is None or not customers:
        demo.notes.append("No demo contracts: they need an administrator and customers.")
        return
    made = 0
    try:
        for index, customer in enumerate(customers):
            if index % WITHOUT_CONTRACT_EVERY == WITHOUT_CONTRACT_EVERY - 1:
                continue
            rng = demo.rng("contract", customer.code)
            starts = demo.today - dt.timedelta(days=rng.randint(30, 300))
            ends = starts + dt.timedelta(days=364)
            if index == 1:
                ends = demo.today + dt.timedelta(days=20)  # the renewal reminder shows
            value = Decimal(rng.randrange(80, 600) * 1000)
            contract = services.contract_create(
                by=admin,
                number=_number(index),
                customer=customer,
                service_level=LEVELS[index % len(LEVELS)],
                starts_on=starts if index else demo.today - dt.timedelta(days=400),
                ends_on=ends if index else demo.today - dt.timedelta(days=36),
                value=value,
                service_manager=customer.service_manager,
                onsite_visits=rng.choice((4, 6, 12)),
                training_days=rng.choice((0, 2, 5)),
            )
            made += 1
            if index == 0:
                # The first customer's contract ended and was renewed for another year.
                services.contract_renew(
                    by=admin,
                    contract=contract,
                    number=_number(index, renewal=True),
                    value=value * Decimal("1.05"),
                )
                made += 1
    except ApplicationError as exc:
        demo.notes.append(f"Demo contracts stopped: {exc.message}")
    demo.add("contracts", made)
