"""Short words shared by unrelated pages get a context so their Chinese reads right."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.registry.data import CUSTOMER_HEADERS, commit, csv_upload, preview, tasks_inline

pytestmark = [pytest.mark.django_db, pytest.mark.translations]


def _chinese_client(user) -> Client:
    client = Client()
    client.force_login(user)  # staff read Chinese by default
    return client


def test_penalties_period_reads_from_to_not_sender_recipient():
    manager = factories.staff_user("manager", role="manager", manager_level="technical")
    html = _chinese_client(manager).get(reverse("penalties:penalties")).content.decode()
    assert ">从</label>" in html and ">至</label>" in html
    assert "发件人" not in html and "收件人" not in html


def test_import_result_count_does_not_read_as_creation_time(seat):
    with tasks_inline():
        job = commit(
            seat,
            preview(seat, "customers", csv_upload([CUSTOMER_HEADERS, ["KH-9", "甲", "", "", "A"]])),
        )
    html = (
        _chinese_client(seat).get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    )
    assert 'data-count="create">1<' in html
    assert "创建时间" not in html
