"""Survey pages: the public form a signed link opens (no login, made for a phone) and the
console's results, follow-ups, templates and a case's link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.accounts.endpoint_access import PUBLIC, access
from aftersales.core.errors import ApplicationError, Conflict, Invalid, NotFound
from aftersales.core.html_errors import flash_error
from aftersales.core.list_pages import ListFilter, get_or_404, list_page
from aftersales.feedback import survey_access, surveys
from aftersales.feedback import survey_selectors as selectors
from aftersales.feedback.models import Dimension, FollowUpStatus, SurveyInvitation

PER_PAGE = 20
LINK_READY = _("The survey link is ready.")
FOLLOW_UP_CLOSED = _("Follow-up closed.")


# --- the public form --------------------------------------------------------------------------


def _questions(invitation: SurveyInvitation, values: Any, error: Invalid | None) -> list[dict]:
    rows = []
    for question in selectors.questions_of(invitation.template):
        key = str(question.order)
        rows.append(
            {
                "q": question,
                "key": key,
                "text": surveys.question_text(question),
                "value": values.get(key, "") if values is not None else "",
                "error": str(error.message) if error is not None and error.field == key else "",
                "scale": {"rating": range(1, 6), "nps": range(0, 11)}.get(question.kind),
            }
        )
    return rows


def _closed_page(request: HttpRequest, invitation: SurveyInvitation, exc: Conflict) -> HttpResponse:
    expired = exc.extra.get("reason") == survey_access.EXPIRED
    return render(
        request,
        "feedback/survey_closed.html",
        {"invitation": invitation, "expired": expired, "message": exc.message},
        status=410 if expired else 200,
    )


@access(PUBLIC)
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The survey form of a signed link; a bad link, an answered or an expired one each get
    a page of their own."""
    try:
        invitation = selectors.invitation_for_token(token)
    except NotFound as exc:
        return render(request, "feedback/survey_invalid.html", {"message": exc.message}, status=404)
    refusal = survey_access.answer_refusal(invitation, timezone.now())
    if isinstance(refusal, Conflict):
        return _closed_page(request, invitation, refusal)
    error: Invalid | None = None
    values = None
    if request.method == "POST":
        values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        try:
            surveys.survey_answer(token=token, answers=values)
        except Invalid as exc:
            error = exc
        except Conflict as exc:
            return _closed_page(request, invitation, exc)
        else:
            return redirect("surveys:thanks", token=token)
    context = {
        "invitation": invitation,
        "questions": _questions(invitation, values, error),
        "error": error,
    }
    return render(request, "feedback/survey_form.html", context, status=422 if error else 200)


@access(PUBLIC)
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = selectors.invitation_for_token(token)
    except NotFound as exc:
        return render(request, "feedback/survey_invalid.html", {"message": exc.message}, status=404)
    if invitation.answered_at is None:
        return redirect("surveys:answer", token=token)
    return render(request, "feedback/survey_thanks.html", {"invitation": invitation})


# --- the console -------------------------------------------------------------------------------


class ResultFilter(ListFilter):
    date_from = forms.DateField(label=pgettext_lazy("date range", "From"), required=False)
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False)
    customer = forms.CharField(label=_("Customer code"), required=False, max_length=40)
    engineer = forms.CharField(label=_("Engineer (username)"), required=False, max_length=150)
    group = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[
            ("", _("No grouping")),
            ("engineer", _("Engineer")),
            ("customer", _("Customer")),
            ("month", _("Month")),
            ("quarter", _("Quarter")),
        ],
    )
    inactive = None

    def result_filters(self) -> selectors.ResultFilters:
        return selectors.ResultFilters(
            date_from=self.value("date_from"),
            date_to=self.value("date_to"),
            customer=(self.value("customer") or "").strip(),
            engineer=(self.value("engineer") or "").strip(),
        )


@permission_required(survey_access.RESULTS)
def results(request: HttpRequest) -> HttpResponse:
    """Results with filters, and the free-text answers (searchable, paginated)."""
    filters = ResultFilter(request.GET)
    chosen = filters.result_filters()
    comments = selectors.free_text_answers(
        user=request.user, filters=chosen, q=filters.value("q") or ""
    )
    figures = selectors.survey_results(
        user=request.user, filters=chosen, group=filters.value("group") or ""
    )
    labels = dict(Dimension.choices)
    dimensions = [(labels.get(k, k), v) for k, v in figures["dimensions"].items()]
    return list_page(
        request,
        "feedback/survey_results.html",
        comments,
        filters,
        per_page=PER_PAGE,
        figures=figures,
        dimensions=dimensions,
    )


class FollowUpFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *FollowUpStatus.choices],
    )
    q = None
    inactive = None


@permission_required(survey_access.VIEW_FOLLOW_UPS)
def follow_ups(request: HttpRequest) -> HttpResponse:
    filters = FollowUpFilter(request.GET)
    qs = selectors.follow_ups_for_user(user=request.user, status=filters.value("status") or "")
    return list_page(request, "feedback/survey_follow_ups.html", qs, filters, per_page=50)


@permission_required(survey_access.CLOSE_FOLLOW_UPS)
@require_POST
def follow_up_close(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_or_404(selectors.follow_up_get_for_user, request, pk)
    try:
        surveys.follow_up_close(
            follow_up=follow_up, by=request.user, outcome=request.POST.get("outcome", "")
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, FOLLOW_UP_CLOSED)
    return redirect("surveys:follow_ups")


@permission_required(survey_access.RESULTS)
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "feedback/survey_templates.html",
        {"templates": selectors.templates_for_user(user=request.user)},
    )


@permission_required(survey_access.RESULTS)
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_or_404(selectors.template_get_for_user, request, pk)
    context = {
        "template": template,
        "questions": [
            {"q": q, "text": surveys.question_text(q)} for q in selectors.questions_of(template)
        ],
        "has_answers": selectors.template_has_answers(template),
        "may_version": survey_access.can_version_template(request.user, template),
    }
    return render(request, "feedback/survey_template_detail.html", context)


@permission_required(survey_access.VERSION_TEMPLATES)
@require_POST
def template_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_or_404(selectors.template_get_for_user, request, pk)
    try:
        copy = surveys.new_version(template=template, by=request.user)
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect("surveys:template", pk=template.pk)
    messages.success(request, surveys.VERSION_MADE % {"version": copy.version})
    return redirect("surveys:template", pk=copy.pk)


@permission_required(survey_access.SEND)
def case_link(request: HttpRequest, number: str) -> HttpResponse:
    """A closed case's survey: its live link, or a button that makes (or renews) it."""
    try:
        case = selectors.case_for_survey(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            surveys.survey_link_for_case(case=case, by=request.user)
        except ApplicationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, LINK_READY)
        return redirect("surveys:case", number=case.number)
    invitation = selectors.invitation_of_case(case)
    live = (
        invitation is not None and survey_access.answer_refusal(invitation, timezone.now()) is None
    )
    context = {
        "case": case,
        "invitation": invitation,
        "url": request.build_absolute_uri(surveys.survey_path(invitation)) if live else "",
        "refusal": survey_access.can_send.refusal(case),
    }
    return render(request, "feedback/survey_case.html", context)


app_name = "surveys"
urlpatterns = [
    path("", results, name="results"),
    path("s/<str:token>/", survey_answer, name="answer"),
    path("s/<str:token>/thanks/", survey_thanks, name="thanks"),
    path("follow-ups/", follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/close/", follow_up_close, name="follow_up_close"),
    path("templates/", template_list, name="templates"),
    path("templates/<int:pk>/", template_detail, name="template"),
    path("templates/<int:pk>/new-version/", template_new_version, name="template_new_version"),
    path("cases/<str:number>/", case_link, name="case"),
]
