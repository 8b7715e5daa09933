"""Registry writes are audited on the one timeline: who changed what, old → new (rule 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.core.errors import Invalid
from aftersales.core.models import Activity
from aftersales.registry import services
from tests import factories
from tests.registry.data import CUSTOMER_HEADERS, commit, csv_upload, inline_in_english, preview


def test_customer_update_records_who_changed_what_old_to_new(customer_a, seat):
    services.customer_update(
        customer=customer_a, code="KH-A001", name="华东电网", region=customer_a.region, by=seat
    )
    row = Activity.objects.of(customer_a).get()
    assert (row.kind, row.actor, row.internal) == ("updated", seat, True)
    assert row.changes == {"name": ["华东电力集团", "华东电网"]}


def test_refused_customer_update_writes_no_activity(customer_a, customer_b, seat):
    with pytest.raises(Invalid) as refused:
        services.customer_update(customer=customer_a, code="kh-b001", name="x", by=seat)
    assert refused.value.message == services.CODE_TAKEN
    assert not Activity.objects.exists()


def test_customer_create_writes_exactly_one_row(seat):
    customer = services.customer_register(code="KH-C001", name="东北钢铁", notes="x", by=seat)
    assert list(Activity.objects.values_list("subject_kind", "subject_id", "kind")) == [
        ("customer", customer.pk, "created")
    ]


def test_who_made_an_engineer_responsible_is_on_the_customers_history(customer_a, seat):
    engineer = factories.EngineerFactory()
    services.engineer_responsibility_add(engineer=engineer, customer=customer_a, by=seat)
    row = Activity.objects.of(customer_a).get()
    assert (row.kind, row.actor, row.text) == ("engineer_added", seat, str(engineer))


def test_engineer_update_tells_each_customer_gained_or_lost(customer_a, customer_b, seat):
    engineer = factories.EngineerFactory()
    engineer.customers.add(customer_a)
    services.engineer_update(engineer=engineer, name=engineer.name, customers=[customer_b], by=seat)
    assert Activity.objects.of(customer_a).get().kind == "engineer_removed"
    assert Activity.objects.of(customer_b).get().kind == "engineer_added"
    assert Activity.objects.of(engineer).get().changes["customers"] == [
        [str(customer_a)],
        [str(customer_b)],
    ]


def test_deactivating_a_contact_records_who(contact_a, seat):
    services.deactivate(obj=contact_a, by=seat)
    row = Activity.objects.of(contact_a).get()
    assert (row.kind, row.actor, row.customer_id) == ("deactivated", seat, contact_a.customer_id)


def test_customer_page_shows_its_history_to_staff(client, customer_a, seat):
    services.customer_update(customer=customer_a, code="KH-A001", name="华东电网", by=seat)
    client.force_login(seat)
    page = client.get(reverse("registry:customer_detail", args=[customer_a.pk])).content.decode()
    assert 'id="history"' in page and "华东电力集团 → 华东电网" in page


def test_an_import_records_each_row_written_with_the_uploader(seat):
    factories.CustomerFactory(code="KH-901", name="四川农信", region="西南", level="b")
    rows = [
        CUSTOMER_HEADERS,
        ["KH-900", "江苏移动", "华东", "南京市鼓楼区中山北路1号", "VIP"],
        ["KH-901", "四川农村信用社", "西南", "", "b"],
    ]
    with inline_in_english():
        commit(seat, preview(seat, "customers", csv_upload(rows)))
    created, updated = Activity.objects.filter(actor=seat).order_by("kind")
    assert (created.kind, created.text, created.data) == ("created", "KH-900", {"import": True})
    assert updated.changes["name"] == ["四川农信", "四川农村信用社"]
