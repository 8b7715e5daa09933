from __future__ import annotations

import pytest
from django.db import transaction

from aftersales.cases import services as case_services
from aftersales.core.errors import Conflict, Forbidden
from aftersales.repairs import access, services
from aftersales.repairs.models import RepairOrder
from tests.repairs.conftest import signature_data_url
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


# --- the predicates of repairs.access: who may do what, and when ---


def paid_order(engineer, case) -> RepairOrder:
    """A diagnosed, priced order out of warranty (new: its quote not sent yet)."""
    order = services.repair_create(
        by=engineer, case=case, service_mode="carry_in", fault_category="power", fault_text="坏"
    )
    return services.repair_update(
        by=engineer,
        order=order,
        diagnosis="电源坏",
        parts=[{"name": "电源模块", "quantity": 1, "unit_price": "800"}],
    )


def free_order(engineer, case) -> RepairOrder:
    return services.repair_create(
        by=engineer, case=case, service_mode="onsite", fault_category="disk", fault_text="告警"
    )


def order_in(state: str, engineer, contact, paid_case, free_case) -> RepairOrder:
    """An order brought to `state` through the services, the way a person would."""
    if state in ("paid_new", "quoted", "approved"):
        order = paid_order(engineer, paid_case)
        if state != "paid_new":
            order = services.repair_quote(by=engineer, order=order)
        if state == "approved":
            order = services.repair_quote_decide(by=contact.user, order=order, approve=True)
        return order
    order = free_order(engineer, free_case)
    if state == "cancelled":
        return services.repair_cancel(by=engineer, order=order)
    if state in ("in_progress", "verified"):
        order = services.repair_start(by=engineer, order=order)
    if state == "verified":
        order = services.repair_verify(by=engineer, order=order, test_results="正常")
    return order


def test_engineer_may_quote_a_paid_order_being_diagnosed(engineer, paid_case):
    assert access.can_quote(engineer, paid_order(engineer, paid_case))


def test_a_free_order_has_no_quote(engineer, free_case):
    assert not access.can_quote(engineer, free_order(engineer, free_case))


def test_seat_and_contact_may_not_quote(engineer, seat, contact_a, paid_case):
    order = paid_order(engineer, paid_case)
    assert not access.can_quote(seat, order) and not access.can_quote(contact_a.user, order)


def test_paid_order_starts_only_once_its_quote_is_approved(
    engineer, contact_a, paid_case, free_case
):
    quoted = order_in("quoted", engineer, contact_a, paid_case, free_case)
    assert not access.can_start(engineer, quoted)
    approved = services.repair_quote_decide(by=contact_a.user, order=quoted, approve=True)
    assert access.can_start(engineer, approved)


def test_free_order_starts_at_once_but_not_by_the_warehouse(engineer, warehouse, free_case):
    order = free_order(engineer, free_case)
    assert access.can_start(engineer, order) and not access.can_start(warehouse, order)


def test_cancel_exists_only_before_work_starts(engineer, free_case):
    order = free_order(engineer, free_case)
    assert access.can_cancel(engineer, order)
    assert not access.can_cancel(engineer, services.repair_start(by=engineer, order=order))


def test_seat_records_the_customers_phone_answer_to_a_quote(
    engineer, seat, contact_a, paid_case, free_case
):
    quoted = order_in("quoted", engineer, contact_a, paid_case, free_case)
    assert access.can_record_approval(seat, quoted)
    assert not access.can_record_approval(engineer, quoted)  # wrong role
    assert not access.can_record_approval(contact_a.user, quoted)  # answers on the portal


def test_contact_of_the_customer_answers_the_quote_and_nobody_else(
    engineer, seat, contact_a, contact_b, paid_case, free_case
):
    quoted = order_in("quoted", engineer, contact_a, paid_case, free_case)
    assert access.can_approve_quote(contact_a.user, quoted)
    assert not access.can_approve_quote(contact_b.user, quoted)
    assert not access.can_approve_quote(seat, quoted)


def test_no_quote_to_answer_before_it_is_sent(engineer, contact_a, paid_case):
    assert not access.can_approve_quote(contact_a.user, paid_order(engineer, paid_case))


def test_work_is_recorded_until_the_repair_is_verified(
    engineer, warehouse, contact_a, paid_case, free_case
):
    in_progress = order_in("in_progress", engineer, contact_a, paid_case, free_case)
    assert access.can_record_work(engineer, in_progress)
    assert not access.can_record_work(warehouse, in_progress)
    verified = services.repair_verify(by=engineer, order=in_progress, test_results="正常")
    assert not access.can_record_work(engineer, verified)


def test_only_staff_who_work_repairs_verify_an_order_in_progress(
    engineer, seat, contact_a, paid_case, free_case
):
    in_progress = order_in("in_progress", engineer, contact_a, paid_case, free_case)
    assert access.can_verify(engineer, in_progress)
    assert not access.can_verify(seat, in_progress)
    assert not access.can_verify(contact_a.user, in_progress)
    assert not access.can_verify(engineer, free_order(engineer, free_case))


def test_staff_sign_off_on_the_tablet_and_the_contact_confirms_on_the_portal(
    engineer, contact_a, contact_b, paid_case, free_case
):
    verified = order_in("verified", engineer, contact_a, paid_case, free_case)
    assert access.can_sign_off(engineer, verified) and not access.can_sign_off(
        contact_a.user, verified
    )
    assert access.can_confirm(contact_a.user, verified)
    assert not access.can_confirm(contact_b.user, verified)
    assert not access.can_confirm(engineer, verified)


def test_nothing_to_confirm_while_the_repair_is_in_progress(
    engineer, contact_a, paid_case, free_case
):
    in_progress = order_in("in_progress", engineer, contact_a, paid_case, free_case)
    assert not access.can_confirm(contact_a.user, in_progress)


def test_staff_and_the_customers_contact_see_the_order_another_customer_does_not(
    engineer, warehouse, contact_a, contact_b, paid_case
):
    order = paid_order(engineer, paid_case)
    assert access.can_view(warehouse, order) and access.can_view(contact_a.user, order)
    assert not access.can_view(contact_b.user, order)


def test_repairs_are_opened_on_open_cases_by_staff_who_add_them(
    engineer, seat, warehouse, contact_a, paid_case
):
    assert access.can_open(engineer, paid_case)
    assert not access.can_open(warehouse, paid_case) and not access.can_open(
        contact_a.user, paid_case
    )
    closed = case_services.case_close(case=paid_case, by=seat, text="客户撤销")
    assert not access.can_open(engineer, closed)


def test_a_closed_order_offers_nobody_anything(engineer, seat, contact_a, paid_case, free_case):
    cancelled = order_in("cancelled", engineer, contact_a, paid_case, free_case)
    for user in (engineer, seat, contact_a.user):
        assert access.available_actions(user, cancelled) == []


# --- available_actions agrees with what the services accept ---

STAFF_CALLS = {
    "record_work": lambda by, o: services.repair_update(by=by, order=o, cause="接触不良"),
    "quote": lambda by, o: services.repair_quote(by=by, order=o),
    "start": lambda by, o: services.repair_start(by=by, order=o),
    "cancel": lambda by, o: services.repair_cancel(by=by, order=o),
    "record_approval": lambda by, o: services.repair_quote_decide(
        by=by, order=o, approve=True, name="王经理"
    ),
    "verify": lambda by, o: services.repair_verify(by=by, order=o, test_results="正常"),
    "sign_off": lambda by, o: services.repair_sign_off(
        by=by, order=o, name="张经理", signature=signature_data_url()
    ),
}
CUSTOMER_CALLS = {
    "approve_quote": lambda by, o: services.repair_quote_decide(by=by, order=o, approve=True),
    "confirm": lambda by, o: services.repair_sign_off(by=by, order=o),
}
STATES = ("paid_new", "quoted", "approved", "new", "in_progress", "verified", "cancelled")


def accepted(call, user, order: RepairOrder) -> bool:
    """Whether the service takes the action (in a rolled-back savepoint); refusals of who
    and when are the only failures expected, valid input being given."""
    try:
        with transaction.atomic():
            call(user, RepairOrder.objects.get(pk=order.pk))
            transaction.set_rollback(True)
    except (Forbidden, Conflict):
        return False
    return True


@pytest.mark.parametrize("state", STATES)
def test_available_actions_are_exactly_what_the_services_accept(
    state, engineer, seat, warehouse, contact_a, contact_b, paid_case, free_case
):
    order = order_in(state, engineer, contact_a, paid_case, free_case)
    disagree = []
    for users, calls in (
        ((engineer, seat, warehouse), STAFF_CALLS),
        ((contact_a.user, contact_b.user), CUSTOMER_CALLS),
    ):
        for user in users:
            offered = access.available_actions(user, order)
            for action, call in calls.items():
                if (action in offered) != accepted(call, user, order):
                    disagree.append(f"{user.username} {action}: offered={action in offered}")
    assert not disagree, f"{state}: " + "; ".join(disagree)
