"""registry.lookup.lookup_for_user: bounded, indexed queries whatever the registry's size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.registry.lookup import lookup_for_user, section_providers
from aftersales.registry.models import Customer, MemberSide, ProjectMember
from tests.factories import (
    AssetFactory,
    ContactFactory,
    CustomerFactory,
    EngineerFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

# Tables that grow with the customer base; lookups must reach them through an index.
LARGE_TABLES = ("registry_customer", "registry_contact", "registry_asset", "registry_project")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Dozens of engineer logins per test: Argon2 would make these tests take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def customer_with(code, *, phone, serial, scale):
    """A customer whose contacts, equipment, projects and engineers all grow with scale."""
    customer = CustomerFactory(code=code)
    ContactFactory.create_batch(10 * scale, customer=customer)
    ContactFactory(customer=customer, phone=phone)
    parent = AssetFactory(customer=customer, serial_number=serial)
    AssetFactory.create_batch(60 * scale, customer=customer, parent=parent)
    for project in ProjectFactory.create_batch(2 * scale, customer=customer):
        engineer = EngineerFactory()
        ProjectMember.objects.create(project=project, side=MemberSide.OURS, user=engineer.user)
        contact = ContactFactory(customer=customer)
        ProjectMember.objects.create(project=project, side=MemberSide.CUSTOMER, contact=contact)
    for engineer in EngineerFactory.create_batch(2 * scale):
        engineer.customers.add(customer)
    return customer


def count_queries(user, q):
    with CaptureQueriesContext(connection) as ctx:
        result = lookup_for_user(user=user, q=q)
    assert result.customer is not None
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("small_q", "big_q"),
    [("KH-SMALL", "KH-BIG"), ("135 0000 0001", "+86 136-0000-0001"), ("small-1", "big-1")],
)
def test_lookup_query_count_does_not_grow_with_the_customer(
    seat, small_q, big_q, django_assert_max_num_queries
):
    customer_with("KH-SMALL", phone="13500000001", serial="SMALL-1", scale=1)
    customer_with("KH-BIG", phone="13600000001", serial="BIG-1", scale=3)
    lookup_for_user(user=seat, q="KH-SMALL")  # the seat's permissions are cached from here on
    assert count_queries(seat, small_q) == count_queries(seat, big_q)
    # Each section plugged in by another app (contracts, cases) adds its one query.
    plugged_in = len(section_providers("contracts") + section_providers("open_cases"))
    with django_assert_max_num_queries(9 + plugged_in):
        lookup_for_user(user=seat, q=big_q)


def test_lookup_fills_every_section_of_a_big_customer(seat):
    customer_with("KH-BIG", phone="13600000001", serial="BIG-1", scale=3)
    result = lookup_for_user(user=seat, q="KH-BIG")
    assert (len(result.assets), result.asset_count) == (50, 181)
    assert len(result.contacts) == 37 and len(result.projects) == 6
    assert len(result.engineers) == 12


# Which plans the lookup gets is checked where it means something: bench/lookup_bench.py runs
# EXPLAIN ANALYZE at 1,000,000 assets and fails on an unindexed scan. On the few rows of a test,
# the plans follow whatever statistics earlier tests left, so a check here was a coin toss.


def unindexed_scans(node: dict) -> set[str]:
    """Large tables read by a sequential scan or by walking a whole index with a filter."""
    found = set()
    if node.get("Relation Name") in LARGE_TABLES:
        kind = node["Node Type"]
        if kind == "Seq Scan" or (kind.startswith("Index") and "Index Cond" not in node):
            found.add(node["Relation Name"])
    for child in node.get("Plans", []):
        found |= unindexed_scans(child)
    return found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
def test_index_check_catches_a_filter_over_a_whole_table(seat):
    with CaptureQueriesContext(connection) as ctx:
        list(Customer.objects.filter(name__icontains="电力").order_by("code"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + ctx.captured_queries[-1]["sql"])
        plan = cursor.fetchone()[0][0]["Plan"]
    assert unindexed_scans(plan) == {"registry_customer"}
