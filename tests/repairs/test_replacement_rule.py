from __future__ import annotations

import datetime as dt

import time_machine

from aftersales.repairs import services
from tests.repairs.conftest import open_case


def repaired(seat, engineer, customer, contact, serial, when, *, fault="power", text="无法开机"):
    """A repair of the asset for a fault, tested and verified on `when`."""
    with time_machine.travel(dt.datetime.fromisoformat(f"{when}T10:00:00+08:00"), tick=False):
        case = open_case(seat, engineer, customer, contact, serial)
        order = services.repair_create(
            by=engineer, case=case, service_mode="onsite", fault_category=fault, fault_text=text
        )
        services.repair_start(by=engineer, order=order)
        services.repair_verify(by=engineer, order=order, test_results="正常")
    return order


def third(seat, engineer, customer, contact, serial, *, fault="power", text="无法开机"):
    case = open_case(seat, engineer, customer, contact, serial)
    return services.repair_create(
        by=engineer, case=case, service_mode="onsite", fault_category=fault, fault_text=text
    )


def test_third_report_of_the_same_fault_proposes_replacement_and_says_why(
    seat, engineer, customer_a, contact_a, new_asset
):
    repaired(seat, engineer, customer_a, contact_a, "SN-NEW-1", "2026-03-01")
    repaired(seat, engineer, customer_a, contact_a, "SN-NEW-1", "2026-07-12")
    order = third(seat, engineer, customer_a, contact_a, "SN-NEW-1")
    assert order.replacement_proposed and order.decision == "swap_device"
    assert order.replacement_reason.startswith(
        "SN-NEW-1 repaired for “电源故障” on 2026-03-01 and 2026-07-12"
    )
    assert new_asset.product_model.name in order.replacement_reason


def test_a_second_report_does_not_propose_replacement(
    seat, engineer, customer_a, contact_a, new_asset
):
    repaired(seat, engineer, customer_a, contact_a, "SN-NEW-1", "2026-03-01")
    assert not third(seat, engineer, customer_a, contact_a, "SN-NEW-1").replacement_proposed


def test_different_faults_do_not_add_up(seat, engineer, customer_a, contact_a, new_asset):
    repaired(seat, engineer, customer_a, contact_a, "SN-NEW-1", "2026-03-01")
    repaired(seat, engineer, customer_a, contact_a, "SN-NEW-1", "2026-07-12", fault="disk")
    assert not third(seat, engineer, customer_a, contact_a, "SN-NEW-1").replacement_proposed


def test_catch_all_category_counts_only_the_same_fault_text(
    seat, engineer, customer_a, contact_a, new_asset
):
    repaired(
        seat, engineer, customer_a, contact_a, "SN-NEW-1", "2026-03-01", fault="other", text="异响 "
    )
    repaired(
        seat,
        engineer,
        customer_a,
        contact_a,
        "SN-NEW-1",
        "2026-05-01",
        fault="other",
        text="屏幕闪烁",
    )
    assert not third(
        seat, engineer, customer_a, contact_a, "SN-NEW-1", fault="other", text="异响"
    ).replacement_proposed
    repaired(
        seat, engineer, customer_a, contact_a, "SN-NEW-1", "2026-06-01", fault="other", text="异响!"
    )
    assert third(
        seat, engineer, customer_a, contact_a, "SN-NEW-1", fault="other", text="异 响"
    ).replacement_proposed


def test_the_seat_sees_why_on_the_repair_page(
    seat, engineer, customer_a, contact_a, new_asset, client
):
    repaired(seat, engineer, customer_a, contact_a, "SN-NEW-1", "2026-03-01")
    repaired(seat, engineer, customer_a, contact_a, "SN-NEW-1", "2026-07-12")
    order = third(seat, engineer, customer_a, contact_a, "SN-NEW-1")
    seat.language = "en"
    seat.save(update_fields=["language"])
    client.force_login(seat)
    html = client.get(f"/repairs/{order.pk}/").content.decode()
    assert "Replacement proposed" in html and "2026-07-12" in html
