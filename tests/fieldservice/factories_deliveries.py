"""Deliveries for tests: a contract, product models, inspectors and a drawn signature."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from aftersales.contracts.models import ServiceContract
from aftersales.fieldservice import deliveries
from aftersales.fieldservice.delivery_demo import demo_signature
from aftersales.fieldservice.models import Delivery
from aftersales.sla.models import SlaPolicy
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JSON = "application/json"
SIGNATURE = demo_signature()


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)


def contract_for(customer: Any, number: str = "HT-DL-001", **fields: Any) -> ServiceContract:
    return ServiceContract.objects.create(
        number=number,
        customer=customer,
        sla_policy=SlaPolicy.objects.get(code="7x24"),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        value=Decimal("100000.00"),
        **fields,
    )


def delivery_of(by: Any, contract: ServiceContract, model: Any, *serials: str) -> Delivery:
    return deliveries.delivery_create(
        by=by,
        contract=contract.number,
        items=[{"product_model": model.pk, "serial_number": s} for s in serials],
    )


def delivery_fillers(customer: Any, owner: Any, secret: str) -> dict[str, Any]:
    """The isolation sweep's delivery of customer A (tests/security/world): its id in every
    path that names one, and its initial inspection's form."""
    contract = contract_for(customer, number="HT-SWPA-DL")
    model = factories.ProductModelFactory()
    inspector = factories.staff_user("swp_dl_inspector", role="engineer")
    delivery = deliveries.delivery_create(
        by=owner,
        contract=contract.number,
        items=[{"product_model": model.pk, "serial_number": "SN-SWPA-DL1"}],
        notes=secret,
    )
    deliveries.delivery_inspect(delivery=delivery, by=inspector, stage="initial", passed=True)
    form = delivery.inspections.get()
    return {
        "deliveries/pk": delivery.pk,  # deliveries/<pk>/…, console and portal
        "deliveries/id": delivery.pk,  # /api/v1/deliveries/{id}
        "deliveries/number": delivery.pk,  # /api/v1/deliveries/{number}/<step>
        "forms/form_id": form.pk,
    }
