"""The service report (售后服务报告 / 维修报告) as a PDF: WeasyPrint with Noto Sans CJK SC.

The form is the Chinese document of the seeds with English sub-labels; it is printed and
signed as it is, so its labels are fixed text rather than translated strings.
"""

from __future__ import annotations

from django.utils import timezone

from aftersales.core.pdf import png_data_url, render_pdf
from aftersales.repairs.models import RepairOrder


def report_context(order: RepairOrder) -> dict:
    case = order.case
    return {
        "order": order,
        "case": case,
        "customer": order.customer,
        "asset": order.asset,
        "contact": case.contact,
        "parts": list(order.parts.all()),
        "engineers": [str(u) for u in order.engineers.all()],
        "engineer_signature": png_data_url(order.engineer_signature),
        "customer_signature": png_data_url(order.customer_signature),
        "generated_at": timezone.localtime(),
        "draft": order.signed_off_at is None,
    }


def render_report_pdf(order: RepairOrder) -> bytes:
    """Render the report of one repair order; a draft says so until the customer signed.

    Raises ReportUnavailable when no Chinese font is installed (the PDF would be blank).
    """
    return render_pdf("repairs/report_pdf.html", report_context(order))
