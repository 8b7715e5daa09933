"""Chinese forms as PDFs: WeasyPrint with a CJK font, refused rather than printed blank.

Every printed form of the product (service report, complaint sheet, acceptance and inspection
forms) renders through here, so the font check and the no-outside-loading rule live once.
"""

from __future__ import annotations

import base64
import functools
import logging

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ApplicationError
from aftersales.lib.fonts import font_families_for

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
        log.error("PDF not rendered: no CJK font (apt-get install fonts-noto-cjk)")
        raise ReportUnavailable(CJK_FONT_MISSING)


def render_pdf(template: str, context: dict) -> bytes:
    """Render a template to PDF bytes; raises ReportUnavailable without a Chinese font."""
    from weasyprint import HTML

    require_cjk_font()
    html = render_to_string(template, context)
    # No base URL: a form loads nothing from outside (signatures are data URLs).
    return HTML(string=html, base_url=None).write_pdf()


def png_data_url(field) -> str:
    """A stored PNG (a drawn signature) as a data URL for a PDF template; "" when empty."""
    if not field:
        return ""
    field.open("rb")
    try:
        return "data:image/png;base64," + base64.b64encode(field.read()).decode("ascii")
    finally:
        field.close()
