"""Reads on repair orders, scoped like their cases: contacts see their own organisation's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, customer_id_of
from aftersales.core.errors import NotFound
from aftersales.repairs.models import FaultCategory, RepairOrder

NOT_FOUND = _("Not found.")


def repairs_for_user(user: Any) -> QuerySet[RepairOrder]:
    if can(user, "repairs.view_repairorder"):
        return RepairOrder.objects.all()
    customer_id = customer_id_of(user)
    if customer_id is None:
        return RepairOrder.objects.none()
    return RepairOrder.objects.filter(customer_id=customer_id)


def repair_get_for_user(*, user: Any, pk: int) -> RepairOrder:
    order = (
        repairs_for_user(user)
        .select_related(
            "case__contact",
            "customer",
            "asset__product_model__vendor",
            "fault_category",
            "verified_by",
            "report",
        )
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise NotFound(NOT_FOUND)
    return order


def repairs_of_case(*, user: Any, case) -> QuerySet[RepairOrder]:
    return repairs_for_user(user).filter(case=case).select_related("fault_category", "asset")


def repairs_of_customer(*, user: Any, customer) -> QuerySet[RepairOrder]:
    return (
        repairs_for_user(user)
        .filter(customer=customer)
        .select_related("case", "asset", "fault_category", "report")
        .order_by("-created_at")
    )


def fault_categories() -> QuerySet[FaultCategory]:
    return FaultCategory.objects.filter(is_active=True)
