"""Templates ask the repair predicates (repairs.access) instead of comparing statuses."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.repairs import access
from aftersales.repairs.models import RepairOrder

register = template.Library()


@register.simple_tag(takes_context=True)
def repair_actions(context: template.Context, order: RepairOrder) -> list[str]:
    """`{% repair_actions order as actions %}`: what the current user may do to it now."""
    return access.available_actions(context["request"].user, order)


@register.simple_tag(takes_context=True)
def can_open_repair(context: template.Context, case: Any) -> bool:
    """`{% can_open_repair case as allowed %}`: may the current user open a repair on it."""
    return access.can_open(context["request"].user, case)
