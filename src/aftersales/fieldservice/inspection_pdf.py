"""The inspection forms as Chinese PDFs (core/pdf): 《现场巡检申请报告》 sent before a visit and
《现场巡检报告》 signed by the customer's person in charge after it."""

from __future__ import annotations

from django.utils import timezone

from aftersales.core.pdf import png_data_url, render_pdf
from aftersales.fieldservice.models import InspectionVisit, VisitCheck


def _base(visit: InspectionVisit) -> dict:
    plan = visit.plan
    return {
        "visit": visit,
        "plan": plan,
        "contract": visit.contract,
        "customer": visit.customer,
        "engineer": visit.engineer or plan.engineer,
        "printed_at": timezone.localtime(),
    }


def request_report_pdf(visit: InspectionVisit) -> bytes:
    """《现场巡检申请报告》: the visit's day, window, people and the checklist to follow."""
    from aftersales.fieldservice.inspections import checklist_items

    context = _base(visit)
    context["items"] = checklist_items(visit)
    return render_pdf("fieldservice/inspection_request_pdf.html", context)


def visit_report_pdf(visit: InspectionVisit) -> bytes:
    """《现场巡检报告》: the checklist as done, measured values, findings, changes, signature."""
    context = _base(visit)
    context["checks"] = list(VisitCheck.objects.filter(visit=visit))
    context["findings"] = list(visit.finding_rows.select_related("case", "asset"))
    context["signature"] = png_data_url(visit.signature)
    return render_pdf("fieldservice/inspection_report_pdf.html", context)
