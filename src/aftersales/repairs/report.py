"""The service report (售后服务报告 / 维修报告) as a PDF: WeasyPrint with Noto Sans CJK SC.

The form is the Chinese document of the seeds with English sub-labels; it is printed and
signed as it is, so its labels are fixed text rather than translated strings.
"""

from __future__ import annotations

import base64
import functools
import logging

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ApplicationError
from aftersales.lib.fonts import font_families_for
from aftersales.repairs.models import RepairOrder

log = logging.getLogger(__name__)

CJK_FONT_MISSING = _(
    "The service report cannot be rendered: no Chinese (CJK) font is installed on the server. "
    "Install one with: apt-get install fonts-noto-cjk"
)
# Any installed font that covers Simplified Chinese will do; Noto Sans CJK SC is the one named.
CJK_LANG = "zh-cn"


class ReportUnavailable(ApplicationError):
    """The PDF cannot be rendered faithfully on this server (503: an operator must act)."""

    status_code = 503


@functools.cache
def cjk_font_available() -> bool:
    """Whether fontconfig has a font for Simplified Chinese; asked once per process."""
    return bool(font_families_for(CJK_LANG))


def require_cjk_font() -> None:
    """Refuse to render rather than serve a PDF whose Chinese glyphs come out blank."""
    if not cjk_font_available():
        log.error("service report not rendered: no CJK font (apt-get install fonts-noto-cjk)")
        raise ReportUnavailable(CJK_FONT_MISSING)


def _data_url(field) -> str:
    if not field:
        return ""
    field.open("rb")
    try:
        return "data:image/png;base64," + base64.b64encode(field.read()).decode("ascii")
    finally:
        field.close()


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
        "engineer_signature": _data_url(order.engineer_signature),
        "customer_signature": _data_url(order.customer_signature),
        "generated_at": timezone.localtime(),
        "draft": order.signed_off_at is None,
    }


def render_report_pdf(order: RepairOrder) -> bytes:
    """Render the report of one repair order; a draft says so until the customer signed.

    Raises ReportUnavailable when no Chinese font is installed (the PDF would be blank).
    """
    from weasyprint import HTML

    require_cjk_font()

    html = render_to_string("repairs/report_pdf.html", report_context(order))
    # No base URL: the report loads nothing from outside (signatures are data URLs).
    return HTML(string=html, base_url=None).write_pdf()
