"""Related cases and duplicates: link two cases, merge a duplicate into another.

Links are permanent (nothing is hard-deleted, and CaseLink has no "removed" mark): a wrong
link is explained by a comment. Both cases are locked in id order, so two requests on the same
pair, either way round, wait for each other instead of deadlocking.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases import organize, selectors
from aftersales.cases.models import ActivityKind, Case, CaseLink, CaseLinkKind
from aftersales.cases.services.closure import case_close
from aftersales.cases.services.comments import case_comment
from aftersales.cases.services.common import NOT_ALLOWED, STALE, record, save_case
from aftersales.core.errors import Conflict, Forbidden, Invalid, NotFound
from aftersales.core.schema_types import MEDIUM_TEXT_MAX, bounded_text

LINK_SELF = _("A case cannot be linked to itself.")
LINKED_ALREADY = _("These cases are linked already.")
MERGE_SELF = _("A case cannot be merged into itself.")
MERGE_NOT_OPEN = _("Only an open case can be merged into another.")
MERGE_TARGET_NOT_OPEN = _("Merge into an open case that was not merged itself.")
MERGE_OTHER_CUSTOMER = _("Both cases must be the same customer's.")


def _lock_pair(a: Case, b: Case) -> tuple[Case, Case]:
    """Both cases reloaded under row locks taken in id order; returned as (a, b)."""
    # PostgreSQL locks rows in the order it reads them: read them sorted.
    locked = {
        c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[a.pk, b.pk]).order_by("pk")
    }
    return locked[a.pk], locked[b.pk]


def _other(by: User, number: str, field: str) -> Case:
    """The case numbered `number` if the user may see it; else 404 naming the body field."""
    try:
        return selectors.case_get_for_user(user=by, number=(number or "").strip())
    except NotFound as exc:
        raise NotFound(exc.message, field=field) from None


def _linked(a: Case, b: Case) -> CaseLink | None:
    return CaseLink.objects.filter(Q(from_case=a, to_case=b) | Q(from_case=b, to_case=a)).first()


@transaction.atomic
def case_link(*, case: Case, by: User, other: str) -> CaseLink:
    """Relate `case` to the case numbered `other` (one the user can see, else 404)."""
    if not organize.can_link(by, case):
        raise Forbidden(NOT_ALLOWED)
    target = _other(by, other, "case")
    if target.pk == case.pk:
        raise Invalid(LINK_SELF, field="case")
    case, target = _lock_pair(case, target)
    if _linked(case, target) is not None:
        raise Conflict(LINKED_ALREADY)
    now = timezone.now()
    link = CaseLink.objects.create(
        from_case=case, to_case=target, kind=CaseLinkKind.RELATED, created_by=by, created_at=now
    )
    # Internal: the other case may be another customer's.
    for one, two in ((case, target), (target, case)):
        record(
            one,
            by=by,
            kind=ActivityKind.LINKED,
            now=now,
            text=_t("Linked with %(number)s.") % {"number": two.number},
            internal=True,
            data={"case": two.number},
        )
    return link


@transaction.atomic
def case_merge(
    *, case: Case, by: User, into: str, text: str = "", version: int | None = None
) -> Case:
    """Merge the duplicate `case` into the open case numbered `into` (the same customer's).

    Both histories stay where they are. The duplicate points at the other case (merged_into,
    a "duplicate" link, a MERGED row), its customer is told in a public comment, and it is
    closed through the cancel path, so its promises stop; the other case records the merge.
    """
    if not organize.can_merge(by, case):
        raise Forbidden(NOT_ALLOWED)
    text = bounded_text((text or "").strip(), field="text", limit=MEDIUM_TEXT_MAX)
    target = _other(by, into, "into")
    if target.pk == case.pk:
        raise Invalid(MERGE_SELF, field="into")
    duplicate, target = _lock_pair(case, target)
    if version is not None and duplicate.version != version:
        raise Conflict(STALE, extra={"version": duplicate.version})
    if not duplicate.is_open or duplicate.merged_into_id:
        raise Conflict(MERGE_NOT_OPEN, extra={"status": duplicate.status})
    if not target.is_open or target.merged_into_id:
        raise Invalid(MERGE_TARGET_NOT_OPEN, field="into")
    if duplicate.customer_id != target.customer_id:
        raise Invalid(MERGE_OTHER_CUSTOMER, field="into")
    now = timezone.now()
    duplicate.merged_into = target
    save_case(duplicate, now, "merged_into")
    link = CaseLink.objects.filter(from_case=duplicate, to_case=target).first()
    if link is None:
        CaseLink.objects.create(
            from_case=duplicate,
            to_case=target,
            kind=CaseLinkKind.DUPLICATE,
            created_by=by,
            created_at=now,
        )
    elif link.kind != CaseLinkKind.DUPLICATE:
        link.kind = CaseLinkKind.DUPLICATE
        link.save(update_fields=["kind"])
    pointer = _t("Merged into %(number)s.") % {"number": target.number}
    record(
        duplicate,
        by=by,
        kind=ActivityKind.MERGED,
        now=now,
        text=f"{pointer}\n{text}" if text else pointer,
        data={"to": target.number},
    )
    record(
        target,
        by=by,
        kind=ActivityKind.MERGED,
        now=now,
        text=_t("Case %(number)s was merged into this case.") % {"number": duplicate.number},
        data={"duplicate": duplicate.number},
    )
    # The customer hears it through the ordinary comment path (timeline and outbox).
    told = _t(
        "This request duplicates case %(number)s: we go on with it there and close this one."
    ) % {"number": target.number}
    case_comment(case=duplicate, by=by, text=f"{told}\n{text}" if text else told)
    case_close(case=duplicate, by=by, text=pointer)
    return Case.objects.select_related("merged_into").get(pk=duplicate.pk)
