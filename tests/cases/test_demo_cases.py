from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from aftersales.cases.demo import DEMO_KEY, demo_clock
from aftersales.cases.models import Activity, ActivityKind, Case, MajorApproval, Status, VendorCase
from aftersales.notify.models import OutboxMessage
from aftersales.registry import demo
from aftersales.registry.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rich_demo(django_db_setup, django_db_blocker):
    """Forty cases, loaded once for the module's read-only checks, removed afterwards."""
    from django.db import transaction
    from django.test import override_settings

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast:
        demo.load(customers=4, cases=40)
        yield
        transaction.set_rollback(True)


def _played() -> int:
    """Cases the demo played (the mail section and paid repairs open a few of their own)."""
    opened = Activity.objects.filter(subject_kind="case", kind=ActivityKind.CREATED)
    return opened.filter(data__has_key=DEMO_KEY).count()


def test_demo_opens_the_requested_number_of_cases():
    result = demo.load(customers=3, cases=9)
    assert result.created["cases"] == 9
    assert _played() == 9


def test_running_the_demo_twice_adds_no_case():
    demo.load(customers=3, cases=8)
    numbers = set(Case.objects.values_list("number", flat=True))
    second = demo.load(customers=3, cases=8)
    assert "cases" not in second.created
    assert set(Case.objects.values_list("number", flat=True)) == numbers


def test_a_larger_run_adds_only_the_missing_cases():
    demo.load(customers=3, cases=8)
    first = set(Case.objects.values_list("pk", "title", "status"))
    result = demo.load(customers=3, cases=12)
    assert result.created["cases"] == 4
    assert first <= set(Case.objects.values_list("pk", "title", "status"))


def test_demo_cases_without_demo_customers_are_skipped_with_a_note():
    result = demo.load(customers=0, cases=5)
    assert Case.objects.count() == 0
    assert any("No demo cases" in note for note in result.notes)


def test_only_the_demo_staff_play_parts_in_demo_cases():
    outsider = factories.staff_user("outsider", role="engineer")
    demo.load(customers=3, cases=12)
    assert not Case.objects.filter(assignee=outsider).exists()
    assert not Activity.objects.filter(actor=outsider).exists()


def test_demo_command_loads_three_cases_per_customer_by_default():
    out = io.StringIO()
    call_command("demo", "--customers", "2", stdout=out)
    assert _played() == 6
    assert "6 cases" in out.getvalue()


def test_demo_clock_moves_timezone_now_and_always_gives_it_back():
    moment = timezone.now() - dt.timedelta(days=30)
    with pytest.raises(RuntimeError), demo_clock(moment) as clock:
        assert timezone.now() == moment
        clock.set(moment + dt.timedelta(minutes=5))
        assert timezone.localdate() == timezone.localdate(moment + dt.timedelta(minutes=5))
        raise RuntimeError
    assert abs(timezone.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


@pytest.mark.usefixtures("rich_demo")
class TestRichDemo:
    def test_every_case_state_is_present(self):
        assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)

    def test_cases_are_spread_over_the_past_ninety_days(self):
        now = timezone.now()
        created = list(Case.objects.values_list("created_at", flat=True))
        assert all(now - dt.timedelta(days=90) <= at <= now for at in created)
        assert max(created) - min(created) > dt.timedelta(days=30)

    def test_case_numbers_carry_the_local_day_the_case_was_opened(self):
        for number, created_at in Case.objects.values_list("number", "created_at"):
            assert number.startswith(f"CS-{timezone.localtime(created_at):%Y%m%d}-")

    def test_each_timeline_runs_forward_from_the_opening_and_ends_before_now(self):
        now = timezone.now()
        for case in Case.objects.all():
            written = list(case.activities.order_by("id").values_list("at", flat=True))
            assert written[0] == case.created_at
            assert written == sorted(written) and written[-1] <= now

    def test_assigned_engineers_got_mail_and_sms_marked_delivered(self):
        case = Case.objects.filter(assignee__isnull=False).first()
        sent = OutboxMessage.objects.filter(
            ref_id=case.number, kind="case.assigned", to_user=case.assignee
        )
        assert set(sent.values_list("channel", flat=True)) == {"email", "sms"}
        assert not OutboxMessage.objects.filter(status="pending").exists()

    def test_closed_cases_were_resolved_first_and_confirmed(self):
        closed = Case.objects.filter(status=Status.CLOSED, merged_into__isnull=True).exclude(
            approvals__decision="refused"
        )
        assert closed.exists()
        for case in closed:
            kinds = list(case.activities.values_list("kind", flat=True))
            assert ActivityKind.RESOLVED in kinds and kinds[-1] == ActivityKind.CONFIRMED

    def test_some_cases_went_to_an_expert_and_some_to_the_vendor(self):
        escalated = Case.objects.filter(escalated_to_expert=True).first()
        assert escalated is not None and escalated.participants.exists()
        assert VendorCase.objects.exclude(reference="").exists()

    def test_comments_are_public_and_internal(self):
        comments = Activity.objects.filter(kind=ActivityKind.COMMENT)
        assert comments.filter(internal=True).exists()
        assert comments.filter(internal=False).exists()

    def test_approved_major_requests_were_approved_before_any_work(self):
        approved = MajorApproval.objects.filter(decision="approved").select_related("case")
        assert approved.exists()
        for approval in approved:
            kinds = list(approval.case.activities.values_list("kind", flat=True))
            assert kinds.index(ActivityKind.APPROVAL) < kinds.index(ActivityKind.RESPONDED)

    def test_the_first_customer_follows_its_cases_in_the_portal_without_internal_notes(
        self, client
    ):
        note = Activity.objects.filter(
            kind=ActivityKind.COMMENT,
            internal=True,
            customer_id=Customer.objects.get(code="KH0001").pk,
        ).first()
        assert note is not None
        client.login(username="kh0001", password=demo.PORTAL_PASSWORD)
        listing = client.get("/portal/cases/?state=all").content.decode()
        assert all(c.number in listing for c in Case.objects.filter(customer__code="KH0001"))
        case = Case.objects.get(pk=note.subject_id)
        page = client.get(f"/portal/cases/{case.number}/").content.decode()
        assert case.title in page
        assert note.text not in page

    def test_priorities_are_mostly_not_p1(self):
        priorities = list(Case.objects.values_list("priority", flat=True))
        assert priorities.count("P1") < len(priorities) / 5
        assert {"P2", "P3", "P4"} <= set(priorities)
