"""Two deliveries of one message at the same moment (MTA retry racing an IMAP poll)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from aftersales.cases.mail import email_ingest
from aftersales.cases.models import Case, CaseType, InboundEmail
from tests import factories
from tests.cases.email_support import raw_mail

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="insert races are meaningful on PostgreSQL only"
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_deliveries_of_one_message_store_it_once():
    # Transactional tests start from an empty database: the seeded types are gone.
    CaseType.objects.get_or_create(code="fault", defaults={"name": "故障"})
    factories.ContactFactory(email="zhang@example.cn")
    raw = raw_mail(message_id="<twice@mail.example.cn>")
    barrier = threading.Barrier(4)
    results: list = []

    def deliver():
        try:
            barrier.wait(timeout=10)
            results.append(email_ingest(raw=raw).pk)
        except Exception as exc:  # collected for the assertion
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert (InboundEmail.objects.count(), Case.objects.count()) == (1, 1)
