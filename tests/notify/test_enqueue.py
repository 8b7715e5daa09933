from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from aftersales.core.errors import Invalid
from aftersales.notify import services
from aftersales.notify.models import OutboxMessage, Status
from aftersales.notify.services import notify_enqueue
from tests import factories

pytestmark = pytest.mark.django_db


def _email(**fields) -> OutboxMessage:
    defaults = {
        "channel": "email",
        "subject": "工单 CS-20261123-0042 已分配给您",
        "body": "请尽快联系客户。",
        "kind": "case.assigned",
        "ref_type": "case",
        "ref_id": "CS-20261123-0042",
    }
    return notify_enqueue(**{**defaults, **fields})


def test_enqueue_records_a_pending_row_and_sends_nothing(engineer):
    message = _email(to_user=engineer)
    assert message.status == Status.PENDING
    assert message.address == "engineer@example.com"
    assert mail.outbox == []


def test_explicit_address_wins_over_the_users(engineer):
    assert _email(to_user=engineer, address="duty@example.cn").address == "duty@example.cn"


def test_sms_number_comes_from_the_engineer_profile_when_the_login_has_none():
    profile = factories.EngineerFactory(phone="+86 137-0000-1234")
    message = _email(channel="sms", to_user=profile.user, subject="")
    assert (message.address, message.status) == ("13700001234", Status.PENDING)


def test_sms_number_comes_from_the_contact_profile(contact_a):
    message = _email(channel="sms", to_user=contact_a.user, subject="")
    assert message.address == contact_a.phone


def test_recipient_without_address_is_recorded_as_failed_not_raised(engineer):
    message = _email(channel="sms", to_user=engineer, subject="")
    assert (message.status, message.last_error) == (Status.FAILED, "no address")
    assert OutboxMessage.objects.filter(pk=message.pk).exists()


def test_malformed_email_is_recorded_as_failed():
    message = _email(address="not-an-address")
    assert (message.status, message.last_error) == (Status.FAILED, "invalid address")


def test_deactivated_recipient_gets_nothing(engineer):
    engineer.is_active = False
    engineer.save(update_fields=["is_active"])
    assert _email(to_user=engineer).last_error == "recipient inactive"


def test_same_dedupe_key_returns_the_first_row_and_adds_none(engineer):
    first = _email(to_user=engineer, dedupe_key="sla.reminder:CS-1:30")
    second = _email(to_user=engineer, dedupe_key="sla.reminder:CS-1:30", body="另一条")
    assert second.pk == first.pk
    assert OutboxMessage.objects.count() == 1


def test_losing_the_dedupe_race_returns_the_winner_and_keeps_the_transaction_usable(
    engineer, monkeypatch
):
    first = _email(to_user=engineer, dedupe_key="race")
    # The look-up misses as if another worker committed the same key just after it.
    monkeypatch.setattr(services, "_existing", _first_miss())
    with transaction.atomic():
        second = _email(to_user=engineer, dedupe_key="race")
        assert OutboxMessage.objects.count() == 1  # the caller's transaction still works
    assert second.pk == first.pk


def _first_miss():
    calls = []

    def lookup(key):
        calls.append(key)
        return None if len(calls) == 1 else OutboxMessage.objects.get(dedupe_key=key)

    return lookup


def test_unknown_channel_is_refused_naming_the_field():
    with pytest.raises(Invalid) as err:
        _email(channel="fax")
    assert err.value.field == "channel"
    assert OutboxMessage.objects.count() == 0


def test_empty_body_is_refused_naming_the_field():
    with pytest.raises(Invalid) as err:
        _email(address="a@example.cn", body="  ")
    assert err.value.field == "body"


def test_subject_newlines_are_folded_into_one_line():
    assert _email(address="a@example.cn", subject="第一行\n第二行").subject == "第一行 第二行"


def test_not_before_in_the_past_means_now(engineer):
    message = _email(to_user=engineer, not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert message.not_before == message.created_at


def test_delivery_is_scheduled_only_when_the_caller_commits(
    engineer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        _email(to_user=engineer)
        assert callbacks == []
    assert len(callbacks) == 1


def test_a_rolled_back_caller_leaves_no_message(engineer):
    with pytest.raises(RuntimeError), transaction.atomic():
        _email(to_user=engineer)
        raise RuntimeError("the case could not be saved")
    assert OutboxMessage.objects.count() == 0


def test_cancel_stops_pending_reminders_of_one_reference(engineer):
    reminder = _email(to_user=engineer, kind="sla.reminder")
    other = _email(to_user=engineer, kind="case.assigned")
    assert (
        services.outbox_cancel(ref_type="case", ref_id="CS-20261123-0042", kind="sla.reminder") == 1
    )
    reminder.refresh_from_db()
    other.refresh_from_db()
    assert (reminder.status, other.status) == (Status.CANCELLED, Status.PENDING)
