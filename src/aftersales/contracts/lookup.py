"""The contracts section of the call-centre lookup (registry.lookup plug-in)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.contracts.selectors import contracts_for_user
from aftersales.registry.lookup import ContractSummary
from aftersales.registry.models import Customer

SHOWN = 20

# The same words as the contract pages' state badge (templates/contracts/_state.html).
STATUS_LABELS = {"upcoming": _("Not started"), "active": _("In force"), "expired": _("Expired")}


def _status(contract, today) -> str:
    if contract.starts_on > today:
        return "upcoming"
    return "active" if contract.ends_on >= today else "expired"


def contracts_section(*, customer: Customer, user: Any) -> list[ContractSummary]:
    """The customer's active contracts, latest end first, in one query."""
    today = timezone.localdate()
    rows = (
        contracts_for_user(user)
        .filter(customer=customer, is_active=True)
        .select_related("sla_policy")
        .order_by("-ends_on")[:SHOWN]
    )
    return [
        ContractSummary(
            number=c.number,
            service_level=c.sla_policy.code,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            status=_status(c, today),
            status_label=str(STATUS_LABELS[_status(c, today)]),
        )
        for c in rows
    ]
