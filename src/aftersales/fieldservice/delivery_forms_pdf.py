"""Each acceptance stage's form as a Chinese PDF (WeasyPrint with Noto Sans CJK SC).

The forms are the seeds' documents: 《采购货物收货情况检验表》 for the initial inspection, the
quality department's professional inspection record, and the final check's 终验 certificate.
They are printed and signed as they are, so their labels are fixed Chinese text.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from aftersales.core.pdf import png_data_url, render_pdf
from aftersales.fieldservice.models import DeliveryInspection, DeliveryStage

TITLES = {
    DeliveryStage.INITIAL: "采购货物收货情况检验表",
    DeliveryStage.PROFESSIONAL: "货物专业检验记录",
    DeliveryStage.FINAL: "货物终验证书",
}
CHECK_LABELS = {
    "quantity": "数量",
    "appearance": "外观",
    "manuals": "使用说明书",
    "certificates": "合格证 / 质量证明",
}


def form_context(inspection: DeliveryInspection) -> dict:
    delivery = inspection.delivery
    checks = [(label, inspection.checks.get(code)) for code, label in CHECK_LABELS.items()]
    return {
        "title": TITLES[inspection.stage],
        "inspection": inspection,
        "delivery": delivery,
        "customer": delivery.customer,
        "contract": delivery.contract,
        "items": list(delivery.items.select_related("product_model__vendor", "asset")),
        "checks": checks,
        "initial": inspection.stage == DeliveryStage.INITIAL,
        "final": inspection.stage == DeliveryStage.FINAL,
        "signature": png_data_url(inspection.signature),
        "generated_at": timezone.localtime(),
    }


def render_form_pdf(inspection: DeliveryInspection) -> bytes:
    """The stage's form; unsigned forms say they are drafts. ReportUnavailable without a font."""
    return render_pdf("fieldservice/delivery_form_pdf.html", form_context(inspection))


def form_filename(inspection: DeliveryInspection) -> str:
    return f"{inspection.delivery.number}-{inspection.stage}-{inspection.pk}.pdf"


def form_response(inspection: DeliveryInspection) -> HttpResponse:
    """The form as a download (console, portal and API share it)."""
    response = HttpResponse(render_form_pdf(inspection), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{form_filename(inspection)}"'
    return response
