"""Registry endpoints of contract.md: thin, every rule lives in services and selectors."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from aftersales.accounts.access import require
from aftersales.core.pagination import page
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
    q: str = ""
    limit: int = 50
    offset: int = 0


class CustomerPage(Page):
    items: list[CustomerOut]


class ContactPage(Page):
    items: list[ContactOut]


class AssetPage(Page):
    items: list[AssetOut]


class EngineerPage(Page):
    items: list[EngineerOut]


@router.post("/customers", response={201: CustomerOut})
def customer_create(request: HttpRequest, payload: CustomerIn):
    require(request.auth, "registry.add_customer")
    return Status(201, services.customer_create(**payload.dict()))


@router.get("/customers", response=CustomerPage)
def customer_list(request: HttpRequest, params: Query[ListParams]):
    qs = selectors.customer_search(user=request.auth, q=params.q)
    return page(request, qs, limit=params.limit, offset=params.offset)


@router.get("/customers/{code}", response=CustomerOut)
def customer_detail(request: HttpRequest, code: str):
    return selectors.customer_get_for_user(user=request.auth, code=code)


@router.post("/customers/{code}/contacts", response={201: ContactOut})
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
        ),
    )


@router.get("/customers/{code}/contacts", response=ContactPage)
def contact_list(request: HttpRequest, code: str, params: Query[ListParams]):
    customer = selectors.customer_get_for_user(user=request.auth, code=code)
    qs = selectors.contacts_for_user(request.auth).filter(customer=customer)
    qs = qs.select_related("customer", "user").order_by("name", "id")
    if params.q:
        qs = qs.filter(name__icontains=params.q)
    return page(request, qs, limit=params.limit, offset=params.offset)


@router.post("/engineers", response={201: EngineerOut})
def engineer_create(request: HttpRequest, payload: EngineerIn):
    require(request.auth, "registry.add_engineer")
    data = payload.dict()
    data["email"] = data["email"] or ""
    return Status(201, services.engineer_create(**data))


@router.get("/engineers", response=EngineerPage)
def engineer_list(request: HttpRequest, params: Query[ListParams]):
    qs = selectors.engineers_for_user(request.auth).prefetch_related("user__groups")
    if params.q:
        qs = qs.filter(name__icontains=params.q)
    return page(request, qs.order_by("name", "id"), limit=params.limit, offset=params.offset)


@router.post("/assets", response={201: AssetOut})
def asset_create(request: HttpRequest, payload: AssetIn):
    require(request.auth, "registry.add_asset")
    data = payload.dict()
    customer = selectors.customer_get_for_user(user=request.auth, code=data.pop("customer"))
    asset = services.asset_create(customer=customer, parent_serial=data.pop("parent"), **data)
    return Status(201, asset)


@router.get("/assets", response=AssetPage)
def asset_list(request: HttpRequest, params: Query[ListParams], customer: str = ""):
    qs = selectors.assets_for_user(request.auth).select_related(
        "customer", "product_model__vendor", "parent"
    )
    if customer:
        qs = qs.filter(customer__code=customer)
    if params.q:
        qs = qs.filter(serial_number__icontains=params.q)
    return page(request, qs.order_by("serial_number"), limit=params.limit, offset=params.offset)


@router.get("/assets/{serial_number}", response=AssetOut)
def asset_detail(request: HttpRequest, serial_number: str):
    return selectors.asset_get_for_user(user=request.auth, serial_number=serial_number)
