"""The console page of the report schedules: the list, a form to add one, and deactivation.
Thin: the rules live in reports.schedules."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core.errors import ApplicationError, Invalid
from aftersales.core.html_errors import flash_error, form_page
from aftersales.reports import schedules
from aftersales.reports.models import ReportFormat, ReportKind

SCHEDULED = _("Report scheduled: it is sent after the next period closes.")
DEACTIVATED = _("Schedule deactivated: nothing more is sent.")
CHANGED = _("Schedule saved.")


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    format = forms.ChoiceField(
        label=_("Format"), choices=ReportFormat.choices, initial=ReportFormat.PDF
    )
    customer = forms.CharField(
        label=_("Customer code"),
        max_length=schedules.CODE_MAX,
        required=False,
        help_text=_("For the quarterly and yearly summaries."),
    )
    contract = forms.CharField(
        label=_("Contract number (optional)"), max_length=schedules.CODE_MAX, required=False
    )
    engineer = forms.CharField(
        label=_("Engineer (username)"),
        max_length=schedules.USERNAME_MAX,
        required=False,
        help_text=_("For the weekly engineer report."),
    )
    recipients = forms.CharField(
        label=_("Recipients"),
        max_length=schedules.RECIPIENTS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text=_("One e-mail address a line, at most 20."),
    )


@permission_required(schedules.SCHEDULE_REPORTS)
@require_http_methods(["GET", "POST"])
def schedule_list(request: HttpRequest) -> HttpResponse:
    """Every schedule, and the form to add one (422 on the field the service names)."""
    form = ScheduleForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form,
        lambda data: schedules.schedule_create(by=request.user, **data),
        lambda _saved: reverse("reports:schedules"),
        "reports/schedules.html",
        done=SCHEDULED,
        schedules=list(schedules.schedules_for_user(request.user)),
    )


@permission_required(schedules.SCHEDULE_REPORTS)
@require_POST
def schedule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a schedule (404 for one that does not exist)."""
    try:
        schedule = schedules.schedule_get_for_user(user=request.user, pk=pk)
        schedules.schedule_deactivate(schedule=schedule, by=request.user)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DEACTIVATED)
    return redirect("reports:schedules")


class ScheduleChangeForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)
    recipients = forms.CharField(
        label=_("Recipients"),
        max_length=schedules.RECIPIENTS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)


@permission_required(schedules.SCHEDULE_REPORTS)
@require_POST
def schedule_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the recipients, the format and whether it is active (404 for an unknown one)."""
    form = ScheduleChangeForm(request.POST)
    try:
        schedule = schedules.schedule_get_for_user(user=request.user, pk=pk)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise Invalid(errors[0], field=field, loc="form")
        schedules.schedule_update(schedule=schedule, by=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, CHANGED)
    return redirect(f"{reverse('reports:schedules')}#schedule-{pk}")


urlpatterns: list = [
    path("schedules/", schedule_list, name="schedules"),
    path("schedules/<int:pk>/deactivate/", schedule_deactivate, name="schedule_deactivate"),
    path("schedules/<int:pk>/change/", schedule_change, name="schedule_change"),
]
