"""The demo loader adds deliveries in every stage, one waiting for its fix, one accepted."""

from __future__ import annotations

import pytest

from aftersales.fieldservice.models import Delivery
from aftersales.registry import demo
from aftersales.registry.models import Asset

pytestmark = pytest.mark.django_db


def test_the_demo_has_deliveries_in_every_stage_and_one_accepted_with_assets():
    result = demo.load(customers=2, cases=4)
    pairs = set(Delivery.objects.values_list("stage", "status"))
    assert {("initial", "open"), ("professional", "open"), ("final", "open")} <= pairs, (
        pairs,
        result.notes,
    )
    assert {("professional", "waiting_fix"), ("accepted", "accepted")} <= pairs, result.notes
    accepted = Delivery.objects.get(status="accepted")
    serials = accepted.items.values_list("serial_number", flat=True)
    assert (
        Asset.objects.filter(serial_number__in=serials, accepted_on=accepted.accepted_on).count()
        == 2
    )
