"""Every read of return requests that pages and the API share, scoped to what the user sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member, scope_to_customer
from aftersales.core import timeline
from aftersales.core.errors import NotFound
from aftersales.rma import return_promises as promises
from aftersales.rma.models import ReturnRequest
from aftersales.rma.return_access import VIEW

NOT_FOUND = _("Not found.")


def returns_for_user(user: Any) -> QuerySet[ReturnRequest]:
    """The returns the user may see: staff holding rma.view_rma, a contact their own (else 403)."""
    return scope_to_customer(
        ReturnRequest.objects.all(),
        user,
        staff_sees_all=is_staff_member(user) and can(user, VIEW),
    )


def return_get_for_user(*, user: Any, number: str) -> ReturnRequest:
    """The return request, or 404 for whoever may not see it."""
    try:
        return returns_for_user(user).select_related("customer", "asset").get(number=number)
    except ReturnRequest.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


@dataclass(frozen=True)
class ReturnFilters:
    status: str = ""
    customer: str = ""
    kind: str = ""
    q: str = ""


def return_list(*, user: Any, filters: ReturnFilters) -> QuerySet[ReturnRequest]:
    """Returns, the next due promise first (then the newest); `q` matches code, serial, name."""
    qs = returns_for_user(user).select_related("customer")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.customer:
        qs = qs.filter(customer__code=filters.customer)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(serial_number__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer__code__iexact=q)
        )
    return qs.order_by(F("next_due_at").asc(nulls_last=True), "-created_at", "-pk")


def promise_rows(request: ReturnRequest, now: dt.datetime) -> list[dict]:
    """The request's promises as the API shows them."""
    return promises.promise_rows(request, now)


def activities_for_user(*, user: Any, request: ReturnRequest) -> QuerySet:
    """The request's timeline as the user may see it (contacts: no internal rows)."""
    return timeline.for_subject(promises.KIND, request.pk, include_internal=is_staff_member(user))
