"""Every read of RMAs that pages and the API share, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member, scope_to_customer
from aftersales.core import timeline
from aftersales.core.errors import NotFound
from aftersales.rma import promises
from aftersales.rma.access import VIEW
from aftersales.rma.models import Rma

NOT_FOUND = _("Not found.")


def rmas_for_user(user: Any) -> QuerySet[Rma]:
    """The RMAs the user may see: staff holding rma.view_rma, a contact their own (else 403)."""
    return scope_to_customer(
        Rma.objects.all(), user, staff_sees_all=is_staff_member(user) and can(user, VIEW)
    )


def rma_get_for_user(*, user: Any, number: str) -> Rma:
    """The RMA, or 404 for whoever may not see it."""
    try:
        return rmas_for_user(user).select_related("customer", "case", "asset").get(number=number)
    except Rma.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


@dataclass(frozen=True)
class RmaFilters:
    status: str = ""
    customer: str = ""


def rma_list(*, user: Any, filters: RmaFilters) -> QuerySet[Rma]:
    """Open and closed RMAs, the next due promise first (then the newest)."""
    qs = rmas_for_user(user).select_related("customer", "case")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.customer:
        qs = qs.filter(customer__code=filters.customer)
    return qs.order_by(F("next_due_at").asc(nulls_last=True), "-created_at", "-pk")


def promise_rows(rma: Rma, now: dt.datetime) -> list[dict]:
    """The RMA's promises as the API shows them, in the steps' order."""
    return promises.promise_rows(rma, now)


def activities_for_user(*, user: Any, rma: Rma) -> QuerySet:
    """The RMA's timeline as the user may see it (contacts: no internal rows)."""
    return timeline.for_subject("rma", rma.pk, include_internal=is_staff_member(user))
