"""The demo shows every module on the first run: no page of the console is empty."""

from __future__ import annotations

import pytest

from aftersales.cases.models import Attachment, InboundEmail, InboundEmailStatus
from aftersales.contracts.models import PenaltyRule, ServiceContract
from aftersales.notify.models import Notice
from aftersales.registry import demo
from aftersales.registry.models import ImportJob, ImportStatus
from aftersales.repairs.models import RepairOrder, RepairStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded():
    return demo.load(customers=4, cases=12)


def test_demo_customers_have_contracts_with_penalty_rules_and_a_renewal(loaded):
    contracts = ServiceContract.objects.all()
    assert contracts.count() >= 3 and contracts.filter(renewed_from__isnull=False).exists()
    assert PenaltyRule.objects.filter(contract__in=contracts).exists()


def test_demo_repairs_are_in_every_state(loaded):
    states = set(RepairOrder.objects.values_list("status", flat=True))
    assert states == set(RepairStatus.values), sorted(set(RepairStatus.values) - states)


def test_demo_mail_waits_in_triage_and_brings_attachments(loaded):
    assert InboundEmail.objects.filter(status=InboundEmailStatus.TRIAGE).count() >= 2
    assert InboundEmail.objects.filter(case__isnull=False).exists()
    assert Attachment.objects.count() >= 2


def test_demo_notes_report_nothing_skipped(loaded):
    assert loaded.notes == []


def test_demo_import_history_shows_a_committed_and_a_refused_file(loaded):
    statuses = set(ImportJob.objects.values_list("status", flat=True))
    assert statuses == {ImportStatus.DONE, ImportStatus.INVALID}


def test_demo_admin_and_a_manager_find_a_notice_under_the_bell(loaded):
    for username in ("admin", "mgr1"):
        assert Notice.objects.filter(user__username=username, url__startswith="/cases/").exists()


def test_a_second_demo_run_adds_no_imports_or_notices(loaded):
    jobs, notices = ImportJob.objects.count(), Notice.objects.count()
    demo.load(customers=4, cases=12)
    assert (ImportJob.objects.count(), Notice.objects.count()) == (jobs, notices)
