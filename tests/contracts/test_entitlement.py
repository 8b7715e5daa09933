from __future__ import annotations

import datetime as dt

from aftersales.contracts.entitlement import entitlement_for
from aftersales.contracts.models import WarrantyTerm
from tests import factories
from tests.contracts.conftest import make_contract

D = dt.date.fromisoformat


def test_last_day_of_hardware_warranty_is_still_in_warranty(hardware_asset):
    ent = entitlement_for(asset=hardware_asset, on=D("2028-03-01"))
    assert ent.status == "in_warranty"
    assert ent.until == D("2028-03-01")
    assert "2028-03-01" in ent.reason


def test_day_after_the_warranty_is_out_of_warranty(hardware_asset):
    ent = entitlement_for(asset=hardware_asset, on=D("2028-03-02"))
    assert ent.status == "out_of_warranty"
    assert "2028-03-01" in ent.reason


def test_contract_starting_tomorrow_does_not_cover_today(hardware_asset, customer_a):
    make_contract(customer_a, starts="2028-06-02", ends="2029-06-01", assets=[hardware_asset])
    assert entitlement_for(asset=hardware_asset, on=D("2028-06-01")).status == "out_of_warranty"
    assert entitlement_for(asset=hardware_asset, on=D("2028-06-02")).status == "in_contract"


def test_contract_reason_names_number_service_level_and_end(hardware_asset, customer_a):
    make_contract(customer_a, "HT-2026-017", starts="2026-07-01", ends="2027-06-30")
    ent = entitlement_for(asset=hardware_asset, on=D("2026-07-01"))
    assert (ent.status, ent.service_level, ent.contract) == ("in_contract", "5x8", "HT-2026-017")
    assert ent.reason == "contract HT-2026-017 5×8 until 2027-06-30"


def test_renewed_contract_applies_from_its_first_day(hardware_asset, customer_a):
    old = make_contract(customer_a, "HT-OLD", starts="2027-07-01", ends="2028-06-30")
    make_contract(
        customer_a, "HT-NEW", starts="2028-07-01", ends="2029-06-30", level="7x24", renewed_from=old
    )
    assert entitlement_for(asset=hardware_asset, on=D("2028-06-30")).contract == "HT-OLD"
    ent = entitlement_for(asset=hardware_asset, on=D("2028-07-01"))
    assert (ent.contract, ent.service_level) == ("HT-NEW", "7x24")


def test_contract_covering_a_project_covers_its_assets(customer_a):
    project = factories.ProjectFactory(customer=customer_a)
    asset = factories.AssetFactory(customer=customer_a, project=project)
    make_contract(customer_a, "HT-P", projects=[project])
    assert entitlement_for(asset=asset, on=D("2026-08-01")).status == "in_contract"


def test_contract_naming_other_assets_does_not_cover_this_one(customer_a, hardware_asset):
    other = factories.AssetFactory(customer=customer_a)
    make_contract(customer_a, "HT-X", starts="2028-06-01", ends="2029-06-01", assets=[other])
    assert entitlement_for(asset=hardware_asset, on=D("2028-07-01")).status == "out_of_warranty"


def test_deactivated_contract_covers_nothing(customer_a, hardware_asset):
    make_contract(customer_a, "HT-OFF", starts="2028-06-01", ends="2029-06-01", is_active=False)
    assert entitlement_for(asset=hardware_asset, on=D("2028-07-01")).status == "out_of_warranty"


def test_asset_without_acceptance_date_is_paid_and_says_why(customer_a):
    asset = factories.AssetFactory(customer=customer_a, accepted_on=None)
    ent = entitlement_for(asset=asset, on=D("2026-08-01"))
    assert ent.status == "out_of_warranty"
    assert "acceptance" in ent.reason


def test_software_without_own_months_gets_the_12_month_default_term(customer_a):
    model = factories.ProductModelFactory(kind="software", warranty_months=36)
    asset = factories.AssetFactory(
        customer=customer_a, product_model=model, accepted_on=D("2026-01-10")
    )
    ent = entitlement_for(asset=asset, on=D("2026-08-01"))
    assert (ent.status, ent.until) == ("in_warranty", D("2027-01-09"))
    assert ent.reason == "software warranty until 2027-01-09"


def test_asset_own_warranty_months_win_over_the_term(customer_a):
    model = factories.ProductModelFactory(kind="software")
    asset = factories.AssetFactory(
        customer=customer_a, product_model=model, accepted_on=D("2026-01-10"), warranty_months=24
    )
    assert entitlement_for(asset=asset, on=D("2027-06-01")).until == D("2028-01-09")


def test_term_for_the_model_wins_over_the_term_for_its_kind(customer_a):
    model = factories.ProductModelFactory(kind="hardware")
    WarrantyTerm.objects.create(product_model=model, months=60)
    asset = factories.AssetFactory(
        customer=customer_a, product_model=model, accepted_on=D("2026-01-10")
    )
    assert entitlement_for(asset=asset, on=D("2026-02-01")).until == D("2031-01-09")


def test_term_counting_from_delivery_uses_the_installation_date(customer_a):
    model = factories.ProductModelFactory(kind="integration")
    WarrantyTerm.objects.filter(kind="integration").update(starts_from="delivery")
    asset = factories.AssetFactory(
        customer=customer_a,
        product_model=model,
        installed_on=D("2026-01-05"),
        accepted_on=D("2026-03-01"),
    )
    assert entitlement_for(asset=asset, on=D("2026-04-04")).until == D("2026-04-04")
    assert entitlement_for(asset=asset, on=D("2026-04-05")).status == "out_of_warranty"


def test_seeded_default_terms_follow_the_service_plans(db):
    terms = dict(WarrantyTerm.objects.filter(product_model=None).values_list("kind", "months"))
    assert terms == {"hardware": 36, "software": 12, "part": 3, "integration": 3}
    assert "liquid" in WarrantyTerm.objects.get(kind="hardware").exclusions
