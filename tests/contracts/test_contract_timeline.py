"""Contract changes are audited on the one timeline: who changed a contract's value, when."""

from __future__ import annotations

import pytest

from aftersales.contracts import services
from aftersales.core.errors import Forbidden
from aftersales.core.models import Activity
from tests.contracts.conftest import make_contract


def test_value_change_is_recorded_old_to_new_with_who(customer_a, seat):
    contract = make_contract(customer_a)
    services.contract_update(by=seat, contract=contract, value="150000.00")
    row = Activity.objects.of(contract).get()
    assert (row.kind, row.actor, row.internal) == ("updated", seat, True)
    assert row.changes == {"value": ["100000.00", "150000.00"]}


def test_refused_contract_update_writes_no_activity(customer_a, engineer):
    contract = make_contract(customer_a)
    with pytest.raises(Forbidden) as refused:
        services.contract_update(by=engineer, contract=contract, value="1.00")
    assert refused.value.message == services.NOT_ALLOWED
    assert not Activity.objects.exists()


def test_renewal_is_recorded_on_the_new_contract(customer_a, seat):
    contract = make_contract(customer_a)
    renewal = services.contract_renew(by=seat, contract=contract, number="HT-2027-001")
    assert Activity.objects.of(renewal).get().kind == "renewed"


def test_contract_page_shows_its_history_to_staff(client, customer_a, seat):
    contract = make_contract(customer_a, number="HT-1")
    services.contract_update(by=seat, contract=contract, value="150000.00")
    client.force_login(seat)
    page = client.get("/contracts/HT-1/").content.decode()
    assert 'id="history"' in page and "100000.00 → 150000.00" in page
