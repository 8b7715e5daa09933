"""The service report renders its Chinese or refuses loudly: never a PDF of blank glyphs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from aftersales.cases.models import Attachment
from aftersales.core import pdf
from aftersales.notify.models import OutboxMessage
from aftersales.repairs import report, services
from aftersales.repairs.models import RepairOrder

JSON = "application/json"
SRC = str(Path(report.__file__).parents[2])


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
def no_chinese_font(monkeypatch):
    monkeypatch.setattr(pdf, "cjk_font_available", lambda: False)


def test_this_machine_has_a_chinese_font_for_the_report():
    assert pdf.cjk_font_available()


def test_fontconfig_without_chinese_fonts_is_detected(tmp_path):
    # A fontconfig setup that knows no font directory: what a fresh machine has for Chinese.
    (tmp_path / "fonts.conf").write_text(
        f"<fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>"
    )
    probe = "from aftersales.lib.fonts import font_families_for; print(font_families_for('zh-cn'))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={"FONTCONFIG_FILE": str(tmp_path / "fonts.conf"), "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_draft_report_without_a_chinese_font_answers_503_naming_the_package(
    api_as, engineer, verified, no_chinese_font
):
    response = api_as(engineer).get(f"/api/v1/repairs/{verified.pk}/report.pdf")
    assert response.status_code == 503
    assert response.json()["detail"] == str(pdf.CJK_FONT_MISSING)
    assert "apt-get install fonts-noto-cjk" in response.json()["detail"]


def test_report_page_without_a_chinese_font_says_what_to_install(
    engineer, verified, no_chinese_font
):
    client = Client()
    client.force_login(engineer)
    response = client.get(f"/repairs/{verified.pk}/report.pdf")
    assert response.status_code == 503
    assert response.content.decode() == str(pdf.CJK_FONT_MISSING)


def test_sign_off_without_a_chinese_font_is_refused_and_archives_nothing(
    api_as, contact_a, verified, no_chinese_font
):
    response = api_as(contact_a.user).post(
        f"/api/v1/repairs/{verified.pk}/sign-off", {"name": "张经理"}, content_type=JSON
    )
    assert response.status_code == 503
    assert response.json()["detail"] == str(pdf.CJK_FONT_MISSING)
    verified.refresh_from_db()
    assert (verified.status, verified.report_id) == ("verified", None)
    assert Attachment.objects.filter(case=verified.case).count() == 0
    assert OutboxMessage.objects.filter(kind="repair.report").count() == 0
