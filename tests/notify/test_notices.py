"""The bell's notices: one per e-mail the outbox is asked to send a staff member, and mentions."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from aftersales.cases import services
from aftersales.core.errors import Invalid, NotFound
from aftersales.notify import notices
from aftersales.notify.models import Notice, OutboxMessage
from aftersales.notify.services import notify_enqueue, notify_enqueue_many
from tests import factories

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def expert(db):
    return factories.staff_user("expert", role="expert")


@pytest.fixture
def new_case(seat, customer_a, contact_a):
    return services.case_create(
        by=seat, customer=customer_a, title="核心交换机宕机", priority="P2", contact=contact_a
    )


@pytest.fixture
def assigned_case(new_case, seat, engineer):
    return services.case_assign(case=new_case, engineer=engineer, by=seat)


def kinds(user) -> list[str]:
    return list(Notice.objects.filter(user=user).values_list("kind", flat=True))


def test_assigning_a_case_gives_the_engineer_one_notice_linking_to_the_case(
    assigned_case, engineer
):
    (notice,) = Notice.objects.filter(user=engineer)
    assert notice.kind == "case.assigned"
    assert assigned_case.number in notice.title
    assert notice.url == f"/cases/{assigned_case.number}/"
    assert notice.read_at is None


def test_the_email_and_sms_pair_of_one_assignment_makes_one_notice(assigned_case, engineer):
    assert OutboxMessage.objects.filter(to_user=engineer, kind="case.assigned").count() == 2
    assert kinds(engineer) == ["case.assigned"]


def test_escalating_to_an_expert_gives_the_expert_a_notice(assigned_case, engineer, expert):
    case = services.case_respond(case=assigned_case, by=engineer, text="已联系")
    services.case_escalate(case=case, by=engineer, to="expert", text="请协助", expert=expert)
    assert kinds(expert) == ["case.escalated"]


def test_a_reply_from_the_customer_gives_the_assignee_a_notice(assigned_case, engineer, contact_a):
    services.case_comment(case=assigned_case, by=contact_a.user, text="日志已上传")
    assert "case.comment" in kinds(engineer)


def test_a_customer_contact_gets_no_notice_for_a_reply_by_staff(assigned_case, engineer, contact_a):
    services.case_comment(case=assigned_case, by=engineer, text="请上传日志")
    assert OutboxMessage.objects.filter(to_user=contact_a.user, kind="case.comment").exists()
    assert not Notice.objects.filter(user=contact_a.user).exists()


def test_an_sms_alone_makes_no_notice(engineer):
    notify_enqueue(channel="sms", to_user=engineer, subject="s", body="b", kind="x")
    assert not Notice.objects.exists()


def test_an_email_to_an_address_without_a_user_makes_no_notice(db):
    notify_enqueue(channel="email", address="a@example.com", subject="s", body="b", kind="x")
    assert not Notice.objects.exists()


def test_the_same_dedupe_key_twice_makes_one_notice(engineer):
    for _ in range(2):
        notify_enqueue(
            channel="email", to_user=engineer, subject="s", body="b", kind="x", dedupe_key="k1"
        )
    assert Notice.objects.filter(user=engineer, dedupe_key="k1").count() == 1


def test_an_unknown_reference_type_gives_a_notice_without_a_link(engineer):
    notify_enqueue(
        channel="email", to_user=engineer, subject="s", body="b", kind="x", ref_type="nope"
    )
    assert Notice.objects.get(user=engineer).url == ""


def test_the_ladder_reminder_gives_the_engineer_one_notice(new_case, seat, engineer):
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        case = services.case_create(
            by=seat, customer=new_case.customer, title="宕机", priority="P1"
        )
        services.case_assign(case=case, engineer=engineer, by=seat)
    from aftersales.sla.services import sla_sweep

    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        sla_sweep()
    reminders = Notice.objects.filter(user=engineer, kind="sla.reminder", ref_id=case.number)
    assert reminders.count() == 1
    assert reminders.get().url == f"/cases/{case.number}/"


def test_a_batch_gives_one_notice_per_staff_member_and_none_to_a_contact(engineer, contact_a):
    common = {"subject": "s", "body": "b", "kind": "sla.reminder", "ref_type": "case"}
    notify_enqueue_many(
        messages=[
            {"channel": "email", "to_user": engineer, **common},
            {"channel": "sms", "to_user": engineer, **common},
            {"channel": "email", "to_user": contact_a.user, **common},
        ]
    )
    assert kinds(engineer) == ["sla.reminder"]
    assert not Notice.objects.filter(user=contact_a.user).exists()


def test_mentioning_a_colleague_in_an_internal_note_gives_a_notice_and_no_email(
    assigned_case, engineer, expert
):
    services.case_comment(case=assigned_case, by=engineer, text="@expert 请看日志", internal=True)
    (notice,) = Notice.objects.filter(user=expert)
    assert notice.kind == "case.mentioned"
    assert notice.url == f"/cases/{assigned_case.number}/"
    assert not OutboxMessage.objects.filter(to_user=expert).exists()


def test_a_colleague_is_mentioned_by_display_name(assigned_case, engineer, db):
    colleague = factories.staff_user("wang", role="engineer")
    colleague.display_name = "王工"
    colleague.save(update_fields=["display_name"])
    services.case_comment(case=assigned_case, by=engineer, text="已请@王工协助", internal=True)
    assert kinds(colleague) == ["case.mentioned"]


def test_a_longer_login_is_not_a_mention_of_a_shorter_one(assigned_case, engineer, expert):
    services.case_comment(case=assigned_case, by=engineer, text="@expertise 不足", internal=True)
    assert not Notice.objects.filter(user=expert).exists()


def test_mentioning_yourself_or_a_customer_gives_no_notice(assigned_case, engineer, contact_a):
    text = "@engineer @contact_a 同步"
    services.case_comment(case=assigned_case, by=engineer, text=text, internal=True)
    assert not Notice.objects.filter(kind="case.mentioned").exists()


def test_an_inactive_colleague_is_not_told_of_a_mention(assigned_case, engineer, db):
    gone = factories.staff_user("gone", role="engineer", is_active=False)
    services.case_comment(case=assigned_case, by=engineer, text="@gone 备件?", internal=True)
    assert not Notice.objects.filter(user=gone).exists()


def test_a_customer_may_mention_staff_in_a_reply_but_not_write_an_internal_note(
    assigned_case, contact_a, seat
):
    services.case_comment(case=assigned_case, by=contact_a.user, text="@seat 请回电")
    assert "case.mentioned" in kinds(seat)
    with pytest.raises(Invalid):
        services.case_comment(
            case=assigned_case, by=contact_a.user, text="@seat 内部", internal=True
        )
    assert kinds(seat).count("case.mentioned") == 1


def test_marking_read_sets_the_moment_once(assigned_case, engineer):
    notice = Notice.objects.get(user=engineer)
    first = notices.notice_mark_read(user=engineer, notice_id=notice.pk).read_at
    again = notices.notice_mark_read(user=engineer, notice_id=notice.pk).read_at
    assert first is not None and again == first
    assert notices.unread_count(engineer) == 0


def test_another_users_notice_is_not_found_and_stays_unread(assigned_case, engineer, seat):
    notice = Notice.objects.get(user=engineer)
    with pytest.raises(NotFound):
        notices.notice_mark_read(user=seat, notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_unread_count_counts_only_my_unread_notices(assigned_case, engineer, seat):
    notify_enqueue(channel="email", to_user=engineer, subject="s", body="b", kind="x")
    notify_enqueue(channel="email", to_user=seat, subject="s", body="b", kind="x")
    assert notices.unread_count(engineer) == 2
    notices.notices_mark_all_read(user=engineer)
    assert notices.unread_count(engineer) == 0
    assert notices.unread_count(seat) == 1
