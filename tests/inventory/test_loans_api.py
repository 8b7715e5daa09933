"""The loaner endpoints and pages: who may call them, what they answer, and bad input."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from aftersales.inventory import loans, services
from aftersales.inventory.models import Loan, StockLevel, StockMove

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    data = "" if body is None else json.dumps(body)
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def pool(keeper, serial_part, central):
    services.stock_receive(
        by=keeper, part=serial_part, warehouse=central, quantity=2, serials=["LN-1", "LN-2"]
    )
    for serial in ("LN-1", "LN-2"):
        loans.loaner_pool_set(by=keeper, part=serial_part, serial=serial)
    return serial_part


@pytest.fixture
def loan_a(keeper, pool, customer_a):
    return loans.loan_lend(
        by=keeper, serial="LN-1", customer=customer_a, ref_kind="rma", ref="RMA-A-1"
    )


def test_keeper_lends_a_loaner(api_as, keeper, pool, customer_a, central):
    body = {"serial": "LN-2", "customer": customer_a.code, "ref_kind": "repair", "ref": "WX-9"}
    response = _post(api_as(keeper), "/api/v1/loans", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["serial"], data["customer"], data["ref"], data["open"]) == (
        "LN-2",
        customer_a.code,
        "WX-9",
        True,
    )
    assert StockLevel.objects.get(part=pool, warehouse=central).on_hand == 1


def test_rma_admin_takes_a_loaner_back_damaged(api_as, rma_admin, loan_a, pool, central):
    response = _post(
        api_as(rma_admin), f"/api/v1/loans/{loan_a.pk}/return", {"condition": "damaged"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["condition"] == "damaged" and response.json()["open"] is False
    level = StockLevel.objects.get(part=pool, warehouse=central)
    assert (level.on_hand, level.faulty) == (1, 1)


def test_a_return_without_a_body_is_a_good_return(api_as, keeper, loan_a):
    response = _post(api_as(keeper), f"/api/v1/loans/{loan_a.pk}/return")
    assert response.status_code == 200 and response.json()["condition"] == "good"


def test_lending_a_lent_unit_is_409_with_nothing_written(api_as, keeper, loan_a, customer_b):
    moves = StockMove.objects.count()
    response = _post(
        api_as(keeper), "/api/v1/loans", {"serial": "LN-1", "customer": customer_b.code}
    )
    assert response.status_code == 409
    assert Loan.objects.count() == 1 and StockMove.objects.count() == moves


def test_a_bad_serial_is_422_naming_serial(api_as, keeper, pool, customer_a):
    response = _post(
        api_as(keeper), "/api/v1/loans", {"serial": "X-404", "customer": customer_a.code}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "serial" and not Loan.objects.exists()


def test_an_unknown_customer_is_422_naming_customer(api_as, keeper, pool):
    response = _post(api_as(keeper), "/api/v1/loans", {"serial": "LN-2", "customer": "KH-NONE"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "customer"


def test_a_bad_condition_is_422_naming_condition(api_as, keeper, loan_a):
    response = _post(api_as(keeper), f"/api/v1/loans/{loan_a.pk}/return", {"condition": "lost"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "condition"
    assert Loan.objects.get().returned_at is None


def test_an_engineer_may_not_lend_403(api_as, engineer, pool, customer_a):
    response = _post(
        api_as(engineer), "/api/v1/loans", {"serial": "LN-2", "customer": customer_a.code}
    )
    assert response.status_code == 403 and not Loan.objects.exists()


def test_an_engineer_may_not_take_back_403(api_as, engineer, loan_a):
    assert _post(api_as(engineer), f"/api/v1/loans/{loan_a.pk}/return").status_code == 403
    assert Loan.objects.get().returned_at is None


def test_a_contact_reads_their_own_loans(api_as, contact_a, loan_a):
    client = api_as(contact_a.user)
    listing = client.get("/api/v1/loans")
    assert listing.status_code == 200 and [i["id"] for i in listing.json()["items"]] == [loan_a.pk]
    assert client.get(f"/api/v1/loans/{loan_a.pk}").json()["ref"] == "RMA-A-1"


def test_a_contact_may_not_lend_or_return(api_as, contact_a, loan_a, customer_a):
    client = api_as(contact_a.user)
    assert (
        _post(client, "/api/v1/loans", {"serial": "LN-2", "customer": customer_a.code}).status_code
        == 404
    )
    assert _post(client, f"/api/v1/loans/{loan_a.pk}/return").status_code == 404
    assert Loan.objects.get().returned_at is None


def test_another_customers_contact_gets_404_and_an_empty_list(api_as, contact_b, loan_a):
    client = api_as(contact_b.user)
    assert client.get(f"/api/v1/loans/{loan_a.pk}").status_code == 404
    assert client.get("/api/v1/loans").json()["items"] == []


def test_the_list_filters_open_loans_and_customer(api_as, manager, keeper, loan_a, customer_b):
    other = loans.loan_lend(by=keeper, serial="LN-2", customer=customer_b)
    loans.loan_return(loan=other, by=keeper)
    client = api_as(manager)
    assert [i["id"] for i in client.get("/api/v1/loans?open=true").json()["items"]] == [loan_a.pk]
    by_customer = client.get(f"/api/v1/loans?customer={customer_b.code}").json()
    assert [i["id"] for i in by_customer["items"]] == [other.pk] and by_customer["count"] == 1


# --- pages ---


def test_the_console_lists_loans_and_lends_through_the_form(client, keeper, loan_a, customer_b):
    client.force_login(keeper)
    page = client.get(reverse("inventory:loan_list"), {"q": "LN-1"})
    assert page.status_code == 200 and "RMA-A-1" in page.content.decode()
    response = client.post(
        reverse("inventory:loan_new"),
        {"serial": "LN-2", "customer": customer_b.code, "ref_kind": "case", "ref": "C-1"},
    )
    assert response.status_code == 302
    assert Loan.objects.filter(customer=customer_b, ref="C-1").exists()


def test_the_console_form_names_a_bad_serial(client, keeper, pool, customer_b):
    client.force_login(keeper)
    response = client.post(
        reverse("inventory:loan_new"), {"serial": "NOPE", "customer": customer_b.code}
    )
    assert response.status_code == 422 and response.context["form"].errors["serial"]


def test_the_console_return_form_takes_the_loaner_back(client, keeper, loan_a):
    client.force_login(keeper)
    response = client.post(
        reverse("inventory:loan_return", args=[loan_a.pk]), {"condition": "good"}
    )
    assert response.status_code == 302 and Loan.objects.get().condition == "good"


def test_an_engineer_reads_but_may_not_open_the_lend_form(client, engineer, loan_a):
    client.force_login(engineer)
    assert client.get(reverse("inventory:loan_list")).status_code == 200
    assert client.get(reverse("inventory:loan_new")).status_code == 403


def test_the_portal_shows_the_contact_their_loaners(client, contact_a, loan_a):
    client.force_login(contact_a.user)
    page = client.get(reverse("portal:loaner_list")).content.decode()
    assert "LN-1" in page and "RMA-A-1" in page


def test_another_contact_does_not_see_them_on_the_portal(client, contact_b, loan_a):
    client.force_login(contact_b.user)
    assert "LN-1" not in client.get(reverse("portal:loaner_list")).content.decode()


def test_staff_do_not_use_the_portal_loaners_page(client, keeper):
    client.force_login(keeper)
    assert client.get(reverse("portal:loaner_list")).status_code == 404


def test_an_id_no_row_can_have_is_404(api_as, keeper):
    client = api_as(keeper)
    assert client.get(f"/api/v1/loans/{2**70}").status_code == 404
    assert _post(client, f"/api/v1/loans/{2**64}/return").status_code == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"serial": 5, "customer": "KH-A001"}, {"serial": "x" * 81, "customer": "KH-A001"}, []],
)
def test_a_malformed_body_is_422(api_as, keeper, pool, customer_a, body):
    response = _post(api_as(keeper), "/api/v1/loans", body)
    assert response.status_code == 422 and not Loan.objects.exists()


def test_a_bad_open_filter_is_422(api_as, keeper):
    assert api_as(keeper).get("/api/v1/loans?open=maybe").status_code == 422


@pytest.fixture
def unit_in_stock(keeper, serial_part, central):
    services.stock_receive(
        by=keeper, part=serial_part, warehouse=central, quantity=1, serials=["LN-9"]
    )
    return serial_part


def test_a_keeper_puts_a_unit_in_stock_into_the_loaner_pool(api_as, keeper, unit_in_stock):
    body = {"part_number": "PN-CTL-01", "serial": "LN-9"}
    response = _post(api_as(keeper), "/api/v1/loaners", body)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "part_number": "PN-CTL-01",
        "serial": "LN-9",
        "loaner": True,
        "state": "in_stock",
        "warehouse": "WH-CN",
    }
    out = _post(api_as(keeper), "/api/v1/loaners", {**body, "loaner": False})
    assert out.json()["loaner"] is False


def test_the_loaner_pool_refuses_an_unknown_part_naming_part_number(api_as, keeper, unit_in_stock):
    response = _post(api_as(keeper), "/api/v1/loaners", {"part_number": "NOPE", "serial": "LN-9"})
    assert response.status_code == 422
    assert "part_number" in response.content.decode()


def test_an_engineer_may_not_change_the_loaner_pool(api_as, unit_in_stock):
    from aftersales.inventory.models import SerialUnit
    from tests import factories

    engineer = factories.staff_user("eng_pool", role="engineer")
    body = {"part_number": "PN-CTL-01", "serial": "LN-9"}
    assert _post(api_as(engineer), "/api/v1/loaners", body).status_code == 403
    assert SerialUnit.objects.get(serial="LN-9").is_loaner is False


def test_the_console_puts_a_unit_into_the_loaner_pool(client, keeper, unit_in_stock):
    from aftersales.inventory.models import SerialUnit

    client.force_login(keeper)
    url = reverse("inventory:loaner_pool")
    assert client.get(url).status_code == 200
    response = client.post(url, {"part_number": "PN-CTL-01", "serial": "LN-9", "loaner": "1"})
    assert response.status_code == 302
    assert SerialUnit.objects.get(serial="LN-9").is_loaner is True
