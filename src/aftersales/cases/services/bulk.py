"""The queue's bulk actions: one service call per ticked case, each in its own transaction.

A refusal of one case (its state, the user's rights on it, a stale version) leaves the others
done; the answer lists both. Bulk status changes are "wait" (with a text) and "resume": the
workflow steps that mean the same on many cases; respond, diagnose and resolve are about one
case's work and stay on its page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases import organize, selectors
from aftersales.cases.models import Case, Priority
from aftersales.cases.services.assignment import case_change_priority
from aftersales.cases.services.closure import case_close
from aftersales.cases.services.common import NOT_ALLOWED, required_text
from aftersales.cases.services.tags import case_add_tags, clean_tag_name, tag_exists
from aftersales.cases.services.work import case_resume, case_wait
from aftersales.core.errors import ApplicationError, Forbidden, Invalid
from aftersales.core.schema_types import LONG_TEXT_MAX, bounded_text

BULK_MAX = 200
BULK_ACTIONS = ("priority", "status", "tag", "close")
BULK_STATUSES = ("wait", "resume")
NOTHING_CHOSEN = _("Tick at least one case.")
TOO_MANY = _("At most %(limit)s cases at once.")
UNKNOWN_ACTION = _("Choose priority, status, tag or close.")
BAD_PRIORITY = _("Choose P1, P2, P3 or P4.")
BAD_STATUS = _("Choose “wait” or “resume”.")
UNKNOWN_TAG = _("Pick an existing tag.")


@dataclass(frozen=True)
class Refusal:
    number: str
    reason: str
    field: str | None = None


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


Apply = Callable[[Case, int | None], object]


def _action(*, by: User, action: str, value: str, text: str) -> Apply:
    """Check the request's own fields (422 naming them) and return the per-case call."""
    if action == "priority":
        if value not in Priority.values:
            raise Invalid(BAD_PRIORITY, field="value")
        return lambda case, version: case_change_priority(
            case=case, by=by, priority=value, version=version
        )
    if action == "status":
        if value not in BULK_STATUSES:
            raise Invalid(BAD_STATUS, field="value")
        if value == "wait":
            text = required_text(text)
            return lambda case, version: case_wait(case=case, by=by, text=text, version=version)
        return lambda case, version: case_resume(case=case, by=by, text=text, version=version)
    if action == "tag":
        name = clean_tag_name(value, field="value")
        if not (tag_exists(name) or organize.can_add_tag(by)):
            raise Invalid(UNKNOWN_TAG, field="value")
        return lambda case, version: case_add_tags(case=case, by=by, names=[name], version=version)
    if action == "close":
        text = required_text(text)
        # Resolved cases close; open ones are cancelled (closers only), as on the case page.
        return lambda case, version: case_close(case=case, by=by, text=text, version=version)
    raise Invalid(UNKNOWN_ACTION, field="action")


def cases_bulk(
    *,
    by: User,
    cases: list[tuple[str, int | None]],
    action: str,
    value: str = "",
    text: str = "",
) -> BulkResult:
    """Apply `action` to each (number, version) through its own service; list what was refused.

    Not atomic on purpose: each case is its own transaction (the services'), so one refusal
    undoes nothing else. The request is refused whole (422) only for its own bad fields.
    """
    if not organize.can_bulk(by):
        raise Forbidden(NOT_ALLOWED)
    rows = list(dict.fromkeys((str(n).strip(), v) for n, v in cases))
    if not rows:
        raise Invalid(NOTHING_CHOSEN, field="cases")
    if len(rows) > BULK_MAX:
        raise Invalid(TOO_MANY % {"limit": BULK_MAX}, field="cases")
    text = bounded_text((text or "").strip(), field="text", limit=LONG_TEXT_MAX)
    apply = _action(by=by, action=action, value=(value or "").strip(), text=text)
    result = BulkResult()
    for number, version in rows:
        try:
            case = selectors.case_get_for_user(user=by, number=number)
            apply(case, version)
        except ApplicationError as exc:
            result.refused.append(Refusal(number, str(exc.message), exc.field))
        else:
            result.done.append(number)
    return result
