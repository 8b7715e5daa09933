"""Template helpers other apps' pages use to show contracts (the customer page)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from aftersales.contracts.entitlement import reason_text, service_level_label
from aftersales.contracts.selectors import contracts_for_user

register = template.Library()


@register.filter
def entitlement_reason(stored: str) -> str:
    """A stored entitlement reason in the reader's language."""
    return reason_text(stored or "")


@register.filter
def service_level(code: str) -> str:
    return service_level_label(code)


@register.inclusion_tag("contracts/_customer_contracts.html", takes_context=True)
def customer_contracts(context, customer):
    """The customer's contracts, newest end first, for the customer page."""
    user = context["request"].user
    rows = (
        contracts_for_user(user)
        .filter(customer=customer)
        .select_related("sla_policy")
        .order_by("-ends_on")[:20]
    )
    return {
        "contracts": rows,
        "customer": customer,
        "today": timezone.localdate(),
        "perms": context.get("perms"),
        "request": context["request"],
    }
