"""Contract endpoints of contract.md, plus the entitlement look-up the seat uses."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from aftersales.accounts.access import require
from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.contracts import selectors, services
from aftersales.contracts.entitlement import entitlement_for
from aftersales.contracts.models import ServiceContract
from aftersales.contracts.schemas import (
    AssetEntitlementOut,
    ContractIn,
    ContractOut,
    ContractPage,
    ContractRenewIn,
)
from aftersales.core.errors import Invalid, NotFound
from aftersales.core.openapi import documented
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.schema_types import SearchText
from aftersales.registry import selectors as registry_selectors
from aftersales.registry.models import Asset, Project

router = Router(tags=["contracts"])

UNKNOWN_CUSTOMER = _("Unknown customer code.")
UNKNOWN_ASSETS = _("Unknown serial numbers: %(values)s")
UNKNOWN_PROJECTS = _("Unknown project codes: %(values)s")
UNKNOWN_USER = _("Unknown staff username.")


class ContractListParams(Schema):
    customer: str = Field("", max_length=40)
    state: str = Field("", max_length=20)
    within_days: int = Field(60, ge=0, le=3650)
    q: SearchText = ""
    limit: Limit = 50
    offset: Offset = 0


def contract_out(contract: ServiceContract) -> dict:
    today = timezone.localdate()
    renewal = ServiceContract.objects.filter(renewed_from=contract).only("number").first()
    return {
        "number": contract.number,
        "customer": contract.customer.code,
        "service_level": contract.sla_policy.code,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "value": f"{contract.value:.2f}",
        "is_active": contract.is_active,
        "in_force": contract.is_active and contract.starts_on <= today <= contract.ends_on,
        "assets": [a.serial_number for a in contract.assets.all()],
        "projects": [p.code for p in contract.projects.all()],
        "free_upgrades_until": contract.free_upgrades_until,
        "inspections_per_year": contract.inspections_per_year,
        "onsite_visits": contract.onsite_visits,
        "remote_support": contract.remote_support,
        "advance_replacement": contract.advance_replacement,
        "training_days": contract.training_days,
        "service_manager": contract.service_manager.username
        if contract.service_manager_id
        else None,
        "renewed_from": contract.renewed_from.number if contract.renewed_from_id else None,
        "renewed_by": renewal.number if renewal else None,
    }


def _resolve(model, field: str, values: list[str], message) -> list:
    found = {getattr(o, field): o for o in model.objects.filter(**{f"{field}__in": values})}
    missing = [v for v in values if v not in found]
    if missing:
        raise Invalid(message % {"values": ", ".join(missing)}, field=f"{model._meta.model_name}s")
    return [found[v] for v in values]


@router.post("/contracts", response={201: ContractOut})
@access(staff_perm("contracts.add_servicecontract"))
def contract_create(request: HttpRequest, payload: ContractIn):
    require(request.auth, "contracts.add_servicecontract")
    try:
        customer = registry_selectors.customer_get_for_user(
            user=request.auth, code=payload.customer
        )
    except NotFound as exc:
        raise Invalid(UNKNOWN_CUSTOMER, field="customer") from exc
    manager = None
    if payload.service_manager:
        manager = get_user_model().objects.filter(username=payload.service_manager).first()
        if manager is None:
            raise Invalid(UNKNOWN_USER, field="service_manager")
    contract = services.contract_create(
        by=request.auth,
        number=payload.number,
        customer=customer,
        service_level=payload.service_level,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        value=payload.value,
        assets=_resolve(Asset, "serial_number", payload.assets, UNKNOWN_ASSETS),
        projects=_resolve(Project, "code", payload.projects, UNKNOWN_PROJECTS),
        free_upgrades_until=payload.free_upgrades_until,
        inspections_per_year=payload.inspections_per_year,
        onsite_visits=payload.onsite_visits,
        remote_support=payload.remote_support,
        advance_replacement=payload.advance_replacement,
        training_days=payload.training_days,
        notes=payload.notes,
        **({"service_manager": manager} if manager else {}),
    )
    return Status(201, contract_out(contract))


@router.get("/contracts", response=ContractPage)
@access(scoped("contracts.view_servicecontract"))
def contract_list(request: HttpRequest, params: Query[ContractListParams]):
    qs = selectors.contract_list(
        user=request.auth,
        customer=params.customer,
        state=params.state,
        within_days=params.within_days,
        q=params.q,
    ).prefetch_related("assets", "projects")
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [contract_out(c) for c in result["items"]]
    return result


@router.get("/contracts/{number}", response=ContractOut)
@access(scoped("contracts.view_servicecontract"))
def contract_detail(request: HttpRequest, number: str):
    return contract_out(selectors.contract_get_for_user(user=request.auth, number=number))


@router.post("/contracts/{number}/renew", response={201: ContractOut})
@access(staff_perm("contracts.add_servicecontract"))
def contract_renew(request: HttpRequest, number: str, payload: ContractRenewIn):
    # The lookup first: another customer's contact learns nothing (404); the service checks
    # the permission (403).
    old = selectors.contract_get_for_user(user=request.auth, number=number)
    contract = services.contract_renew(
        by=request.auth,
        contract=old,
        number=payload.number,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        value=payload.value,
        service_level=payload.service_level,
    )
    return Status(201, contract_out(contract))


# 404: no asset with that serial number that this user may see.
@router.get("/entitlement", response=AssetEntitlementOut, openapi_extra=documented(404))
@access(scoped("registry.view_asset"))
def entitlement(request: HttpRequest, serial: str = Query(..., max_length=80)):
    """The entitlement (保修状态) of an asset today, as the seat sees it at intake."""
    asset = (
        registry_selectors.assets_for_user(request.auth)
        .select_related("customer", "product_model")
        .filter(serial_number__iexact=serial.strip())
        .first()
    )
    if asset is None:
        raise NotFound(_("Not found."))
    ent = entitlement_for(asset=asset, on=timezone.localdate())
    return {"serial_number": asset.serial_number, "customer": asset.customer.code, **ent.as_dict()}
