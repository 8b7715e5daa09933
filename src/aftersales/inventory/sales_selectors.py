"""Every read of part sales that pages and the API share, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member, scope_to_customer
from aftersales.core import timeline
from aftersales.core.errors import NotFound
from aftersales.inventory.models import PartSale, PartSaleLine, PartSaleStatus
from aftersales.inventory.sales_access import CUSTOMER_VISIBLE, VIEW

NOT_FOUND = _("Not found.")


def sales_for_user(user: Any) -> QuerySet[PartSale]:
    """Staff holding view_partsale see all; a contact their own customer's quoted sales (403 for
    other staff)."""
    staff = is_staff_member(user)
    qs = scope_to_customer(PartSale.objects.all(), user, staff_sees_all=staff and can(user, VIEW))
    return qs if staff else qs.filter(status__in=CUSTOMER_VISIBLE)


def sale_get_for_user(*, user: Any, number: str) -> PartSale:
    """The sale with its lines, or 404 for whoever may not see it."""
    lines = Prefetch("lines", queryset=PartSaleLine.objects.select_related("part"))
    try:
        return (
            sales_for_user(user)
            .select_related("customer", "warehouse", "asset")
            .prefetch_related(lines)
            .get(number=number)
        )
    except PartSale.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def _by_status(qs: QuerySet[PartSale], status: str) -> QuerySet[PartSale]:
    """`expired` and `quoted` split the stored quoted rows at today's local date."""
    today = timezone.localdate()
    if status == PartSaleStatus.EXPIRED:
        return qs.filter(
            Q(status=PartSaleStatus.EXPIRED)
            | Q(status=PartSaleStatus.QUOTED, valid_until__lt=today)
        )
    if status == PartSaleStatus.QUOTED:
        return qs.filter(status=PartSaleStatus.QUOTED, valid_until__gte=today)
    return qs.filter(status=status)


def sale_list(*, user: Any, status: str = "", customer: str = "") -> QuerySet[PartSale]:
    """The sales the user may see, newest first, filtered by shown status and customer code."""
    qs = sales_for_user(user).select_related("customer", "warehouse")
    if status:
        qs = _by_status(qs, status)
    if customer:
        qs = qs.filter(customer__code=customer)
    return qs.order_by("-created_at", "-pk")


def activities_for_user(*, user: Any, sale: PartSale) -> QuerySet:
    """The sale's timeline as the user may see it (contacts: no internal rows)."""
    return timeline.for_subject("part_sale", sale.pk, include_internal=is_staff_member(user))


def sale_get_for_customer(*, user: Any, number: str) -> PartSale:
    """The sale for its customer's own contact answering its quote; 404 for anyone else (staff
    included: accepting is the customer's word)."""
    if is_staff_member(user):
        raise NotFound(NOT_FOUND)
    return sale_get_for_user(user=user, number=number)
