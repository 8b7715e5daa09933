"""`{% sla_clocks case as clocks %}`: the case's clocks for templates/sla/_clocks.html."""

from __future__ import annotations

from django import template
from django.utils import timezone

from aftersales.sla import selectors

register = template.Library()


@register.simple_tag
def sla_clocks(case):
    return selectors.sla_clocks(case, timezone.now())


@register.simple_tag
def sla_escalations(case):
    return selectors.escalations_for_case(case)
