"""Delivery acceptance through the API: stages in order, who may inspect, bad input, the fix
loop and the final acceptance that starts the assets' warranty."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from aftersales.contracts.entitlement import warranty_end
from aftersales.core.models import Activity
from aftersales.fieldservice import deliveries
from aftersales.fieldservice.delivery_access import OUT_OF_ORDER
from aftersales.fieldservice.models import Delivery, DeliveryInspection, DeliveryItem
from aftersales.registry.models import Asset
from tests import factories
from tests.conftest import api_client_for
from tests.fieldservice.factories_deliveries import JSON, SIGNATURE, at, contract_for

pytestmark = pytest.mark.django_db

WHEN = at(2026, 12, 7, 10, 0)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def expert(db):
    return factories.staff_user("expert", role="expert")


@pytest.fixture
def contract(customer_a):
    return contract_for(customer_a)


@pytest.fixture
def model(db):
    return factories.ProductModelFactory(name="OceanStor 5300", warranty_months=36)


def post(client, url: str, when: dt.datetime = WHEN, **body):
    with time_machine.travel(when, tick=False):
        return client.post(url, body, content_type=JSON)


def create(client, contract, model, *serials, when=WHEN):
    items = [{"product_model": model.pk, "serial_number": s} for s in serials]
    return post(client, "/api/v1/deliveries", when, contract=contract.number, items=items)


def inspect(client, pk, stage, passed=True, when=WHEN, **more):
    url = f"/api/v1/deliveries/{pk}/inspect"
    return post(client, url, when, stage=stage, passed=passed, **more)


@pytest.fixture
def delivery_id(seat, contract, model):
    response = create(api_client_for(seat), contract, model, "SN-DL-0001", "SN-DL-0002")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_delivery_is_created_with_its_id_and_stage(delivery_id):
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.stage == "initial"
    assert delivery.number.startswith("DL-20261207-")
    assert delivery.items.count() == 2


def test_a_model_may_be_named_by_its_name(seat, contract, model):
    items = [{"product_model": "oceanstor 5300", "serial_number": "SN-X"}]
    response = post(
        api_client_for(seat), "/api/v1/deliveries", contract=contract.number, items=items
    )
    assert response.status_code == 201, response.content


def test_an_unknown_contract_is_a_422_naming_contract_and_writes_nothing(seat, model):
    items = [{"product_model": model.pk, "serial_number": "SN-1"}]
    response = post(api_client_for(seat), "/api/v1/deliveries", contract="HT-NONE", items=items)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "contract"]
    assert Delivery.objects.count() == 0


def test_no_items_is_a_422_naming_items(seat, contract):
    response = post(api_client_for(seat), "/api/v1/deliveries", contract=contract.number, items=[])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "items"
    assert Delivery.objects.count() == 0


def test_a_serial_listed_twice_is_a_422_naming_the_line(seat, contract, model):
    response = create(api_client_for(seat), contract, model, "SN-A", "sn-a")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "items", 1, "serial_number"]
    assert response.json()["detail"][0]["msg"] == str(deliveries.SERIAL_TWICE)
    assert Delivery.objects.count() == DeliveryItem.objects.count() == 0


def test_a_serial_of_another_customers_asset_is_a_422(seat, contract, model, customer_b):
    factories.AssetFactory(customer=customer_b, serial_number="SN-B-1")
    response = create(api_client_for(seat), contract, model, "SN-B-1")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == str(deliveries.SERIAL_OTHER_CUSTOMER)
    assert Delivery.objects.count() == 0


def test_an_engineer_may_not_record_a_delivery(engineer, contract, model):
    response = create(api_client_for(engineer), contract, model, "SN-1")
    assert response.status_code == 403
    assert Delivery.objects.count() == 0


def test_stages_go_in_order_else_409_with_the_reason(engineer, delivery_id):
    response = inspect(api_client_for(engineer), delivery_id, "final")
    assert response.status_code == 409
    assert response.json()["detail"] == str(OUT_OF_ORDER % {"stage": "Initial inspection"})
    assert DeliveryInspection.objects.count() == 0


def test_an_engineer_may_not_record_the_professional_stage(engineer, delivery_id):
    client = api_client_for(engineer)
    assert inspect(client, delivery_id, "initial").status_code == 200
    response = inspect(client, delivery_id, "professional")
    assert response.status_code == 403
    assert DeliveryInspection.objects.count() == 1
    assert Delivery.objects.get().stage == "professional"


def test_a_failed_stage_needs_its_reasons(engineer, delivery_id):
    response = inspect(api_client_for(engineer), delivery_id, "initial", passed=False)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "notes"
    assert Delivery.objects.get().status == "open"


def test_a_failed_check_cannot_pass_the_initial_stage(engineer, delivery_id):
    checks = {"quantity": True, "appearance": False}
    response = inspect(api_client_for(engineer), delivery_id, "initial", checks=checks)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "checks"
    assert DeliveryInspection.objects.count() == 0


def test_failed_professional_waits_for_the_fix_then_is_inspected_again(
    engineer, expert, delivery_id
):
    client, quality = api_client_for(engineer), api_client_for(expert)
    inspect(client, delivery_id, "initial")
    failed = inspect(quality, delivery_id, "professional", passed=False, notes="耐压测试不合格")
    assert failed.json()["status"] == "waiting_fix"
    assert inspect(quality, delivery_id, "professional").status_code == 409
    fix = post(quality, f"/api/v1/deliveries/{delivery_id}/fix", kind="exchange", reference="R-1")
    assert fix.json()["inspections"][-1]["fix_reference"] == "R-1"
    assert post(quality, f"/api/v1/deliveries/{delivery_id}/fixed").json()["status"] == "open"
    body = inspect(quality, delivery_id, "professional").json()
    assert (body["stage"], body["status"]) == ("final", "open")
    assert [i["passed"] for i in body["inspections"]] == [True, False, True]


def test_fixed_before_the_fix_is_opened_is_a_409(engineer, expert, delivery_id):
    client = api_client_for(expert)
    inspect(client, delivery_id, "initial", passed=False, notes="少一台")
    response = post(client, f"/api/v1/deliveries/{delivery_id}/fixed")
    assert response.status_code == 409
    assert Delivery.objects.get().status == "waiting_fix"


def test_passing_final_accepts_the_items_as_assets_and_starts_their_warranty(
    engineer, expert, delivery_id, customer_a
):
    inspect(api_client_for(engineer), delivery_id, "initial")
    inspect(api_client_for(expert), delivery_id, "professional")
    # 23:30 in Shanghai: the acceptance date is the local one.
    body = inspect(api_client_for(engineer), delivery_id, "final", when=at(2026, 12, 7, 23, 30))
    assert body.json()["status"] == "accepted"
    asset = Asset.objects.get(serial_number="SN-DL-0001")
    assert asset.customer == customer_a
    assert asset.accepted_on == dt.date(2026, 12, 7)
    assert warranty_end(asset) == dt.date(2029, 12, 6)
    assert body.json()["items"][0]["warranty_ends_on"] == "2029-12-06"


def test_final_updates_an_existing_asset_of_the_same_customer(
    seat, engineer, expert, contract, model, customer_a
):
    existing = factories.AssetFactory(customer=customer_a, serial_number="SN-OLD", notes="旧")
    pk = create(api_client_for(seat), contract, model, "SN-OLD").json()["id"]
    for stage, user in (("initial", engineer), ("professional", expert), ("final", engineer)):
        assert inspect(api_client_for(user), pk, stage).status_code == 200
    existing.refresh_from_db()
    assert (existing.accepted_on, existing.notes) == (dt.date(2026, 12, 7), "旧")
    assert Asset.objects.filter(serial_number="SN-OLD").count() == 1


def test_final_adds_the_assets_to_a_contract_listing_its_assets(
    seat, engineer, expert, contract, model, customer_a
):
    contract.assets.add(factories.AssetFactory(customer=customer_a))
    pk = create(api_client_for(seat), contract, model, "SN-NEW").json()["id"]
    for stage, user in (("initial", engineer), ("professional", expert), ("final", engineer)):
        inspect(api_client_for(user), pk, stage)
    assert contract.assets.filter(serial_number="SN-NEW").exists()


def test_a_step_before_the_previous_one_is_a_422_naming_at(engineer, delivery_id):
    client = api_client_for(engineer)
    inspect(client, delivery_id, "initial")
    url = f"/api/v1/deliveries/{delivery_id}/installed"
    response = post(client, url, at=(WHEN - dt.timedelta(days=1)).isoformat())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "at"
    assert Delivery.objects.get().installed_at is None


def test_commissioning_needs_the_installation_first(engineer, delivery_id):
    client = api_client_for(engineer)
    inspect(client, delivery_id, "initial")
    assert post(client, f"/api/v1/deliveries/{delivery_id}/commissioned").status_code == 409
    assert post(client, f"/api/v1/deliveries/{delivery_id}/installed").status_code == 200
    assert post(client, f"/api/v1/deliveries/{delivery_id}/commissioned").status_code == 200


def test_the_customer_signs_the_latest_form(engineer, delivery_id):
    client = api_client_for(engineer)
    inspect(client, delivery_id, "initial")
    url = f"/api/v1/deliveries/{delivery_id}/sign"
    body = post(client, url, signed_by="王工", signature=SIGNATURE).json()
    assert body["inspections"][0]["signed_by"] == "王工"
    assert post(client, url, signed_by="王工", signature=SIGNATURE).status_code == 409


def test_an_empty_signature_is_a_422_and_signs_nothing(engineer, delivery_id):
    client = api_client_for(engineer)
    inspect(client, delivery_id, "initial")
    url = f"/api/v1/deliveries/{delivery_id}/sign"
    response = post(client, url, signed_by="王工", signature="data:image/png;base64,AAAA")
    assert response.status_code == 422
    assert DeliveryInspection.objects.get().signed_at is None


def test_a_dispute_records_the_authority_and_its_report(engineer, expert, delivery_id):
    from django.core.files.uploadedfile import SimpleUploadedFile

    inspect(api_client_for(engineer), delivery_id, "initial")
    inspect(api_client_for(expert), delivery_id, "professional", passed=False, notes="不合格")
    report = SimpleUploadedFile("r.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    with time_machine.travel(WHEN, tick=False):
        response = api_client_for(expert).post(
            f"/api/v1/deliveries/{delivery_id}/dispute",
            {"authority": "省质检院", "report": report},
        )
    assert response.status_code == 200, response.content
    failed = response.json()["inspections"][-1]
    assert (failed["disputed"], failed["authority"]) == (True, "省质检院")
    assert api_client_for(expert).get(failed["authority_report_url"]).status_code == 200


def test_a_refused_step_writes_no_timeline_row(engineer, delivery_id):
    before = Activity.objects.count()
    inspect(api_client_for(engineer), delivery_id, "final")
    assert Activity.objects.count() == before


def test_another_customers_contact_gets_404(contact_b, delivery_id):
    client = api_client_for(contact_b.user)
    assert client.get(f"/api/v1/deliveries/{delivery_id}").status_code == 404
    assert client.get("/api/v1/deliveries").json()["count"] == 0


def test_the_customers_own_contact_sees_the_delivery(contact_a, delivery_id):
    response = api_client_for(contact_a.user).get(f"/api/v1/deliveries/{delivery_id}")
    assert response.status_code == 200
    assert response.json()["allowed_actions"] == []


def test_the_list_filters_by_stage_status_and_serial(seat, delivery_id):
    client = api_client_for(seat)
    assert client.get("/api/v1/deliveries?stage=initial").json()["count"] == 1
    assert client.get("/api/v1/deliveries?status=accepted").json()["count"] == 0
    assert client.get("/api/v1/deliveries?q=SN-DL-0002").json()["count"] == 1
    assert client.get("/api/v1/deliveries?stage=nope").status_code == 422


def test_cancelling_needs_a_reason_and_stops_the_stages(seat, engineer, delivery_id):
    client = api_client_for(seat)
    assert post(client, f"/api/v1/deliveries/{delivery_id}/cancel", reason=" ").status_code == 422
    assert (
        post(client, f"/api/v1/deliveries/{delivery_id}/cancel", reason="退货").status_code == 200
    )
    assert inspect(api_client_for(engineer), delivery_id, "initial").status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"contract": "HT-DL-001", "items": [{"product_model": 2**70, "serial_number": "S"}]},
        {"contract": "HT-DL-001", "items": [{"product_model": -1}]},
        {"contract": "HT-DL-001", "items": [{"product_model": "", "quantity": 0}]},
        {"contract": "", "items": "x"},
        {"contract": "HT-DL-001", "items": [{"product_model": "²"}]},
    ],
)
def test_odd_bodies_answer_4xx_and_write_nothing(admin_user, contract, model, body):
    response = post(api_client_for(admin_user), "/api/v1/deliveries", **body)
    assert 400 <= response.status_code < 500
    assert Delivery.objects.count() == 0


def test_odd_paths_answer_404(admin_user):
    client = api_client_for(admin_user)
    for ref in ("²", "9" * 30, "DL-nope", "0"):
        assert client.get(f"/api/v1/deliveries/{ref}").status_code == 404
        assert inspect(client, ref, "initial").status_code == 404


def test_a_short_count_cannot_pass_the_initial_stage(engineer, delivery_id):
    item = DeliveryItem.objects.filter(delivery_id=delivery_id).first()
    received = [{"item": item.pk, "quantity": 0}]
    response = inspect(api_client_for(engineer), delivery_id, "initial", received=received)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "received"
    assert DeliveryItem.objects.filter(received_quantity__isnull=False).count() == 0
