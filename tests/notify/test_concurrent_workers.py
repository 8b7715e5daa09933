from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection

from aftersales.notify import services
from aftersales.notify.services import notify_enqueue, outbox_deliver_due

# SQLite's in-memory test database cannot serve threads; PostgreSQL runs this in CI.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_parallel_workers_send_each_message_exactly_once(monkeypatch):
    # Only the four workers below may deliver: no delivery task runs when a row is written.
    monkeypatch.setattr(services, "_schedule_delivery", lambda not_before: None)
    for n in range(60):
        notify_enqueue(
            channel="sms", address=f"1390000{n:04d}", subject="", body=f"第{n}条", kind="t"
        )
    sent: list[str] = []
    lock = threading.Lock()

    def gateway(*, phone: str, text: str) -> None:
        with lock:
            sent.append(phone)

    monkeypatch.setattr(services, "sms_send", gateway)

    def worker() -> None:
        try:
            outbox_deliver_due()
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert len(sent) == 60
    assert Counter(sent).most_common(1)[0][1] == 1
