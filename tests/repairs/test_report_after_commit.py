"""The service report is rendered, archived and mailed by a task after the sign-off commits."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from aftersales.cases.models import Attachment
from aftersales.core import pdf
from aftersales.core.models import Activity
from aftersales.notify.models import OutboxMessage
from aftersales.repairs import report, services
from aftersales.repairs.models import RepairEventKind, RepairOrder


@pytest.fixture
def verified(engineer, free_case) -> RepairOrder:
    order = services.repair_create(
        by=engineer,
        case=free_case,
        service_mode="onsite",
        fault_category="disk",
        fault_text="硬盘告警",
    )
    services.repair_start(by=engineer, order=order)
    return services.repair_verify(by=engineer, order=order, test_results="阵列重建完成")


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Each render of a report, as the number of atomic blocks open around it."""
    calls: list[int] = []
    real = report.render_report_pdf

    def spy(order):
        calls.append(len(connection.atomic_blocks))
        return real(order)

    monkeypatch.setattr(report, "render_report_pdf", spy)
    return calls


def _archived(order: RepairOrder) -> tuple:
    order.refresh_from_db()
    pdfs = Attachment.objects.filter(case=order.case, name__endswith=".pdf").count()
    mails = OutboxMessage.objects.filter(kind="repair.report").count()
    return order.report_id is not None, pdfs, mails


@pytest.mark.django_db
def test_sign_off_leaves_the_report_to_after_its_commit(
    contact_a, verified, renders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.repair_sign_off(by=contact_a.user, order=verified, name="张经理")
    assert renders == []
    assert _archived(verified) == (False, 0, 0)
    for callback in callbacks:
        callback()
    assert len(renders) == 1
    assert _archived(verified) == (True, 1, 1)


@pytest.mark.django_db
def test_report_is_rendered_outside_the_sign_off_transaction(
    contact_a, verified, renders, django_capture_on_commit_callbacks
):
    outside = len(connection.atomic_blocks)  # the test's own blocks
    with django_capture_on_commit_callbacks(execute=True):
        services.repair_sign_off(by=contact_a.user, order=verified, name="张经理")
    assert renders == [outside]
    verified.refresh_from_db()
    with verified.report.file.open("rb") as pdf:
        assert pdf.read(4) == b"%PDF"


@pytest.mark.django_db
def test_failed_render_is_recorded_on_the_order_and_archives_nothing(
    contact_a, verified, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(order):
        raise RuntimeError("template error")

    monkeypatch.setattr(report, "render_report_pdf", broken)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        services.repair_sign_off(by=contact_a.user, order=verified, name="张经理")
    assert _archived(verified) == (False, 0, 0)
    assert verified.status == "signed_off"
    failed = Activity.objects.of(verified).get(kind=RepairEventKind.REPORT_FAILED)
    assert "RuntimeError" in failed.text
    assert any(
        r.levelno == logging.ERROR and verified.number in r.getMessage() for r in caplog.records
    )


@pytest.mark.django_db
def test_renderer_output_that_is_no_pdf_is_not_archived(
    contact_a, verified, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(report, "render_report_pdf", lambda order: b"")
    with django_capture_on_commit_callbacks(execute=True):
        services.repair_sign_off(by=contact_a.user, order=verified, name="张经理")
    assert _archived(verified) == (False, 0, 0)
    assert Activity.objects.of(verified).filter(kind=RepairEventKind.REPORT_FAILED).exists()


@pytest.mark.django_db
def test_font_lost_after_sign_off_is_recorded_not_archived_blank(
    contact_a, verified, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.repair_sign_off(by=contact_a.user, order=verified, name="张经理")
    monkeypatch.setattr(pdf, "cjk_font_available", lambda: False)
    for callback in callbacks:
        callback()
    assert _archived(verified) == (False, 0, 0)
    failed = Activity.objects.of(verified).get(kind=RepairEventKind.REPORT_FAILED)
    assert "fonts-noto-cjk" in failed.text


@pytest.mark.django_db
def test_a_second_run_of_the_task_archives_nothing_more(
    contact_a, verified, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.repair_sign_off(by=contact_a.user, order=verified, name="张经理")
    assert services.report_archive(order_id=verified.pk, by=contact_a.user) is None
    assert _archived(verified) == (True, 1, 1)
