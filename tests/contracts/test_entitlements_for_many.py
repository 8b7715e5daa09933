"""entitlements_for (list pages) answers as entitlement_for does, asset by asset."""

from __future__ import annotations

import datetime as dt

from aftersales.contracts.entitlement import entitlement_for, entitlements_for
from tests import factories
from tests.contracts.conftest import make_contract

ON = dt.date(2026, 8, 1)


def one_by_one(assets) -> dict:
    return {a.pk: entitlement_for(asset=a, on=ON) for a in assets}


def test_named_project_and_uncovered_assets_answer_as_one_by_one(customer_a, customer_b):
    project = factories.ProjectFactory(customer=customer_a)
    named = factories.AssetFactory(customer=customer_a, accepted_on=dt.date(2020, 1, 1))
    by_project = factories.AssetFactory(customer=customer_a, project=project)
    bare = factories.AssetFactory(customer=customer_a, accepted_on=dt.date(2026, 1, 1))
    other = factories.AssetFactory(customer=customer_b, accepted_on=dt.date(2020, 1, 1))
    make_contract(customer_a, "HT-NAMED", assets=[named])
    make_contract(customer_a, "HT-PROJ", ends="2028-06-30", projects=[project])
    assets = [named, by_project, bare, other]
    assert entitlements_for(assets=assets, on=ON) == one_by_one(assets)
    assert entitlements_for(assets=assets, on=ON)[bare.pk].status == "in_warranty"


def test_whole_customer_contract_covers_every_asset_latest_end_first(customer_a):
    assets = [factories.AssetFactory(customer=customer_a) for _ in range(3)]
    make_contract(customer_a, "HT-EARLY", ends="2026-12-31")
    make_contract(customer_a, "HT-LATE", ends="2027-12-31")
    make_contract(customer_a, "HT-RETIRED", ends="2029-12-31", is_active=False)
    found = entitlements_for(assets=assets, on=ON)
    assert found == one_by_one(assets)
    assert {e.contract for e in found.values()} == {"HT-LATE"}


def test_no_assets_no_answers(db):
    assert entitlements_for(assets=[], on=ON) == {}
