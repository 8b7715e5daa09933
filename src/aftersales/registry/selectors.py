"""Every read on the registry, scoped to what the user may see (rule 6)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, customer_id_of
from aftersales.core.errors import NotFound
from aftersales.registry.models import Asset, Contact, Customer, Engineer, Project

NOT_FOUND = _("Not found.")


def customers_for_user(user: Any) -> QuerySet[Customer]:
    """Staff who may view the registry see all; a contact sees their own organisation only."""
    qs = Customer.objects.filter(is_active=True)
    if can(user, "registry.view_customer"):
        return qs
    customer_id = customer_id_of(user)
    if customer_id is None:
        return qs.none()
    return qs.filter(pk=customer_id)


def customer_search(
    *, user: Any, q: str = "", region: str = "", level: str = ""
) -> QuerySet[Customer]:
    qs = customers_for_user(user).select_related("service_manager")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(address__icontains=q))
    if region:
        qs = qs.filter(region=region)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def customer_get_for_user(*, user: Any, code: str) -> Customer:
    customer = customers_for_user(user).filter(code=code).first()
    if customer is None:
        raise NotFound(NOT_FOUND)
    return customer


def contacts_for_user(user: Any) -> QuerySet[Contact]:
    return Contact.objects.filter(is_active=True, customer__in=customers_for_user(user))


def assets_for_user(user: Any) -> QuerySet[Asset]:
    return Asset.objects.filter(is_active=True, customer__in=customers_for_user(user))


def projects_for_user(user: Any) -> QuerySet[Project]:
    return Project.objects.filter(is_active=True, customer__in=customers_for_user(user))


def asset_get_for_user(*, user: Any, serial_number: str) -> Asset:
    asset = (
        assets_for_user(user)
        .select_related("customer", "product_model__vendor", "site", "project", "parent")
        .filter(serial_number=serial_number)
        .first()
    )
    if asset is None:
        raise NotFound(NOT_FOUND)
    return asset


def engineers_for_user(user: Any) -> QuerySet[Engineer]:
    if not can(user, "registry.view_engineer"):
        return Engineer.objects.none()
    return Engineer.objects.filter(is_active=True).select_related("user")
