"""The case page's macro picker and work log, fed by their selectors (cases.macros,
cases.worklog): the case page's view is shared, so these tags fetch their own data."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _t

from aftersales.accounts.roles import Role
from aftersales.cases import macros, worklog

register = template.Library()


@register.filter
def team_label(value: str) -> str:
    """A macro's team (a role value) in the reader's words."""
    try:
        return str(Role(value).label)
    except ValueError:
        return value


def _effects(macro: Any) -> str:
    parts = []
    if macro.internal:
        parts.append(_t("Internal note"))
    if macro.set_status:
        parts.append(_t("Status → %(status)s") % {"status": macro.get_set_status_display()})
    if macro.set_priority:
        parts.append(_t("Priority → %(priority)s") % {"priority": macro.set_priority})
    tags = [t.name for t in macro.add_tags.all()]
    if tags:
        parts.append(_t("Tags + %(tags)s") % {"tags": ", ".join(tags)})
    return " · ".join(parts)


@register.simple_tag(takes_context=True)
def case_macro_picker(context: template.Context) -> list[dict[str, Any]]:
    """The user's usable macros for the case, each rendered for it, with what it will change
    and why it cannot be applied now ("" when it can)."""
    request, case = context.get("request"), context.get("case")
    user = getattr(request, "user", None)
    if case is None or not macros.can_keep_macros(user):
        return []
    actions = context.get("actions") or []
    return [
        {
            "macro": macro,
            "text": macros.render_text(macro.body, case=case, by=user),
            "effects": _effects(macro),
            "blocker": macros.macro_blocker(user=user, case=case, macro=macro, actions=actions),
        }
        for macro in macros.macros_usable(user=user)
    ]


@register.simple_tag(takes_context=True)
def case_work_log(context: template.Context) -> dict[str, Any] | None:
    """The case's work log for staff: entries (voided ones struck through), the total of
    those not voided, whether the user may log time; None for anybody else."""
    request, case = context.get("request"), context.get("case")
    user = getattr(request, "user", None)
    if case is None or not worklog.can_read_work_log(user, case):
        return None
    entries = list(worklog.work_log_for_case(user=user, case=case))
    for entry in entries:
        entry.case = case  # loaded already: no query per entry
        entry.voidable = entry.voided_at is None and worklog.can_void_work_log(user, entry)
    total = sum(e.minutes for e in entries if e.voided_at is None)
    return {
        "entries": entries,
        "total": total,
        "hours": f"{total / 60:.1f}",
        "can_log": worklog.can_log_work(user, case),
        "today": timezone.localdate(),
        "opened": timezone.localdate(case.created_at),
    }
