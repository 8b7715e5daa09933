"""Registry endpoints of contract.md: thin, every rule lives in services and selectors."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from aftersales.accounts.access import require
from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.schema_types import SearchText
from aftersales.registry import selectors, services
from aftersales.registry.schemas import (
    AssetIn,
    AssetOut,
    ContactIn,
    ContactOut,
    CustomerIn,
    CustomerOut,
    EngineerIn,
    EngineerOut,
    Page,
)

router = Router(tags=["registry"])


class ListParams(Schema):
    q: SearchText = ""
    limit: Limit = 50
    offset: Offset = 0


class CustomerPage(Page):
    items: list[CustomerOut]


class ContactPage(Page):
    items: list[ContactOut]


class AssetPage(Page):
    items: list[AssetOut]


class EngineerPage(Page):
    items: list[EngineerOut]


@router.post("/customers", response={201: CustomerOut})
@access(staff_perm("registry.add_customer"))
def customer_create(request: HttpRequest, payload: CustomerIn):
    require(request.auth, "registry.add_customer")
    return Status(201, services.customer_create(by=request.auth, **payload.dict()))


@router.get("/customers", response=CustomerPage)
@access(scoped("registry.view_customer"))
def customer_list(request: HttpRequest, params: Query[ListParams]):
    qs = selectors.customer_search(user=request.auth, q=params.q)
    return page(request, qs, limit=params.limit, offset=params.offset)


@router.get("/customers/{code}", response=CustomerOut)
@access(scoped("registry.view_customer"))
def customer_detail(request: HttpRequest, code: str):
    return selectors.customer_get_for_user(user=request.auth, code=code)


@router.post("/customers/{code}/contacts", response={201: ContactOut})
@access(staff_perm("registry.add_contact"))
def contact_create(request: HttpRequest, code: str, payload: ContactIn):
    customer = selectors.customer_get_for_user(user=request.auth, code=code)
    require(request.auth, "registry.add_contact")
    data = payload.dict()
    return Status(
        201,
        services.contact_create(
            customer=customer,
            name=data["name"],
            phone=data["phone"],
            email=data["email"] or "",
            role=data["role"],
            username=data["username"] or "",
            password=data["password"] or "",
            by=request.auth,
        ),
    )


@router.get("/customers/{code}/contacts", response=ContactPage)
@access(scoped("registry.view_contact"))
def contact_list(request: HttpRequest, code: str, params: Query[ListParams]):
    customer = selectors.customer_get_for_user(user=request.auth, code=code)
    qs = selectors.contacts_for_user(request.auth).filter(customer=customer)
    qs = qs.select_related("customer", "user").order_by("name", "id")
    if params.q:
        qs = qs.filter(name__icontains=params.q)
    return page(request, qs, limit=params.limit, offset=params.offset)


@router.post("/engineers", response={201: EngineerOut})
@access(staff_perm("registry.add_engineer"))
def engineer_create(request: HttpRequest, payload: EngineerIn):
    require(request.auth, "registry.add_engineer")
    data = payload.dict()
    data["email"] = data["email"] or ""
    return Status(201, services.engineer_create(by=request.auth, **data))


@router.get("/engineers", response=EngineerPage)
@access(staff_perm("registry.view_engineer"))
def engineer_list(request: HttpRequest, params: Query[ListParams]):
    qs = selectors.engineers_for_user(request.auth).prefetch_related("user__groups")
    if params.q:
        qs = qs.filter(name__icontains=params.q)
    return page(request, qs.order_by("name", "id"), limit=params.limit, offset=params.offset)


@router.post("/assets", response={201: AssetOut})
@access(staff_perm("registry.add_asset"))
def asset_create(request: HttpRequest, payload: AssetIn):
    require(request.auth, "registry.add_asset")
    data = payload.dict()
    customer = selectors.customer_get_for_user(user=request.auth, code=data.pop("customer"))
    asset = services.asset_create(
        customer=customer, parent_serial=data.pop("parent"), by=request.auth, **data
    )
    return Status(201, asset)


@router.get("/assets", response=AssetPage)
@access(scoped("registry.view_asset"))
def asset_list(
    request: HttpRequest, params: Query[ListParams], customer: str = Query("", max_length=40)
):
    qs = selectors.assets_for_user(request.auth).select_related(
        "customer", "product_model__vendor", "parent"
    )
    if customer:
        qs = qs.filter(customer__code=customer)
    if params.q:
        qs = qs.filter(serial_number__icontains=params.q)
    return page(request, qs.order_by("serial_number"), limit=params.limit, offset=params.offset)


@router.get("/assets/{serial_number}", response=AssetOut)
@access(scoped("registry.view_asset"))
def asset_detail(request: HttpRequest, serial_number: str):
    return selectors.asset_get_for_user(user=request.auth, serial_number=serial_number)
