"""A read beside the request's own: a second connection on PostgreSQL outside transactions,
inline wherever a second connection could not see the caller's rows."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import translation

from aftersales.core.alongside import alongside
from tests import factories


def _where_and_what() -> tuple[str, int, str]:
    from aftersales.registry.models import Customer

    return threading.current_thread().name, Customer.objects.count(), translation.get_language()


def test_inside_a_transaction_the_read_runs_inline_and_sees_uncommitted_rows(db):
    factories.CustomerFactory()

    name, customers, _language = alongside(_where_and_what)()

    assert name == threading.current_thread().name
    assert customers == 1


def test_outside_a_transaction_on_postgresql_it_runs_in_a_worker_with_the_callers_language(
    transactional_db,
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite always runs it inline")
    factories.CustomerFactory()

    with translation.override("zh-hans"):
        name, customers, language = alongside(_where_and_what)()

    assert name.startswith("alongside")
    assert customers == 1  # committed: the worker's own connection sees it
    assert language == "zh-hans"
