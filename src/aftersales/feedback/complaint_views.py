"""Console pages of the complaints: the queue by next promise, a new complaint, a complaint with
its steps, its tracking sheet as a PDF; and service supervision's quality checks."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.form_fields import LONG_TEXT_MAX, MEDIUM_TEXT_MAX, BoundedDateTimeField
from aftersales.core.html_errors import add_form_error, flash_error, form_page
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.core.moments import typed_moment
from aftersales.feedback import complaint_access, complaints, quality
from aftersales.feedback import complaint_selectors as selectors
from aftersales.feedback.complaint_sheet import ReportUnavailable, sheet_response
from aftersales.feedback.models import (
    Channel,
    CheckMethod,
    CheckSubject,
    Complaint,
    ComplaintStatus,
    Department,
)
from aftersales.sla.selectors import promise_views, promise_views_for

PER_PAGE = 50
DONE = _("Done.")
RECEIVED = _("Complaint recorded; its tracking sheet is with the department.")
CHECK_RECORDED = _("Quality check recorded.")
_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"})


class ComplaintFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), ("open", _("All open"))] + ComplaintStatus.choices,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    inactive = None


class ComplaintForm(forms.Form):
    customer = forms.CharField(label=_("Customer code"), max_length=40)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    department = forms.ChoiceField(label=_("Responsible department"), choices=Department.choices)
    text = forms.CharField(
        label=_("Complaint"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    complainant_name = forms.CharField(
        label=_("Complainant's name"), max_length=100, required=False
    )
    complainant_phone = forms.CharField(
        label=_("Complainant's phone"), max_length=40, required=False
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous: only complaint officers see who complained"), required=False
    )
    case = forms.CharField(label=_("Linked case number"), max_length=32, required=False)
    at = BoundedDateTimeField(label=_("Received at (empty: now)"), required=False, widget=_MOMENT)


def _with_clocks(rows: list[Complaint]) -> None:
    clocks = promise_views_for("complaint", [r.pk for r in rows], timezone.now())
    for row in rows:
        row.clocks = clocks.get(row.pk, [])


@permission_required("feedback.view_complaint")
def complaint_list(request: HttpRequest) -> HttpResponse:
    filters = ComplaintFilter(request.GET)
    qs = selectors.complaint_list(
        user=request.user,
        filters=selectors.ComplaintFilters(
            status=filters.value("status") or "",
            overdue=True if filters.value("overdue") else None,
            q=filters.value("q") or "",
        ),
    )
    return list_page(request, "feedback/complaint_list.html", qs, filters, _with_clocks, PER_PAGE)


@permission_required("feedback.add_complaint")
def complaint_new(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None, initial={"customer": request.GET.get("customer")})

    def save(data: dict) -> Complaint:
        case = data.pop("case")
        return complaints.complaint_receive(by=request.user, cases=[case] if case else [], **data)

    return form_page(
        request,
        form,
        save,
        lambda obj: reverse("complaints:detail", args=[obj.number]),
        "feedback/complaint_new.html",
        done=RECEIVED,
    )


def _get(request: HttpRequest, number: str) -> Complaint:
    try:
        return selectors.complaint_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc


@permission_required("feedback.view_complaint")
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    obj = _get(request, number)
    context = {
        "obj": obj,
        "complainant": selectors.complainant(request.user, obj),
        "cases": selectors.linked_cases(request.user, obj),
        "clocks": promise_views("complaint", obj.pk, timezone.now()),
        "events": selectors.activities_for_user(user=request.user, complaint=obj),
        "actions": complaint_access.available_actions(request.user, obj),
        "can_link": complaint_access.can_link(request.user, obj),
    }
    return render(request, "feedback/complaint_detail.html", context)


@permission_required("feedback.view_complaint")
def complaint_sheet(request: HttpRequest, number: str) -> HttpResponse:
    obj = _get(request, number)
    try:
        return sheet_response(obj, request.user)
    except ReportUnavailable as exc:
        # Say what is wrong and how to fix it rather than serve a PDF with blank glyphs.
        return HttpResponse(
            str(exc.message), status=exc.status_code, content_type="text/plain; charset=utf-8"
        )


def _at(post: QueryDict) -> dt.datetime | None:
    return typed_moment(post.get("at", ""))


STEPS = {
    "answer": lambda c, u, p: complaints.complaint_answer(
        complaint=c, by=u, text=p.get("text", ""), at=_at(p)
    ),
    "inform": lambda c, u, p: complaints.complaint_inform(
        complaint=c, by=u, accepted=p.get("accepted") == "1", text=p.get("text", ""), at=_at(p)
    ),
    "resolve": lambda c, u, p: complaints.complaint_resolve(
        complaint=c,
        by=u,
        result=p.get("result", ""),
        corrective_actions=p.get("corrective_actions", ""),
        accountable=p.get("accountable", ""),
        at=_at(p),
    ),
    "verify": lambda c, u, p: complaints.complaint_verify(
        complaint=c, by=u, satisfied=p.get("satisfied") == "1", text=p.get("text", ""), at=_at(p)
    ),
    "close": lambda c, u, p: complaints.complaint_close(complaint=c, by=u, at=_at(p)),
    "link": lambda c, u, p: complaints.complaint_link_case(
        complaint=c, by=u, case=p.get("case", "")
    ),
    "unlink": lambda c, u, p: complaints.complaint_unlink_case(
        complaint=c, by=u, case=p.get("case", "")
    ),
}


@permission_required("feedback.view_complaint")
@require_POST
def complaint_step(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One step of the complaint; the service refuses the wrong role (403) or state (409)."""
    obj = _get(request, number)
    if action not in STEPS:
        raise Http404
    try:
        STEPS[action](obj, request.user, request.POST)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    return redirect("complaints:detail", number=obj.number)


# --- service supervision ---------------------------------------------------------------------


class QualityFilter(ListFilter):
    subject_kind = forms.ChoiceField(
        label=_("Checked"), required=False, choices=[("", _("All"))] + CheckSubject.choices
    )
    method = forms.ChoiceField(
        label=_("Method"), required=False, choices=[("", _("All methods"))] + CheckMethod.choices
    )
    q = None
    inactive = None


class QualityCheckForm(forms.Form):
    subject_kind = forms.ChoiceField(label=_("Checked"), choices=CheckSubject.choices)
    subject = forms.CharField(
        label=_("Case number or callback id"), max_length=32, help_text=_("e.g. CS-20261207-0001")
    )
    method = forms.ChoiceField(label=_("Method"), choices=CheckMethod.choices)
    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100)
    person_checked = forms.CharField(
        label=_("Person checked (user name; empty: the engineer or agent)"),
        max_length=150,
        required=False,
    )
    findings = forms.CharField(
        label=_("Findings"),
        max_length=MEDIUM_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _with_subjects(rows: list) -> None:
    labels = quality.subject_labels(rows)
    for row in rows:
        row.subject_label = labels.get(row.pk, "")


@permission_required("feedback.view_qualitycheck")
def quality_list(request: HttpRequest) -> HttpResponse:
    """The checks recorded, and the form to record one (for holders of add_qualitycheck)."""
    may_add = request.user.has_perm("feedback.add_qualitycheck")
    form = QualityCheckForm(request.POST or None) if may_add else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 422
        if form.is_valid():
            try:
                quality.quality_check_record(by=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                add_form_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, CHECK_RECORDED)
                return redirect("complaints:quality")
    filters = QualityFilter(request.GET)
    qs = quality.quality_checks_for_user(
        user=request.user,
        filters=quality.QualityFilters(
            subject_kind=filters.value("subject_kind") or "", method=filters.value("method") or ""
        ),
    )
    response = list_page(
        request, "feedback/quality_list.html", qs, filters, _with_subjects, PER_PAGE, form=form
    )
    response.status_code = status
    return response


app_name = "complaints"
urlpatterns = [
    path("", complaint_list, name="list"),
    path("new/", complaint_new, name="new"),
    path("quality-checks/", quality_list, name="quality"),
    path("<str:number>/", complaint_detail, name="detail"),
    path("<str:number>/sheet.pdf", complaint_sheet, name="sheet"),
    path("<str:number>/<str:action>/", complaint_step, name="step"),
]
