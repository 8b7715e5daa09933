"""Comments on a case: public replies and internal notes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _lazy

from aftersales.accounts.models import User
from aftersales.cases import access, mentions, notifications, search
from aftersales.cases.models import Activity, ActivityKind, Case, Status
from aftersales.cases.services.common import (
    CUSTOMERS_NO_INTERNAL,
    record,
    require,
    required_text,
    resume_case,
    save_case,
)
from aftersales.core.errors import Forbidden, Invalid


@transaction.atomic
def case_comment(*, case: Case, by: User, text: str, internal: bool = False) -> Activity:
    """Any user who can see the case may comment; only staff write internal notes."""
    text = required_text(text)
    require(access.can_comment, by, case)
    if internal and not access.can_comment_internal(by, case):
        raise Invalid(CUSTOMERS_NO_INTERNAL, field="internal")
    customer = access.is_customer_of(by, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    activity = record(case, by=by, kind=ActivityKind.COMMENT, now=now, text=text, internal=internal)
    case.search_text = search.document_for(case, extra=text, internal=internal)
    save_case(case, now, "search_text")
    search.index_case(case)
    if customer and case.status == Status.WAITING:
        # The customer answered: the clocks run again without anybody pressing a button.
        resume_case(case, by=None, now=now, text=_t("Customer replied."))
    if not internal:
        notifications.commented(case, activity=activity, by=by)
    mentions.notify_mentioned(case, activity=activity, by=by)
    return activity


NO_SOLUTION = _lazy("That case has no recorded solution to send.")
STAFF_ONLY = _lazy("Only our staff answer with another case's solution.")


def case_reply_with_solution(*, case: Case, by: User, source: Case) -> Activity:
    """Answer `case` with the recorded solution of an earlier case (a public reply, one action);
    the caller loaded `source` through the user's scope."""
    if not access.can_comment_internal(by, case):
        raise Forbidden(STAFF_ONLY)
    text = (source.resolution or "").strip()
    if not text or source.pk == case.pk:
        raise Invalid(NO_SOLUTION, field="source")
    return case_comment(case=case, by=by, text=text)
