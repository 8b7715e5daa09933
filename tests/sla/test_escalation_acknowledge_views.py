"""The case page's "Escalations" card: managers answer an escalation from the console."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.cases.models import Activity
from aftersales.notify.models import OutboxMessage
from aftersales.sla.models import EscalationFiring
from tests.sla.conftest import at, sweep

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
# A P1 opened at 22:00 misses its 1-hour diagnosis at 23:00: the sweep then fires the two
# response reminders, the reassignment and the response-centre manager step (answer in 24 h).
OPENED, SWEPT = at(2026, 3, 2, 22, 0), at(2026, 3, 2, 23, 0)
NEXT_MORNING, TWO_DAYS_LATER = at(2026, 3, 3, 8, 0), at(2026, 3, 4, 9, 0)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(case) -> str:
    return reverse("cases:detail", args=[case.number])


def acknowledge(case, firing) -> str:
    return reverse("cases:escalation_acknowledge", args=[case.number, firing.pk])


@pytest.fixture
def escalated_case(contract_7x24, open_case):
    case = open_case("P1", OPENED)
    sweep(SWEPT)
    return case


@pytest.fixture
def firing(escalated_case):
    return EscalationFiring.objects.get(
        promise__subject_id=escalated_case.pk, rule__action="notify_managers"
    )


def get_page(user, case, when=NEXT_MORNING) -> str:
    with time_machine.travel(when, tick=False):
        return login(user).get(page(case)).content.decode()


def post_ack(user, case, firing, when=NEXT_MORNING, **kwargs):
    with time_machine.travel(when, tick=False):
        return login(user).post(acknowledge(case, firing), **kwargs)


def test_case_without_firings_has_no_escalations_card(open_case, seat):
    case = open_case("P1", OPENED)
    assert 'id="case-escalations"' not in get_page(seat, case, when=OPENED)


def test_card_lists_every_step_with_the_managers_answer_due(
    escalated_case, firing, manager_response_centre
):
    html = get_page(manager_response_centre, escalated_case)
    assert 'id="case-escalations"' in html
    assert html.count('class="list-group-item escalation') == 4
    assert "Reminder" in html and "Reassignment" in html and "Manager escalation" in html
    assert firing.rule.name in html and "Response-centre manager" in html
    assert "Answer due 2026-03-03 23:00" in html and "Not answered yet" in html


def test_manager_of_the_level_sees_the_acknowledge_form(
    escalated_case, firing, manager_response_centre
):
    html = get_page(manager_response_centre, escalated_case)
    assert f'action="{acknowledge(escalated_case, firing)}"' in html
    assert html.count("escalation-acknowledge") == 1


def test_manager_acknowledges_with_a_note_and_is_redirected_to_the_case(
    escalated_case, firing, manager_response_centre
):
    response = post_ack(manager_response_centre, escalated_case, firing, data={"text": "已督办"})
    firing.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == page(escalated_case)
    assert firing.acknowledged_by == manager_response_centre
    assert firing.acknowledged_at == NEXT_MORNING


def test_acknowledgement_writes_the_services_activity_and_no_message(
    escalated_case, firing, manager_response_centre
):
    outbox = OutboxMessage.objects.count()
    post_ack(manager_response_centre, escalated_case, firing, data={"text": "已督办"})
    activity = Activity.objects.of(escalated_case).get(actor=manager_response_centre)
    assert activity.kind == "notice" and activity.internal and activity.text == "已督办"
    assert activity.data == {"sla_rule": firing.rule_id, "in_time": True}
    assert OutboxMessage.objects.count() == outbox


def test_acknowledgement_without_a_note_records_the_rule(
    escalated_case, firing, manager_response_centre
):
    post_ack(manager_response_centre, escalated_case, firing, data={"text": " "})
    activity = Activity.objects.of(escalated_case).get(actor=manager_response_centre)
    assert activity.text == f"Escalation answered: {firing.rule.name}"


def test_page_then_shows_who_answered_and_when_without_the_form(
    escalated_case, firing, manager_response_centre
):
    with time_machine.travel(NEXT_MORNING, tick=False):
        response = login(manager_response_centre).post(
            acknowledge(escalated_case, firing), follow=True
        )
    html = response.content.decode()
    assert "Escalation acknowledged." in html
    assert f"Answered by {manager_response_centre} at 2026-03-03 08:00" in html
    assert "escalation-acknowledge" not in html


def test_htmx_acknowledgement_answers_the_fresh_live_part(
    escalated_case, firing, manager_response_centre
):
    response = post_ack(manager_response_centre, escalated_case, firing, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="case-live"')
    assert "Escalation acknowledged." in html and "escalation-answered" in html


def test_second_acknowledgement_shows_the_conflict_and_changes_nothing(
    escalated_case, firing, manager_response_centre, admin_user
):
    post_ack(manager_response_centre, escalated_case, firing)
    activities = Activity.objects.of(escalated_case).count()
    response = post_ack(admin_user, escalated_case, firing, when=TWO_DAYS_LATER)
    firing.refresh_from_db()
    assert response.status_code == 409
    assert "This escalation was already answered." in response.content.decode()
    assert firing.acknowledged_by == manager_response_centre
    assert firing.acknowledged_at == NEXT_MORNING
    assert Activity.objects.of(escalated_case).count() == activities


@pytest.mark.parametrize("persona", ["seat", "engineer", "manager_general"])
def test_staff_without_the_level_see_the_card_but_no_form(request, escalated_case, firing, persona):
    html = get_page(request.getfixturevalue(persona), escalated_case)
    assert 'id="case-escalations"' in html
    assert "escalation-acknowledge" not in html


@pytest.mark.parametrize("persona", ["seat", "engineer", "manager_general"])
def test_staff_without_the_level_are_refused_and_nothing_changes(
    request, escalated_case, firing, persona
):
    activities = Activity.objects.of(escalated_case).count()
    response = post_ack(request.getfixturevalue(persona), escalated_case, firing)
    firing.refresh_from_db()
    assert response.status_code == 403
    assert "Only a manager of the escalated level can answer" in response.content.decode()
    assert firing.acknowledged_at is None and firing.acknowledged_by is None
    assert Activity.objects.of(escalated_case).count() == activities


def test_admin_may_answer_for_any_level(escalated_case, firing, admin_user):
    assert "escalation-acknowledge" in get_page(admin_user, escalated_case)
    post_ack(admin_user, escalated_case, firing)
    firing.refresh_from_db()
    assert firing.acknowledged_by == admin_user


def test_reminders_and_reassignments_offer_no_form_even_to_an_admin(escalated_case, admin_user):
    html = get_page(admin_user, escalated_case)
    assert html.count("escalation-acknowledge") == 1


def test_firing_of_another_case_is_not_found(
    escalated_case, open_case, firing, manager_response_centre
):
    other = open_case("P1", OPENED)
    response = post_ack(manager_response_centre, other, firing)
    firing.refresh_from_db()
    assert response.status_code == 404
    assert firing.acknowledged_at is None


def test_unknown_firing_is_not_found(escalated_case, manager_response_centre):
    url = reverse("cases:escalation_acknowledge", args=[escalated_case.number, 999_999])
    assert login(manager_response_centre).post(url).status_code == 404


def test_customer_contact_cannot_reach_the_acknowledgement(escalated_case, firing, contact_a):
    response = post_ack(contact_a.user, escalated_case, firing)
    firing.refresh_from_db()
    assert response.status_code == 404
    assert firing.acknowledged_at is None


def test_acknowledgement_takes_a_post_only(escalated_case, firing, manager_response_centre):
    response = login(manager_response_centre).get(acknowledge(escalated_case, firing))
    assert response.status_code == 405


def test_acknowledgement_needs_the_csrf_token(escalated_case, firing, manager_response_centre):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_response_centre)
    response = client.post(acknowledge(escalated_case, firing))
    firing.refresh_from_db()
    assert response.status_code == 403 and firing.acknowledged_at is None


def test_unanswered_manager_step_past_its_answer_moment_is_marked_overdue(
    escalated_case, firing, seat
):
    html = get_page(seat, escalated_case, when=TWO_DAYS_LATER)
    assert "text-danger fw-semibold escalation-overdue" in html


def test_manager_step_answered_after_its_moment_is_marked_late(
    escalated_case, firing, manager_response_centre
):
    post_ack(manager_response_centre, escalated_case, firing, when=TWO_DAYS_LATER)
    html = get_page(manager_response_centre, escalated_case, when=TWO_DAYS_LATER)
    assert "escalation-answered_late" in html and "Answered late by" in html


def test_case_page_queries_do_not_grow_with_its_firings(
    escalated_case, open_case, manager_response_centre, django_assert_max_num_queries
):
    quiet = open_case("P1", NEXT_MORNING)  # no step due yet: an empty card query
    client = login(manager_response_centre)
    with time_machine.travel(NEXT_MORNING, tick=False):
        client.get(page(escalated_case))  # per-process configuration is read once
        client.get(page(quiet))
        with CaptureQueriesContext(connection) as without_firings:
            client.get(page(quiet))
        # The card is one query (firings with their rule and answerer) on every page.
        with django_assert_max_num_queries(len(without_firings.captured_queries)):
            response = client.get(page(escalated_case))
    assert response.content.decode().count('class="list-group-item escalation') == 4


def test_a_reminder_cannot_be_answered_even_by_an_admin(escalated_case, admin_user):
    reminder = EscalationFiring.objects.filter(
        promise__subject_id=escalated_case.pk, rule__action="remind"
    ).first()
    response = post_ack(admin_user, escalated_case, reminder)
    assert response.status_code == 409
    reminder.refresh_from_db()
    assert reminder.acknowledged_at is None
