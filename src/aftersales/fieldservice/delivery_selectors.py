"""Every read of deliveries that pages and the API share, scoped to what the user sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member, scope_to_customer
from aftersales.core import timeline
from aftersales.core.db import id_or_none
from aftersales.core.errors import NotFound
from aftersales.fieldservice.delivery_access import VIEW
from aftersales.fieldservice.models import Delivery, DeliveryInspection, DeliveryItem

NOT_FOUND = _("Not found.")
SUBJECT = "delivery"


def deliveries_for_user(user: Any) -> QuerySet[Delivery]:
    """Staff holding view_delivery see all; a contact their own customer's (else 403)."""
    return scope_to_customer(
        Delivery.objects.all(), user, staff_sees_all=is_staff_member(user) and can(user, VIEW)
    )


def _with_rows(qs: QuerySet[Delivery]) -> QuerySet[Delivery]:
    return qs.select_related("customer", "contract").prefetch_related(
        Prefetch("items", DeliveryItem.objects.select_related("product_model__vendor", "asset")),
        Prefetch(
            "inspections",
            DeliveryInspection.objects.select_related("fix_return", "fix_case").order_by(
                "at", "id"
            ),
        ),
    )


def delivery_get_for_user(*, user: Any, ref: str | int) -> Delivery:
    """The delivery by id or number (DL-…), or 404 for whoever may not see it."""
    ref = str(ref).strip()
    pk = id_or_none(ref) if ref.isdigit() else None
    lookup = {"pk": pk} if pk else {"number": ref}
    if not pk and not ref.upper().startswith("DL-"):
        raise NotFound(NOT_FOUND)
    try:
        return _with_rows(deliveries_for_user(user)).get(**lookup)
    except Delivery.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


@dataclass(frozen=True)
class DeliveryFilters:
    status: str = ""
    stage: str = ""
    customer: str = ""
    contract: str = ""
    q: str = ""


def delivery_list(*, user: Any, filters: DeliveryFilters) -> QuerySet[Delivery]:
    """Deliveries, newest first; `q` matches the number, a serial, the note or the customer."""
    qs = deliveries_for_user(user).select_related("customer", "contract")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.customer:
        qs = qs.filter(customer__code__iexact=filters.customer.strip())
    if filters.contract:
        qs = qs.filter(contract__number__iexact=filters.contract.strip())
    if filters.q:
        q = filters.q.strip()
        serials = DeliveryItem.objects.filter(serial_number__icontains=q).values("delivery_id")
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(delivery_note_number__icontains=q)
            | Q(pk__in=serials)
            | Q(customer__name__icontains=q)
            | Q(customer__code__iexact=q)
        )
    return qs.order_by("-created_at", "-pk")


def portal_deliveries(*, user: Any) -> QuerySet[Delivery]:
    """A contact's deliveries with their inspections (the signed forms), newest first."""
    return _with_rows(deliveries_for_user(user)).order_by("-created_at", "-pk")


def inspection_get_for_user(*, user: Any, delivery: Delivery, pk: Any) -> DeliveryInspection:
    """One inspection (its form) of a delivery the user may see; 404 for any other id."""
    inspection_id = id_or_none(pk)
    found = delivery.inspections.filter(pk=inspection_id).first() if inspection_id else None
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def activities_for_user(*, user: Any, delivery: Delivery) -> QuerySet:
    """The delivery's timeline as the user may see it (contacts: no internal rows)."""
    return timeline.for_subject(SUBJECT, delivery.pk, include_internal=is_staff_member(user))
