"""Templates ask the survey predicates (feedback.survey_access) instead of comparing statuses."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.feedback import survey_access

register = template.Library()


@register.simple_tag(takes_context=True)
def can_send_survey(context: template.Context, case: Any) -> bool:
    """`{% can_send_survey case as allowed %}`: may the current user get the case's link."""
    return survey_access.can_send(context["request"].user, case)
