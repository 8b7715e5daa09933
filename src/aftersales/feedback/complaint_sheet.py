"""The complaint tracking sheet (《投诉跟踪单》) as a PDF: the repairs report's machinery
(WeasyPrint with a Chinese font, refused loudly with 503 when none is installed).

The form is the Chinese document the department receives, with English sub-labels; it is
printed and signed as it is, so its labels are fixed text rather than translated strings.
Who complained appears only for users who may see an anonymous complainant.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from aftersales.core.pdf import ReportUnavailable, render_pdf
from aftersales.feedback import complaint_access as access
from aftersales.feedback import complaint_selectors as selectors
from aftersales.feedback.models import Complaint

__all__ = ["ReportUnavailable", "render_sheet_pdf", "sheet_response"]


def sheet_context(complaint: Complaint, user: Any) -> dict:
    now = timezone.now()
    return {
        "complaint": complaint,
        "customer": complaint.customer,
        "complainant": selectors.complainant(user, complaint),
        "cases": selectors.linked_cases(user, complaint),
        "internal": access.can_see_internal(user, complaint),
        "promises": {row["target"]: row for row in selectors.promise_rows(complaint, now)},
        "generated_at": timezone.localtime(now),
    }


def render_sheet_pdf(complaint: Complaint, user: Any) -> bytes:
    """Render the tracking sheet as `user` may see it.

    Raises ReportUnavailable when no Chinese font is installed (the PDF would be blank).
    """
    return render_pdf("feedback/complaint_sheet_pdf.html", sheet_context(complaint, user))


def sheet_response(complaint: Complaint, user: Any) -> HttpResponse:
    """The sheet as an inline PDF for staff who see complaints (403 for anyone else)."""
    access.can_print_sheet.enforce(user, complaint)
    response = HttpResponse(render_sheet_pdf(complaint, user), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{complaint.number}.pdf"'
    return response
