"""Who may do what to a case: the predicates of cases.access, and the services that obey them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import reverse

from aftersales.cases import access, selectors, services, workflow
from aftersales.cases.models import Case
from aftersales.core.errors import ApplicationError, Conflict, Forbidden
from tests import factories

pytestmark = pytest.mark.django_db

PERSONAS = ("seat", "on_case", "off_case", "manager", "own_contact", "other_contact", "anonymous")


@pytest.fixture
def people(seat, engineer, engineer2, contact_a, contact_b):
    """Each persona; the cases below are assigned to `engineer` (on_case), customer A's."""
    return {
        "seat": seat,
        "on_case": engineer,
        "off_case": engineer2,
        "manager": factories.staff_user("manager", role="manager"),
        "own_contact": contact_a.user,
        "other_contact": contact_b.user,
        "anonymous": AnonymousUser(),
    }


def _allowed(predicate, people, case) -> set[str]:
    return {name for name, user in people.items() if predicate(user, case)}


def _major(seat, engineer, customer_a, decision=None) -> Case:
    case = services.case_create(by=seat, customer=customer_a, title="数据恢复", is_major=True)
    case = services.case_assign(case=case, engineer=engineer, by=seat)
    if decision:
        services.case_record_approval(
            case=case, by=seat, approver="张总", decision=decision, decided_on=dt.date(2026, 12, 1)
        )
    return Case.objects.get(pk=case.pk)


# --- each predicate: who is allowed, everyone else is refused ---------------------------------

EXPECTED = {
    access.can_view: {"seat", "on_case", "off_case", "manager", "own_contact"},
    access.can_assign: {"seat", "manager"},
    access.can_take_over: {"off_case", "manager"},
    access.can_work: {"on_case", "manager"},
    access.can_update_vendor_case: {"on_case", "manager"},
    access.can_confirm: {"on_case", "off_case", "manager", "own_contact"},
    access.can_reject: {"on_case", "off_case", "manager", "own_contact"},
    access.can_reopen: {"on_case", "off_case", "manager", "own_contact"},
    access.can_close: {"seat", "on_case", "off_case", "manager"},
    access.can_cancel: {"seat", "manager"},
    access.can_comment: {"seat", "on_case", "off_case", "manager", "own_contact"},
    access.can_comment_internal: {"seat", "on_case", "off_case", "manager"},
    access.can_add_attachment: {"seat", "on_case", "off_case", "manager", "own_contact"},
    access.can_update: {"seat", "manager"},
    access.can_record_onsite: {"seat", "on_case", "manager"},
}


@pytest.mark.parametrize("predicate", EXPECTED, ids=lambda p: p.__name__)
def test_each_predicate_allows_exactly_its_people(predicate, people, assigned_case):
    assert _allowed(predicate, people, assigned_case) == EXPECTED[predicate]


def test_a_participant_may_work_the_case(people, assigned_case, engineer2):
    assigned_case.participants.add(engineer2)
    assert "off_case" in _allowed(access.can_work, people, assigned_case)


def test_only_the_seat_and_managers_record_a_major_requests_approval(
    people, seat, engineer, customer_a
):
    case = _major(seat, engineer, customer_a)
    assert _allowed(access.can_record_approval, people, case) == {"seat", "manager"}


def test_nobody_records_an_approval_for_a_case_that_is_not_major(people, assigned_case):
    assert _allowed(access.can_record_approval, people, assigned_case) == set()


def test_nobody_works_a_major_request_before_its_approval(people, seat, engineer, customer_a):
    case = _major(seat, engineer, customer_a)
    assert _allowed(access.can_work, people, case) == set()
    assert _allowed(access.can_record_onsite, people, case) == set()
    assert _allowed(access.can_assign, people, case) == {"seat", "manager"}


def test_an_approved_major_request_is_worked_as_any_case(people, seat, engineer, customer_a):
    case = _major(seat, engineer, customer_a, decision="approved")
    assert _allowed(access.can_work, people, case) == {"on_case", "manager"}


def test_a_refused_major_request_may_only_be_cancelled_or_talked_about(
    people, seat, engineer, customer_a
):
    case = _major(seat, engineer, customer_a, decision="refused")
    assert _allowed(access.can_assign, people, case) == set()
    assert _allowed(access.can_record_approval, people, case) == set()
    assert _allowed(access.can_cancel, people, case) == {"seat", "manager"}
    assert "own_contact" in _allowed(access.can_comment, people, case)


def test_without_approval_the_predicate_answers_for_the_person_only(seat, engineer, customer_a):
    case = _major(seat, engineer, customer_a)
    assert not access.can_work(engineer, case)
    assert access.can_work(engineer, case, approval=False)


def test_contacts_open_cases_for_their_own_organisation_only(
    seat, contact_a, customer_a, customer_b
):
    assert access.can_create_case(seat, customer_b.pk) and access.can_create_case(seat)
    assert access.can_create_case(contact_a.user, customer_a.pk)
    assert not access.can_create_case(contact_a.user, customer_b.pk)
    assert not access.can_create_case(contact_a.user)
    assert not access.can_create_case(AnonymousUser(), customer_a.pk)


def test_every_workflow_action_has_one_predicate():
    assert set(access.ACTION_PREDICATES) == set(workflow.ALLOWED_FROM)


# --- cases_for_user: the one customer-scoping helper -----------------------------------------


def test_case_list_scoping_follows_can_view(people, assigned_case, customer_b, seat):
    services.case_create(by=seat, customer=customer_b, title="乙方故障")
    for name, user in people.items():
        visible = selectors.cases_for_user(user)
        assert (assigned_case in visible) == (name in EXPECTED[access.can_view])


def test_a_user_who_may_see_no_case_gets_an_empty_list_not_an_error(assigned_case):
    nobody = factories.UserFactory(username="nobody")
    assert not selectors.cases_for_user(nobody).exists()
    assert not selectors.cases_for_user(AnonymousUser()).exists()


# --- available_actions and the services agree -------------------------------------------------

DECIDED = dt.date(2026, 12, 1)
TRIES = {
    "assign": lambda c, u, p: services.case_assign(case=c, engineer=p["off_case"], by=u),
    "take_over": lambda c, u, p: services.case_take_over(case=c, by=u),
    "respond": lambda c, u, p: services.case_respond(case=c, by=u, text="x"),
    "diagnose": lambda c, u, p: services.case_diagnose(case=c, by=u, text="x"),
    "wait": lambda c, u, p: services.case_wait(case=c, by=u, text="x"),
    "resume": lambda c, u, p: services.case_resume(case=c, by=u),
    "escalate": lambda c, u, p: services.case_escalate(case=c, by=u, to="expert", text="x"),
    "rma": lambda c, u, p: services.case_hand_to_rma(case=c, by=u, text="x"),
    "resolve": lambda c, u, p: services.case_resolve(case=c, by=u, text="x"),
    "confirm": lambda c, u, p: services.case_confirm(case=c, by=u),
    "reject": lambda c, u, p: services.case_reject(case=c, by=u, text="x"),
    "close": lambda c, u, p: services.case_close(case=c, by=u),
    "cancel": lambda c, u, p: services.case_close(case=c, by=u, text="x"),
    "reopen": lambda c, u, p: services.case_reopen(case=c, by=u, text="x"),
    "comment": lambda c, u, p: services.case_comment(case=c, by=u, text="x"),
    "update": lambda c, u, p: services.case_change_priority(case=c, by=u, priority="P2"),
    "approval": lambda c, u, p: services.case_record_approval(
        case=c, by=u, approver="x", decision="approved", decided_on=DECIDED
    ),
    "depart": lambda c, u, p: services.case_depart(case=c, by=u),
    "arrive": lambda c, u, p: services.case_arrive(case=c, by=u),
    "finish": lambda c, u, p: services.case_finish(case=c, by=u),
}
# Refusals that are the predicate's: the person, or a major request's approval.
FOR_THE_USER = (
    services.ALREADY_YOURS,
    services.NEEDS_APPROVAL,
    services.REFUSED_FOR_GOOD,
    services.NOT_MAJOR,
)


class _Undo(Exception):
    pass


def _service_refuses(action: str, case: Case, user, people) -> bool:
    """Run the action's service in a savepoint that is always rolled back."""
    try:
        with transaction.atomic():
            TRIES[action](Case.objects.get(pk=case.pk), user, people)
            raise _Undo
    except _Undo:
        return False
    except Forbidden:
        return True
    except Conflict as exc:
        return str(exc.message) in {str(message) for message in FOR_THE_USER}
    except ApplicationError:  # the visit's order, bad input: not a question of access
        return False


@pytest.fixture
def sample_cases(new_case, seat, engineer, contact_a, customer_a):
    """A case in each status, all of customer A, assigned to `engineer` but the first."""

    def make():
        case = services.case_create(by=seat, customer=customer_a, title="故障", contact=contact_a)
        return services.case_assign(case=case, engineer=engineer, by=seat)

    waiting = services.case_wait(
        case=services.case_respond(case=make(), by=engineer, text="x"), by=engineer, text="x"
    )
    resolved = services.case_resolve(
        case=services.case_respond(case=make(), by=engineer, text="x"), by=engineer, text="x"
    )
    closed = services.case_resolve(
        case=services.case_respond(case=make(), by=engineer, text="x"), by=engineer, text="x"
    )
    closed = services.case_close(case=closed, by=seat)
    return [
        new_case,
        make(),
        waiting,
        resolved,
        closed,
        _major(seat, engineer, customer_a),
        _major(seat, engineer, customer_a, decision="refused"),
    ]


def test_an_action_is_listed_iff_its_service_does_not_refuse_the_user(people, sample_cases):
    for case in sample_cases:
        case = Case.objects.get(pk=case.pk)
        for name, user in people.items():
            listed = set(selectors.available_actions(user=user, case=Case.objects.get(pk=case.pk)))
            for action in workflow.allowed_actions(case.status):
                refused = _service_refuses(action, case, user, people)
                assert (action in listed) != refused, (case.status, case.is_major, name, action)


# --- the services enforce the approval part with 409, the person part with 403 ----------------


def test_approval_for_a_case_that_is_not_major_is_refused_and_nothing_written(seat, assigned_case):
    with pytest.raises(Conflict) as exc:
        services.case_record_approval(
            case=assigned_case, by=seat, approver="张总", decision="approved", decided_on=DECIDED
        )
    assert exc.value.message == services.NOT_MAJOR
    assert not assigned_case.approvals.exists() and not Case.objects.get().is_major


def test_a_refused_major_request_is_not_reassigned(seat, engineer, engineer2, customer_a):
    case = _major(seat, engineer, customer_a, decision="refused")
    with pytest.raises(Conflict) as exc:
        services.case_assign(case=case, engineer=engineer2, by=seat)
    assert exc.value.message == services.REFUSED_FOR_GOOD
    assert Case.objects.get(pk=case.pk).assignee == engineer


def test_a_worker_not_on_the_case_is_told_to_take_it_over(engineer2, assigned_case):
    with pytest.raises(Forbidden) as exc:
        services.case_respond(case=assigned_case, by=engineer2, text="x")
    assert exc.value.message == services.NOT_ASSIGNEE
    assert Case.objects.get().status == "assigned"


# --- the case page asks the predicates --------------------------------------------------------


def _page(user, case) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("cases:detail", args=[case.number])).content.decode()


def test_vendor_case_form_shows_only_to_those_on_the_case(
    engineer, engineer2, responded_case, customer_a
):
    vendor = factories.VendorFactory()
    services.case_escalate(case=responded_case, by=engineer, to="vendor", text="x", vendor=vendor)
    assert "Update vendor case" in _page(engineer, responded_case)
    assert "Update vendor case" not in _page(engineer2, responded_case)
