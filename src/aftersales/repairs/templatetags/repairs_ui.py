"""Template helpers for pages of other apps: the case page's panel, the customer's reports."""

from __future__ import annotations

from django import template

from aftersales.repairs import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def case_repair_orders(context, case):
    """The repair orders of a case the current user may see (the case page's panel)."""
    return list(selectors.repairs_of_case(user=context["request"].user, case=case))


@register.inclusion_tag("repairs/_customer_reports.html", takes_context=True)
def customer_service_reports(context, customer):
    """The customer's repair orders and archived service reports (the customer page)."""
    user = context["request"].user
    rows = selectors.repairs_of_customer(user=user, customer=customer)[:30]
    return {"orders": rows, "request": context["request"], "perms": context.get("perms")}


@register.simple_tag
def repair_return_view(order):
    """A carry-in order's return promise as pages show it (None before the receipt)."""
    return selectors.return_view(selectors.return_promise(order))
