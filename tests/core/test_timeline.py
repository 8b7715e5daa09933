"""The one timeline helper: record() in the caller's transaction, for_subject() to read."""

from __future__ import annotations

import pytest
from django.db import transaction

from aftersales.core import timeline
from aftersales.core.models import Activity
from aftersales.registry.models import Skill
from tests import factories


def test_record_writes_one_row_with_subject_customer_and_actor(customer_a, seat):
    with transaction.atomic():
        row = timeline.record(subject=customer_a, kind="updated", actor=seat, text="x")
    assert Activity.objects.of(customer_a).get() == row
    assert (row.subject_kind, row.subject_id, row.customer_id) == (
        "customer",
        customer_a.pk,
        customer_a.pk,
    )
    assert row.actor == seat


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused_and_writes_nothing():
    customer = factories.CustomerFactory()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        timeline.record(subject=customer, kind="updated")
    assert not Activity.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_record_rolls_the_activity_back():
    customer = factories.CustomerFactory()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        timeline.record(subject=customer, kind="updated")
        1 / 0  # noqa: B018  (the change the row records fails after it)
    assert not Activity.objects.exists()


def test_a_model_that_is_no_subject_is_refused(db):
    skill = Skill.objects.create(code="x", name="x")
    with pytest.raises(LookupError), transaction.atomic():
        timeline.record(subject=skill, kind="updated")
    assert not Activity.objects.exists()


def test_explicit_subject_kind_needs_no_registration(db):
    with transaction.atomic():
        timeline.record(subject_kind="rma", subject_id=7, kind="created", customer_id=3)
    assert list(timeline.for_subject("rma", 7, include_internal=False).values_list("kind")) == [
        ("created",)
    ]


def test_internal_rows_are_read_only_when_asked_for(customer_a):
    with transaction.atomic():
        timeline.record(subject=customer_a, kind="comment", text="public")
        timeline.record(subject=customer_a, kind="comment", text="secret", internal=True)
    public = timeline.for_subject("customer", customer_a.pk, include_internal=False)
    everything = timeline.for_subject("customer", customer_a.pk, include_internal=True)
    assert [a.text for a in public] == ["public"]
    assert [a.text for a in everything] == ["public", "secret"]


def test_changes_between_keeps_changed_fields_old_to_new(customer_a, seat):
    before = timeline.snapshot(customer_a, ["name", "level", "service_manager"])
    customer_a.name, customer_a.service_manager = "华东电网", seat
    assert timeline.changes_between(before, customer_a) == {
        "name": ["华东电力集团", "华东电网"],
        "service_manager": [None, str(seat)],
    }


def test_kind_labels_come_from_the_subjects_app(customer_a):
    with transaction.atomic():
        row = timeline.record(subject=customer_a, kind="engineer_added")
    assert row.get_kind_display() == "Engineer made responsible"
