from __future__ import annotations

from aftersales.cases import services as case_services
from aftersales.repairs.models import RepairOrder
from tests.repairs.test_repair_flow_api import JSON, act, create


def test_warehouse_keeper_cannot_open_a_repair_order(api_as, warehouse, paid_case):
    assert create(api_as(warehouse), paid_case).status_code == 403
    assert RepairOrder.objects.count() == 0


def test_contact_cannot_open_a_repair_order(api_as, contact_a, paid_case):
    assert create(api_as(contact_a.user), paid_case).status_code == 403


def test_contact_of_another_customer_gets_404(api_as, engineer, contact_b, paid_case):
    order = create(api_as(engineer), paid_case).json()["id"]
    other = api_as(contact_b.user)
    assert other.get(f"/api/v1/repairs/{order}").status_code == 404
    assert act(other, order, "approve-quote").status_code == 404
    assert create(other, paid_case).status_code == 404


def test_repair_orders_come_from_open_cases_only(api_as, engineer, seat, paid_case):
    case_services.case_close(case=paid_case, by=seat, text="客户撤销")
    response = create(api_as(engineer), paid_case)
    assert response.status_code == 409 and RepairOrder.objects.count() == 0


def test_unknown_fault_category_names_the_field(api_as, engineer, paid_case):
    response = create(api_as(engineer), paid_case, fault_category="nope")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "fault_category"


def test_bad_part_price_names_the_field_and_changes_nothing(api_as, engineer, paid_case):
    order = create(api_as(engineer), paid_case).json()["id"]
    response = api_as(engineer).patch(
        f"/api/v1/repairs/{order}",
        {"parts": [{"name": "x", "unit_price": "-5"}]},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert RepairOrder.objects.get(pk=order).parts.count() == 0
