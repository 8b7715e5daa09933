"""Every read of complaints that pages and the API share, scoped to what the user may see.

Complaint officers and managers see every complaint; a customer's contact their own
organisation's; dispatchers, engineers and experts none (403). Who complained anonymously, the
department's answer and the internal timeline are cut here, once, for pages and API alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member, scope_to_customer
from aftersales.core import timeline
from aftersales.core.errors import NotFound
from aftersales.feedback import complaint_access as access
from aftersales.feedback import complaint_promises as promises
from aftersales.feedback.models import COMPLAINT_OPEN_STATUSES, Complaint

NOT_FOUND = _("Not found.")
ANONYMOUS = _("Anonymous")


def complaints_for_user(user: Any) -> QuerySet[Complaint]:
    """The complaints the user may see: staff holding view_complaint, a contact their own
    customer's (anyone else: 403)."""
    return scope_to_customer(
        Complaint.objects.all(),
        user,
        staff_sees_all=is_staff_member(user) and can(user, access.VIEW),
    )


def complaint_get_for_user(*, user: Any, number: str) -> Complaint:
    """The complaint, or 404 for whoever may not see it."""
    try:
        return complaints_for_user(user).select_related("customer", "contact").get(number=number)
    except Complaint.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


@dataclass(frozen=True)
class ComplaintFilters:
    status: str = ""
    customer: str = ""
    overdue: bool | None = None
    q: str = ""


def complaint_list(*, user: Any, filters: ComplaintFilters) -> QuerySet[Complaint]:
    """Complaints, the next due promise first (then the newest); `q` matches the number, the
    customer and the complaint's text, never the complainant (anonymity)."""
    qs = complaints_for_user(user).select_related("customer")
    if filters.status == "open":
        qs = qs.filter(status__in=COMPLAINT_OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.customer:
        qs = qs.filter(customer__code=filters.customer)
    if filters.overdue is not None:
        late = Q(next_due_at__lt=timezone.now())
        qs = qs.filter(late) if filters.overdue else qs.exclude(late)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(text__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer__code__iexact=q)
        )
    return qs.order_by(F("next_due_at").asc(nulls_last=True), "-received_at", "-pk")


def complainant(user: Any, complaint: Complaint) -> dict[str, Any]:
    """Who complained, as `user` may see it: blank for an anonymous complaint unless the user
    is a complaint officer (`label` then says "Anonymous")."""
    if not access.can_see_complainant(user, complaint):
        return {"contact": None, "name": "", "phone": "", "label": str(ANONYMOUS)}
    contact = complaint.contact
    name = complaint.complainant_name or (contact.name if contact else "")
    phone = complaint.complainant_phone or (contact.phone if contact else "")
    label = " ".join(part for part in (name, phone) if part)
    if complaint.anonymous:
        label = f"{label} ({ANONYMOUS})".strip()
    return {
        "contact": contact.pk if contact else None,
        "name": name,
        "phone": phone,
        "label": label,
    }


def linked_cases(user: Any, complaint: Complaint) -> list:
    """The complaint's linked cases (the complaint's own customer's, so whoever sees it)."""
    return list(complaint.cases.order_by("number"))


def promise_rows(complaint: Complaint, now: dt.datetime) -> list[dict]:
    """The complaint's promises as the API shows them."""
    return promises.promise_rows(complaint, now)


def activities_for_user(*, user: Any, complaint: Complaint) -> QuerySet:
    """The complaint's timeline as the user may see it (contacts: no internal rows)."""
    return timeline.for_subject(
        promises.KIND, complaint.pk, include_internal=access.can_see_internal(user, complaint)
    )
