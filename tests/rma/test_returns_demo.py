"""The demo loader adds returns in different steps."""

from __future__ import annotations

import pytest

from aftersales.registry import demo
from aftersales.rma.models import ReturnRequest

pytestmark = pytest.mark.django_db


def test_the_demo_has_returns_in_different_states():
    demo.load(customers=2, cases=4)
    statuses = set(ReturnRequest.objects.values_list("status", flat=True))
    assert {"requested", "refunded", "rejected", "exchanged"} <= statuses
