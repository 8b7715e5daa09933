"""A visit's life: moved with a reason, worked on site, completed; its promise met or missed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from aftersales.cases.models import Case
from aftersales.core.models import Activity
from aftersales.fieldservice import inspection_selectors, inspections
from aftersales.fieldservice.models import ChecklistItem, InspectionVisit, VisitStatus
from aftersales.sla.models import Promise
from tests import factories
from tests.conftest import api_client_for
from tests.fieldservice.factories_inspections import SIGNATURE, make_contract, make_plan

pytestmark = pytest.mark.django_db
JSON = "application/json"
TZ = timezone.get_default_timezone()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


@pytest.fixture
def visit(customer_a) -> InspectionVisit:
    plan = make_plan(make_contract(customer_a))
    return plan.visits.order_by("sequence").first()  # planned on 2026-11-16


def promise_of(visit) -> Promise:
    return Promise.objects.get(subject_kind="inspection_visit", subject_id=visit.pk)


def test_a_visit_moves_to_another_business_day_with_its_reason_and_promise(seat, visit):
    client = api_client_for(seat)
    with time_machine.travel(at(dt.date(2026, 10, 20)), tick=False):
        response = client.post(
            f"/api/v1/inspection-visits/{visit.pk}/move",
            {"planned_on": "2026-11-20", "reason": "客户机房改造"},
            content_type=JSON,
        )
    assert response.status_code == 200
    body = response.json()
    assert (body["planned_on"], body["moved_reason"]) == ("2026-11-20", "客户机房改造")
    assert promise_of(visit).due_at == at(dt.date(2026, 11, 20), 17)
    assert Activity.objects.filter(subject_id=visit.pk, kind="moved").exists()


def test_a_move_to_a_holiday_is_422_naming_the_day_and_changes_nothing(seat, visit):
    with time_machine.travel(at(dt.date(2026, 9, 20)), tick=False):
        response = api_client_for(seat).post(
            f"/api/v1/inspection-visits/{visit.pk}/move",
            {"planned_on": "2026-10-05", "reason": "客户要求"},
            content_type=JSON,
        )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "planned_on"
    assert InspectionVisit.objects.get(pk=visit.pk).planned_on == visit.planned_on
    assert promise_of(visit).due_at == visit.due_at


def test_a_move_without_a_reason_is_422_naming_it(seat, visit):
    with time_machine.travel(at(dt.date(2026, 10, 20)), tick=False):
        response = api_client_for(seat).post(
            f"/api/v1/inspection-visits/{visit.pk}/move",
            {"planned_on": "2026-11-20", "reason": "  "},
            content_type=JSON,
        )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "reason"
    assert not Activity.objects.filter(subject_id=visit.pk, kind="moved").exists()


def test_completing_on_the_planned_day_meets_the_promise(engineer, visit):
    with time_machine.travel(at(visit.planned_on, 15), tick=False):
        response = api_client_for(engineer).post(
            f"/api/v1/inspection-visits/{visit.pk}/complete",
            {"signed_by": "王主任", "findings": "运行正常"},
            content_type=JSON,
        )
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    promise = promise_of(visit)
    assert (promise.met, promise.breached_at) == (True, None)


def test_completing_after_the_planned_day_records_the_promise_missed(engineer, visit):
    late = at(visit.planned_on + dt.timedelta(days=3))
    with time_machine.travel(late, tick=False):
        inspections.visit_complete(visit=visit, by=engineer, signed_by="王主任")
    promise = promise_of(visit)
    assert promise.met is False
    assert promise.breached_at == at(visit.planned_on, 17)


def test_missed_and_done_visits_count_in_the_contracts_compliance(engineer, visit):
    with time_machine.travel(at(visit.planned_on, 11), tick=False):
        inspections.visit_complete(visit=visit, by=engineer, signed_by="王主任")
    second = visit.plan.visits.get(sequence=2)
    result = inspection_selectors.visit_compliance(
        start=at(dt.date(2026, 10, 1), 0),
        end=at(dt.date(2027, 4, 1), 0),
        now=at(second.planned_on + dt.timedelta(days=1)),
    )
    assert result[visit.contract_id] == {"due": 2, "done": 1, "missed": 1, "open": 0}


def test_completion_needs_the_customers_signer_422_naming_it(engineer, visit):
    with time_machine.travel(at(visit.planned_on, 15), tick=False):
        response = api_client_for(engineer).post(
            f"/api/v1/inspection-visits/{visit.pk}/complete", {"signed_by": ""}, content_type=JSON
        )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "signed_by"
    assert InspectionVisit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED


def test_the_seat_may_not_complete_a_visit(seat, visit):
    response = api_client_for(seat).post(
        f"/api/v1/inspection-visits/{visit.pk}/complete", {"signed_by": "王"}, content_type=JSON
    )
    assert response.status_code == 403
    assert InspectionVisit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED


def test_another_customers_contact_gets_404(contact_b, visit):
    response = api_client_for(contact_b.user).get(f"/api/v1/inspection-visits/{visit.pk}")
    assert response.status_code == 404


def test_the_customers_own_contact_reads_the_visit(contact_a, visit):
    response = api_client_for(contact_a.user).get(f"/api/v1/inspection-visits/{visit.pk}")
    assert response.status_code == 200


def test_a_measured_value_out_of_range_is_flagged(engineer, visit):
    voltage = ChecklistItem.objects.get(unit="V")
    temperature = ChecklistItem.objects.get(unit="°C")
    body = {
        "results": [{"item": voltage.pk, "value": "236"}, {"item": temperature.pk, "value": 22}]
    }
    response = api_client_for(engineer).post(
        f"/api/v1/inspection-visits/{visit.pk}/checks", body, content_type=JSON
    )
    assert response.status_code == 200
    flags = {c["label"]: c["out_of_range"] for c in response.json()["checks"]}
    assert flags == {voltage.label: True, temperature.label: False}


def test_a_finding_opens_a_case_in_one_call(engineer, visit):
    response = api_client_for(engineer).post(
        f"/api/v1/inspection-visits/{visit.pk}/findings",
        {"text": "UPS电池鼓包", "open_case": True},
        content_type=JSON,
    )
    assert response.status_code == 201
    case = Case.objects.get(number=response.json()["case"])
    assert (case.customer_id, case.service_mode) == (visit.customer_id, "onsite")


def test_a_configuration_change_is_archived_on_the_asset(engineer, customer_a, visit):
    asset = factories.AssetFactory(customer=customer_a, serial_number="SN-XJ-1")
    response = api_client_for(engineer).post(
        f"/api/v1/inspection-visits/{visit.pk}/changes",
        {"serial_number": "SN-XJ-1", "what": "固件版本", "before": "1.0", "after": "1.2"},
        content_type=JSON,
    )
    assert response.status_code == 200
    change = Activity.objects.get(subject_kind="asset", subject_id=asset.pk, kind="config_change")
    assert change.changes == {"固件版本": ["1.0", "1.2"]}


def test_the_customer_signs_on_screen(engineer, visit):
    response = api_client_for(engineer).post(
        f"/api/v1/inspection-visits/{visit.pk}/sign",
        {"signed_by": "王主任", "signature": SIGNATURE},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json()["signed"] is True


def test_the_overdue_filter_lists_open_visits_past_their_day(seat, visit):
    with time_machine.travel(at(visit.planned_on + dt.timedelta(days=2)), tick=False):
        response = api_client_for(seat).get("/api/v1/inspection-visits?overdue=true")
    assert [v["id"] for v in response.json()["items"]] == [visit.pk]
