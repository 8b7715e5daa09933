"""The case list and the case page cost a fixed number of queries, however many rows they show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.cases import services
from tests import factories

pytestmark = pytest.mark.django_db


def _busy_cases(n, *, seat, engineer, expert, customer, contact):
    """Cases with everything the list shows: contact, vendor, assignee, participants, approvals."""
    vendor = factories.VendorFactory()
    cases = []
    for i in range(n):
        case = services.case_create(
            by=seat,
            customer=customer,
            contact=contact,
            title=f"交换机故障{i}",
            priority="P2",
            case_type="fault",
            channel="phone",
            vendor=vendor,
            is_major=i % 3 == 0,
        )
        if case.is_major:
            services.case_record_approval(
                case=case,
                by=seat,
                approver="王经理",
                decision="approved",
                decided_on=dt.date(2026, 11, 2),
            )
        case = services.case_assign(case=case, engineer=engineer, by=seat)
        case.participants.add(expert)
        services.case_comment(case=case, by=engineer, text=f"进展{i}", internal=i % 2 == 0)
        cases.append(case)
    return cases


@pytest.fixture
def expert(db):
    return factories.staff_user("expert", role="expert")


def _list_queries(api, n_cases, **kwargs) -> int:
    api.get("/api/v1/cases", {"limit": 1})  # once-per-token work (last use) stays out
    with CaptureQueriesContext(connection) as ctx:
        response = api.get("/api/v1/cases", {"limit": 50, **kwargs})
    assert response.status_code == 200
    assert response.json()["count"] == n_cases
    return len(ctx.captured_queries)


def test_case_list_queries_do_not_grow_with_rows(
    api_as, seat, engineer, expert, customer_a, contact_a
):
    kwargs = dict(seat=seat, engineer=engineer, expert=expert, customer=customer_a)
    _busy_cases(3, contact=contact_a, **kwargs)
    api = api_as(seat)
    few = _list_queries(api, 3)
    _busy_cases(12, contact=contact_a, **kwargs)
    assert _list_queries(api, 15) == few
    # token, permissions (2), count, page, participants, approvals, the user's contact and
    # role: per request, never per row (headroom of one for per-request checks to come)
    assert few <= 10


def test_case_search_queries_do_not_grow_with_rows(
    api_as, seat, engineer, expert, customer_a, contact_a
):
    kwargs = dict(seat=seat, engineer=engineer, expert=expert, customer=customer_a)
    _busy_cases(3, contact=contact_a, **kwargs)
    api = api_as(seat)
    few = _list_queries(api, 3, q="交换机")
    _busy_cases(12, contact=contact_a, **kwargs)
    assert _list_queries(api, 15, q="交换机") == few
    assert few <= 10


def test_customer_case_list_queries_do_not_grow_with_rows(
    api_as, seat, engineer, expert, customer_a, contact_a
):
    kwargs = dict(seat=seat, engineer=engineer, expert=expert, customer=customer_a)
    _busy_cases(3, contact=contact_a, **kwargs)
    api = api_as(contact_a.user)
    few = _list_queries(api, 3)
    _busy_cases(12, contact=contact_a, **kwargs)
    assert _list_queries(api, 15) == few


def test_case_page_queries_do_not_grow_with_its_history(
    api_as, seat, engineer, expert, customer_a, contact_a, django_assert_max_num_queries
):
    (case,) = _busy_cases(
        1, seat=seat, engineer=engineer, expert=expert, customer=customer_a, contact=contact_a
    )
    for n in range(20):
        services.case_comment(case=case, by=engineer, text=f"补充{n}", internal=n % 2 == 0)
    api = api_as(seat)
    api.get(f"/api/v1/cases/{case.number}")
    # token, permissions (2), case, participants, the user's contact and role, the assignee,
    # approvals, activities (with their actors): never one per activity
    with django_assert_max_num_queries(11):
        response = api.get(f"/api/v1/cases/{case.number}")
    assert len(response.json()["activities"]) > 20


def _create_queries(api, customer, title) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(
            "/api/v1/cases",
            {"customer": customer.code, "title": title, "priority": "P2"},
            content_type="application/json",
        )
    assert response.status_code == 201
    return [q["sql"] for q in ctx.captured_queries]


def test_opening_a_case_through_the_api_costs_a_fixed_number_of_queries(api_as, seat, customer_a):
    api = api_as(seat)
    _create_queries(api, customer_a, "交换机故障")  # the first reads configuration
    # 14, and the knowledge base's index in the same transaction: its document, the words
    # (read, new ones added), their df, the postings; PostgreSQL locks the words first (7).
    assert len(_create_queries(api, customer_a, "路由器故障")) <= 21


def test_opening_a_case_reads_case_types_and_sla_rules_once_per_process(api_as, seat, customer_a):
    api = api_as(seat)
    _create_queries(api, customer_a, "交换机故障")
    later = " ".join(_create_queries(api, customer_a, "路由器故障"))
    for table in ("cases_casetype", "sla_slapolicy", "sla_slatarget", "sla_escalationrule"):
        assert f'FROM "{table}"' not in later
