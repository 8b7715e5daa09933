"""The case queue exported as CSV and XLSX: the list's filters, its access, bounded queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.cases import export, services
from tests import factories

pytestmark = pytest.mark.django_db
API = "/api/v1/cases/export"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_case(seat, customer, title="磁盘阵列告警", priority="P3"):
    return services.case_create(by=seat, customer=customer, title=title, priority=priority)


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(book.active.iter_rows(values_only=True))


def test_console_csv_keeps_the_queue_filter(seat, customer_a, new_case):
    other = open_case(seat, customer_a, title="打印机卡纸", priority="P4")
    url = reverse("cases:export", args=["csv"])
    response = login(seat).get(url, {"priority": "P1", "tab": "all"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0][0] == str(export.HEADER[0])
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [new_case.number] and other.number not in numbers
    assert rows[1][3] == customer_a.name


@pytest.mark.translations
@pytest.mark.parametrize(("language", "status"), [("zh-hans", "新建"), ("en", "New")])
def test_console_csv_shows_status_in_the_users_language(seat, new_case, language, status):
    seat.language = language
    seat.save(update_fields=["language"])
    rows = read_csv(login(seat).get(reverse("cases:export", args=["csv"]), {"tab": "all"}))
    assert rows[1][4] == status


def test_console_xlsx_opens_with_the_rows(seat, customer_a, new_case):
    response = login(seat).get(reverse("cases:export", args=["xlsx"]), {"q": "交换机"})
    assert response.status_code == 200
    rows = read_xlsx(response)
    assert len(rows) == 2
    assert rows[1][0] == new_case.number and rows[1][2] == customer_a.code
    # The next due promise (the response) as a date cell, with its state.
    assert rows[1][9] is not None and rows[1][10] == "Response: on time"


def test_unknown_console_format_is_not_found(seat, new_case):
    assert login(seat).get(reverse("cases:export", args=["pdf"])).status_code == 404


def test_customer_contact_cannot_reach_the_console_export(contact_a, new_case):
    response = login(contact_a.user).get(reverse("cases:export", args=["csv"]))
    assert response.status_code in (403, 404)


def test_api_csv_filtered_by_customer_never_holds_another_customers_case(
    api_as, seat, customer_a, customer_b, new_case
):
    theirs = open_case(seat, customer_b, title="网银前置机宕机")
    response = api_as(seat).get(API, {"customer": customer_a.code})
    assert response.status_code == 200
    numbers = [r[0] for r in read_csv(response)[1:]]
    assert numbers == [new_case.number] and theirs.number not in numbers


def test_api_xlsx_has_the_rows(api_as, seat, customer_a, new_case):
    response = api_as(seat).get(API, {"format": "xlsx", "priority": "P1"})
    assert response.status_code == 200
    rows = read_xlsx(response)
    assert [r[0] for r in rows[1:]] == [new_case.number]


def test_api_bad_format_is_refused_naming_format(api_as, seat, new_case):
    response = api_as(seat).get(API, {"format": "pdf"})
    assert response.status_code == 422
    assert "format" in response.content.decode()


def test_api_export_is_refused_to_a_customer_contact(api_as, contact_a, new_case):
    response = api_as(contact_a.user).get(API)
    assert response.status_code in (403, 404)
    assert new_case.number not in response.content.decode()


def test_api_export_is_refused_to_a_contact_of_another_customer(api_as, contact_b, new_case):
    response = api_as(contact_b.user).get(API, {"customer": new_case.customer.code})
    assert response.status_code in (403, 404)
    assert new_case.number not in response.content.decode()


def test_formula_like_titles_are_written_as_text(api_as, seat, customer_a):
    open_case(seat, customer_a, title="=HYPERLINK(1)")
    rows = read_csv(api_as(seat).get(API))
    assert rows[1][1] == "'=HYPERLINK(1)"


def _export_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        b"".join(client.get(url, {"tab": "all"}).streaming_content)
    return len(ctx.captured_queries)


def test_export_queries_do_not_grow_with_rows(seat, customer_a):
    engineer = factories.staff_user("engineer_x", role="engineer")
    client = login(seat)
    url = reverse("cases:export", args=["csv"])
    for _ in range(2):
        services.case_assign(case=open_case(seat, customer_a), engineer=engineer, by=seat)
    few = _export_queries(client, url)
    for _ in range(6):
        services.case_assign(case=open_case(seat, customer_a), engineer=engineer, by=seat)
    assert _export_queries(client, url) == few


def test_export_stops_at_the_cap_and_says_so(monkeypatch, api_as, seat, customer_a):
    monkeypatch.setattr(export, "CASE_EXPORT_CAP", 2)
    for _ in range(3):
        open_case(seat, customer_a)
    response = api_as(seat).get(API)
    rows = read_csv(response)
    assert len(rows) == 4 and rows[-1][0] == str(export.TRUNCATED % {"cap": "2"})


def test_an_overdue_promise_is_exported_as_overdue(seat, new_case):
    later = new_case.response_due_at + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        rows = read_csv(login(seat).get(reverse("cases:export", args=["csv"]), {"tab": "all"}))
    assert rows[1][10] == "Response: overdue"
