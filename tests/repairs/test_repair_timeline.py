"""Repair orders keep their history on the one timeline (subject kind "repair")."""

from __future__ import annotations

from aftersales.core.models import Activity
from aftersales.repairs.models import RepairOrder
from tests.repairs.test_repair_flow_api import create


def test_opening_a_repair_writes_one_row_the_api_and_page_show(client, api_as, engineer, paid_case):
    staff = api_as(engineer)
    before = Activity.objects.count()
    order = RepairOrder.objects.get(pk=create(staff, paid_case).json()["id"])
    row = Activity.objects.of(order).get()
    assert Activity.objects.count() == before + 1
    assert (row.kind, row.actor, row.customer_id) == ("created", engineer, order.customer_id)
    events = staff.get(f"/api/v1/repairs/{order.pk}").json()["events"]
    assert [e["kind"] for e in events] == ["created"]
    client.force_login(engineer)
    assert "Repair order opened" in client.get(f"/repairs/{order.pk}/").content.decode()
