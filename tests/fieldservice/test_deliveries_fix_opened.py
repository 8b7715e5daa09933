"""A failed stage opens its exchange (a return request) or its repair (a case) in one step,
and the delivery waits until that is done before the stage is inspected again."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import translation

from aftersales.cases import services as case_services
from aftersales.cases.models import Case
from aftersales.fieldservice.models import Delivery, DeliveryInspection
from aftersales.rma import returns
from aftersales.rma.models import ReturnRequest
from tests import factories
from tests.conftest import api_client_for
from tests.fieldservice.factories_deliveries import JSON, at, contract_for

pytestmark = pytest.mark.django_db

WHEN = at(2026, 12, 7, 10, 0)
LATER = at(2026, 12, 8, 10, 0)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def manager(db):
    return factories.staff_user("fs_manager", role="manager")


@pytest.fixture
def failed_delivery(seat, engineer, manager, customer_a):
    """A delivery of one unit that failed its professional inspection."""
    model = factories.ProductModelFactory(name="OceanStor 5300")
    items = [{"product_model": model.pk, "serial_number": "SN-FIX-1"}]
    body = {
        "contract": contract_for(customer_a).number,
        "items": items,
        "delivered_on": "2026-12-07",
    }
    pk = _post(api_client_for(seat), "/api/v1/deliveries", **body).json()["id"]
    _post(
        api_client_for(engineer), f"/api/v1/deliveries/{pk}/inspect", stage="initial", passed=True
    )
    _post(
        api_client_for(manager),
        f"/api/v1/deliveries/{pk}/inspect",
        stage="professional",
        passed=False,
        notes="耐压测试不合格",
    )
    return pk


def _post(client, url: str, when=WHEN, **body):
    with time_machine.travel(when, tick=False):
        return client.post(url, body, content_type=JSON)


def test_a_repair_without_a_reference_opens_a_case_for_the_customer(manager, failed_delivery):
    response = _post(
        api_client_for(manager), f"/api/v1/deliveries/{failed_delivery}/fix", kind="repair"
    )

    assert response.status_code == 200, response.content
    case = Case.objects.get()
    assert case.customer.code == "KH-A001"
    assert "耐压测试不合格" in case.description
    assert response.json()["inspections"][-1]["fix_reference"] == case.number


def test_an_exchange_without_a_reference_opens_an_exchange_request(manager, failed_delivery):
    response = _post(
        api_client_for(manager), f"/api/v1/deliveries/{failed_delivery}/fix", kind="exchange"
    )

    assert response.status_code == 200, response.content
    request = ReturnRequest.objects.get()
    assert (request.kind, request.serial_number, request.doa) == ("exchange", "SN-FIX-1", True)
    assert DeliveryInspection.objects.get(passed=False).fix_return == request


def test_the_delivery_waits_until_the_repair_case_is_resolved(
    manager, engineer, seat, failed_delivery
):
    client = api_client_for(manager)
    _post(client, f"/api/v1/deliveries/{failed_delivery}/fix", kind="repair")
    url = f"/api/v1/deliveries/{failed_delivery}/fixed"

    refused = _post(client, url)
    case = Case.objects.get()
    with time_machine.travel(LATER, tick=False):
        case_services.case_assign(case=case, engineer=engineer, by=seat)
        case_services.case_respond(case=Case.objects.get(), by=engineer, text="已联系")
        case_services.case_resolve(case=Case.objects.get(), by=engineer, text="更换电源模块")
    accepted = _post(client, url, when=LATER)

    assert refused.status_code == 409
    assert case.number in refused.json()["detail"]
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "open"


def test_the_delivery_waits_until_the_exchange_is_done(manager, failed_delivery):
    client = api_client_for(manager)
    _post(client, f"/api/v1/deliveries/{failed_delivery}/fix", kind="exchange")
    url = f"/api/v1/deliveries/{failed_delivery}/fixed"

    assert _post(client, url).status_code == 409
    request = ReturnRequest.objects.get()
    with time_machine.travel(LATER, tick=False):
        returns.return_approve(request=request, by=manager)
        returns.return_receive(request=ReturnRequest.objects.get(), by=manager)
        returns.return_inspect(request=ReturnRequest.objects.get(), by=manager, passed=True)
        returns.return_exchange(
            request=ReturnRequest.objects.get(), by=manager, replacement_serial="SN-FIX-2"
        )
    assert _post(client, url, when=LATER).status_code == 200


def test_a_refused_opening_changes_nothing(engineer, failed_delivery):
    # An engineer may record a fix but not open a return request (RMA staff do).
    response = _post(
        api_client_for(engineer), f"/api/v1/deliveries/{failed_delivery}/fix", kind="exchange"
    )

    assert response.status_code == 403
    assert not ReturnRequest.objects.exists()
    assert DeliveryInspection.objects.get(passed=False).fix_kind == ""
    assert Delivery.objects.get().status == "waiting_fix"


def test_a_reference_given_records_it_without_opening_anything(manager, failed_delivery):
    response = _post(
        api_client_for(manager),
        f"/api/v1/deliveries/{failed_delivery}/fix",
        kind="repair",
        reference="WX-2026-001",
    )

    assert response.json()["inspections"][-1]["fix_reference"] == "WX-2026-001"
    assert not Case.objects.exists()
