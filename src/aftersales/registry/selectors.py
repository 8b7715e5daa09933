"""Every read on the registry, scoped to what the user may see (rule 6)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member, scope_to_customer
from aftersales.accounts.models import User
from aftersales.accounts.roles import STAFF_ROLES
from aftersales.core.errors import NotFound
from aftersales.lib.phones import normalize_phone
from aftersales.registry.models import (
    Asset,
    Contact,
    Customer,
    Engineer,
    ProductModel,
    Project,
    ProjectMember,
    Site,
    TopologyAttachment,
    Vendor,
)

NOT_FOUND = _("Not found.")


def customers_for_user(user: Any) -> QuerySet[Customer]:
    """Staff who may view the registry see all; a contact sees their own organisation only."""
    return scope_to_customer(
        Customer.objects.filter(is_active=True),
        user,
        staff_sees_all=can(user, "registry.view_customer"),
        field="pk",
        none_for_staff=True,
    )


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


def asset_search_for_user(*, user: Any, q: str = "") -> QuerySet[Asset]:
    """The user's active assets whose serial number or model name holds `q`, by serial."""
    qs = assets_for_user(user).select_related("customer", "product_model__vendor", "site")
    if q:
        qs = qs.filter(Q(serial_number__icontains=q) | Q(product_model__name__icontains=q))
    return qs.order_by("serial_number")


def engineers_for_user(user: Any) -> QuerySet[Engineer]:
    """Staff with the view permission; customers get 404: our staff list is not theirs."""
    if not is_staff_member(user):
        raise NotFound(NOT_FOUND)
    if not can(user, "registry.view_engineer"):
        return Engineer.objects.none()
    return Engineer.objects.filter(is_active=True).select_related("user")


# --- Staff console reads: inactive rows included on request, so they can be reactivated ---


def _console(user: Any, model: str, qs: QuerySet, inactive: bool = False) -> QuerySet:
    """Gate a console read on the view permission; hide retired rows unless asked."""
    if not can(user, f"registry.view_{model}"):
        return qs.none()
    return qs if inactive else qs.filter(is_active=True)


def _one(qs: QuerySet, **lookup):
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NotFound(NOT_FOUND)
    return obj


def _phone_digits(q: str) -> str:
    # Only a query that is mostly digits is treated as a phone fragment.
    digits = normalize_phone(q)
    return digits if len(digits) >= 4 and len(digits) * 2 >= len(q.replace(" ", "")) else ""


def staff_users() -> QuerySet[User]:
    """Active logins with a staff role: who may be a service manager or a project member."""
    return (
        User.objects.people()
        .filter(is_active=True, groups__name__in=[str(r) for r in STAFF_ROLES])
        .distinct()
        .order_by("display_name", "username")
    )


def customer_list(
    *,
    user: Any,
    q: str = "",
    region: str = "",
    level: str = "",
    manager: int | None = None,
    inactive: bool = False,
) -> QuerySet[Customer]:
    qs = _console(user, "customer", Customer.objects.all(), inactive)
    if q:
        match = Q(code__icontains=q) | Q(name__icontains=q) | Q(address__icontains=q)
        digits = _phone_digits(q)
        if digits:
            phones = Contact.objects.filter(phone_normalized__contains=digits)
            match |= Q(pk__in=phones.values("customer_id"))
        qs = qs.filter(match)
    if region:
        qs = qs.filter(region=region)
    if level:
        qs = qs.filter(level=level)
    if manager:
        qs = qs.filter(service_manager_id=manager)
    asset_count = (
        Asset.objects.filter(customer=OuterRef("pk"), is_active=True)
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        qs.select_related("service_manager")
        .annotate(asset_count=Coalesce(Subquery(asset_count), 0))
        .order_by("code")
    )


def customer_get(*, user: Any, pk: int) -> Customer:
    qs = _console(user, "customer", Customer.objects.select_related("service_manager"), True)
    return _one(qs, pk=pk)


def contact_list(
    *, user: Any, q: str = "", customer: int | None = None, inactive: bool = False
) -> QuerySet[Contact]:
    qs = _console(user, "contact", Contact.objects.all(), inactive)
    if q:
        match = Q(name__icontains=q) | Q(email__icontains=q) | Q(role__icontains=q)
        digits = _phone_digits(q)
        if digits:
            match |= Q(phone_normalized__contains=digits)
        qs = qs.filter(match)
    if customer is not None:
        qs = qs.filter(customer_id=customer)
    return qs.select_related("customer", "user").order_by("customer__code", "name", "pk")


def contact_get(*, user: Any, pk: int) -> Contact:
    return _one(
        _console(user, "contact", Contact.objects.select_related("customer", "user"), True), pk=pk
    )


def project_list(
    *, user: Any, q: str = "", customer: int | None = None, inactive: bool = False
) -> QuerySet[Project]:
    qs = _console(user, "project", Project.objects.all(), inactive)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if customer is not None:
        qs = qs.filter(customer_id=customer)
    return qs.select_related("customer").order_by("code")


def project_get(*, user: Any, pk: int) -> Project:
    return _one(_console(user, "project", Project.objects.select_related("customer"), True), pk=pk)


def project_members(project: Project) -> QuerySet[ProjectMember]:
    return (
        ProjectMember.objects.filter(project=project, is_active=True)
        .select_related("user", "contact")
        .order_by("side", "pk")
    )


def customer_projects(*, user: Any, customer: Customer) -> QuerySet[Project]:
    """Every project of the customer, active first, each with its `active_members` prefetched."""
    members = Prefetch(
        "members",
        queryset=ProjectMember.objects.filter(is_active=True).select_related("user", "contact"),
        to_attr="active_members",
    )
    return (
        project_list(user=user, customer=customer.pk, inactive=True)
        .prefetch_related(members)
        .order_by("-is_active", "code")
    )


def site_list(
    *,
    user: Any,
    q: str = "",
    customer: int | None = None,
    region: str = "",
    inactive: bool = False,
) -> QuerySet[Site]:
    qs = _console(user, "site", Site.objects.all(), inactive)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if customer is not None:
        qs = qs.filter(customer_id=customer)
    if region:
        qs = qs.filter(region=region)
    return qs.select_related("customer").order_by("customer__code", "name", "pk")


def site_get(*, user: Any, pk: int) -> Site:
    return _one(_console(user, "site", Site.objects.select_related("customer"), True), pk=pk)


def vendor_list(*, user: Any, q: str = "", inactive: bool = False) -> QuerySet[Vendor]:
    qs = _console(user, "vendor", Vendor.objects.all(), inactive)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.annotate(model_count=Count("models", filter=Q(models__is_active=True))).order_by(
        "name", "pk"
    )


def vendor_get(*, user: Any, pk: int) -> Vendor:
    return _one(_console(user, "vendor", Vendor.objects.all(), True), pk=pk)


def product_model_list(
    *,
    user: Any,
    q: str = "",
    vendor: int | None = None,
    kind: str = "",
    inactive: bool = False,
) -> QuerySet[ProductModel]:
    qs = _console(user, "productmodel", ProductModel.objects.all(), inactive)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(product_line__icontains=q))
    if vendor:
        qs = qs.filter(vendor_id=vendor)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("vendor").order_by("vendor__name", "name", "pk")


def product_model_get(*, user: Any, pk: int) -> ProductModel:
    qs = _console(user, "productmodel", ProductModel.objects.select_related("vendor"), True)
    return _one(qs, pk=pk)


def asset_list(
    *,
    user: Any,
    q: str = "",
    customer: int | None = None,
    vendor: int | None = None,
    product_model: int | None = None,
    site: int | None = None,
    project: int | None = None,
    parent: int | None = None,
    inactive: bool = False,
) -> QuerySet[Asset]:
    qs = _console(user, "asset", Asset.objects.all(), inactive)
    if q:
        qs = qs.filter(
            Q(serial_number__icontains=q)
            | Q(software_version__icontains=q)
            | Q(product_model__name__icontains=q)
        )
    for field, value in (
        ("customer_id", customer),
        ("product_model__vendor_id", vendor),
        ("product_model_id", product_model),
        ("site_id", site),
        ("project_id", project),
        ("parent_id", parent),
    ):
        # 0 is a filter that matched nothing (an unknown code), not "no filter".
        if value is not None and value != "":
            qs = qs.filter(**{field: value})
    return qs.select_related(
        "customer", "product_model__vendor", "site", "project", "parent"
    ).order_by("customer__code", "serial_number")


def asset_get(*, user: Any, pk: int) -> Asset:
    qs = Asset.objects.select_related(
        "customer", "product_model__vendor", "site", "project", "parent"
    )
    return _one(_console(user, "asset", qs, True), pk=pk)


def asset_components(asset: Asset) -> QuerySet[Asset]:
    return (
        Asset.objects.filter(parent=asset)
        .select_related("product_model__vendor", "site")
        .order_by("-is_active", "serial_number")
    )


def topology_list(
    *, user: Any, customer: Customer, inactive: bool = False
) -> QuerySet[TopologyAttachment]:
    qs = _console(user, "topologyattachment", TopologyAttachment.objects.all(), inactive)
    return qs.filter(customer=customer).select_related("project", "uploaded_by")


def topology_get(*, user: Any, pk: int) -> TopologyAttachment:
    qs = TopologyAttachment.objects.select_related("customer", "project")
    return _one(_console(user, "topologyattachment", qs, True), pk=pk)


def engineer_list(
    *,
    user: Any,
    q: str = "",
    region: str = "",
    skill: int | None = None,
    on_call: bool | None = None,
    customer: int | None = None,
    inactive: bool = False,
) -> QuerySet[Engineer]:
    qs = _console(user, "engineer", Engineer.objects.all(), inactive)
    if q:
        match = Q(name__icontains=q) | Q(user__username__icontains=q) | Q(email__icontains=q)
        digits = _phone_digits(q)
        if digits:
            match |= Q(phone__contains=digits)
        qs = qs.filter(match)
    if region:
        qs = qs.filter(region=region)
    if skill:
        qs = qs.filter(
            pk__in=Engineer.skills.through.objects.filter(skill_id=skill).values("engineer_id")
        )
    if customer is not None:
        qs = qs.filter(customers=customer)
    if on_call is not None:
        qs = qs.filter(on_call=on_call)
    return (
        qs.select_related("user").prefetch_related("skills", "user__groups").order_by("name", "pk")
    )


def engineer_get(*, user: Any, pk: int) -> Engineer:
    qs = Engineer.objects.select_related("user").prefetch_related("skills", "user__groups")
    return _one(_console(user, "engineer", qs, True), pk=pk)
