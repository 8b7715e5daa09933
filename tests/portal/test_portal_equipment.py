from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.contracts.conftest import make_contract

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 6, 1, 10, 0)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def equipment(user, **params) -> str:
    return login(user).get(reverse("portal:equipment_list"), params).content.decode()


def asset(customer, serial: str, **fields):
    return factories.AssetFactory(customer=customer, serial_number=serial, **fields)


def state_of(html: str, serial: str) -> str:
    row = re.search(rf"{serial}<.*?data-state=\"(\w+)\"", html, re.S)
    return row.group(1) if row else ""


def test_equipment_lists_the_organisations_active_assets(contact_a, customer_a):
    asset(customer_a, "SN-OURS-1")
    asset(customer_a, "SN-RETIRED", is_active=False)
    html = equipment(contact_a.user)
    assert "SN-OURS-1" in html and "SN-RETIRED" not in html


def test_equipment_of_another_customer_is_never_listed(contact_a, customer_a, customer_b):
    asset(customer_b, "SN-THEIRS")
    assert "SN-THEIRS" not in equipment(contact_a.user)
    assert "SN-THEIRS" not in equipment(contact_a.user, q="SN-THE")


def test_equipment_search_matches_serial_number(contact_a, customer_a):
    asset(customer_a, "SN-ALPHA")
    asset(customer_a, "SN-BRAVO")
    html = equipment(contact_a.user, q="alpha")
    assert "SN-ALPHA" in html and "SN-BRAVO" not in html


def test_equipment_search_matches_model_name(contact_a, customer_a):
    asset(customer_a, "SN-1", product_model=factories.ProductModelFactory(name="OceanStor"))
    asset(customer_a, "SN-2", product_model=factories.ProductModelFactory(name="PowerEdge"))
    html = equipment(contact_a.user, q="oceanstor")
    assert "SN-1" in html and "SN-2" not in html


def test_equipment_search_too_long_is_ignored(contact_a, customer_a):
    asset(customer_a, "SN-OURS-1")
    response = login(contact_a.user).get(reverse("portal:equipment_list"), {"q": "x" * 5000})
    assert response.status_code == 200 and "SN-OURS-1" in response.content.decode()


def test_equipment_shows_warranty_contract_and_out_of_warranty(contact_a, customer_a):
    asset(customer_a, "SN-WARR", accepted_on=dt.date(2026, 1, 1), warranty_months=12)
    asset(customer_a, "SN-OLD", accepted_on=dt.date(2020, 1, 1), warranty_months=12)
    covered = asset(customer_a, "SN-CONTR", accepted_on=dt.date(2020, 1, 1), warranty_months=12)
    make_contract(customer_a, "HT-EQ", starts="2026-01-01", ends="2026-12-31", assets=[covered])
    html = equipment(contact_a.user)
    assert state_of(html, "SN-WARR") == "in_warranty"
    assert state_of(html, "SN-OLD") == "out_of_warranty"
    assert state_of(html, "SN-CONTR") == "in_contract" and "HT-EQ" in html
    assert "2026-12-31" in html  # SN-WARR's warranty ends


def test_equipment_page_queries_do_not_grow_with_its_rows(contact_a, customer_a):
    make_contract(customer_a, "HT-ALL", starts="2026-01-01", ends="2026-12-31")
    model = factories.ProductModelFactory()
    client = login(contact_a.user)
    counts = []
    for n in (2, 12):
        for i in range(len(counts) * 2, n):
            asset(customer_a, f"SN-Q{i:03d}", product_model=model)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("portal:equipment_list"))
        counts.append(len(queries))
    assert counts[1] <= counts[0]


def test_equipment_row_links_to_report_a_problem_for_its_serial(contact_a, customer_a):
    asset(customer_a, "SN-OURS-1")
    assert f"{reverse('portal:case_new')}?serial_number=SN-OURS-1" in equipment(contact_a.user)


def test_report_a_problem_preselects_the_named_asset(contact_a, customer_a):
    asset(customer_a, "SN-OURS-1")
    url = reverse("portal:case_new")
    html = login(contact_a.user).get(url, {"serial_number": "SN-OURS-1"}).content.decode()
    assert re.search(r'<option value="SN-OURS-1"[^>]*selected', html)


def test_report_a_problem_ignores_an_asset_of_another_customer(contact_a, customer_b):
    asset(customer_b, "SN-THEIRS")
    url = reverse("portal:case_new")
    response = login(contact_a.user).get(url, {"serial_number": "SN-THEIRS"})
    assert response.status_code == 200
    assert '<option value="SN-THEIRS"' not in response.content.decode()


def test_staff_get_404_on_the_equipment_page(seat, customer_a):
    asset(customer_a, "SN-OURS-1")
    assert login(seat).get(reverse("portal:equipment_list")).status_code == 404


def test_anonymous_visitor_is_sent_to_login():
    response = Client().get(reverse("portal:equipment_list"))
    assert response.status_code == 302 and "login" in response["Location"]
