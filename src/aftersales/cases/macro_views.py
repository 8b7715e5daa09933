"""Console pages of macros (list, new, edit, retire), and the case page's macro and work-log
forms: thin, the rules live in cases.macros and cases.worklog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import staff_required
from aftersales.accounts.endpoint_access import access as declare
from aftersales.accounts.endpoint_access import staff_perm
from aftersales.cases import access, macros, worklog
from aftersales.cases.detail_views import get_case, run_action
from aftersales.cases.macros import NAME_MAX, STATUS_ACTIONS, TEAMS
from aftersales.cases.models import Macro, Priority, Status, Tag
from aftersales.core import html_errors
from aftersales.core.db import id_or_none
from aftersales.core.errors import ApplicationError, Invalid
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.core.schema_types import LONG_TEXT_MAX

MACRO_APPLIED = _("Macro applied.")
MACRO_RETIRED = _("Macro retired.")
CHOOSE_MACRO = _("Choose a macro.")
TIME_LOGGED = _("Time logged.")
ENTRY_VOIDED = _("Entry voided.")
BAD_DAY = _("Enter a date as YYYY-MM-DD.")


def keeps_macros(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff who work or edit cases (macros.can_keep_macros); a contact gets 404."""

    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not macros.can_keep_macros(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return declare(staff_perm(access.WORK, access.CHANGE, any_of=True))(wrapper)


# --- the macros page ----------------------------------------------------------------------


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    body = forms.CharField(
        label=_("Reply text"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Placeholders: {customer}, {contact}, {case_number}, {engineer}."),
    )
    internal = forms.BooleanField(label=_("Internal note"), required=False)
    set_status = forms.ChoiceField(label=_("Set status"), required=False)
    set_priority = forms.ChoiceField(
        label=_("Set priority"), required=False, choices=[("", "—"), *Priority.choices]
    )
    add_tags = forms.ModelMultipleChoiceField(
        label=_("Add tags"),
        required=False,
        queryset=Tag.objects.all(),
        to_field_name="name",
        widget=forms.CheckboxSelectMultiple,
    )
    team = forms.ChoiceField(label=_("Shared with"), required=False)

    def __init__(self, *args: Any, user: Any, macro: Macro | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        labels = dict(Status.choices)
        self.fields["set_status"].choices = [("", "—")] + [
            (value, labels[value]) for value in STATUS_ACTIONS
        ]
        if macro is not None or not macros.can_manage_team_macros(user):
            del self.fields["team"]  # who keeps a macro is chosen once, when it is made
        else:
            self.fields["team"].choices = [("", _("Only me"))] + [(t.value, t.label) for t in TEAMS]

    @staticmethod
    def initial_for(macro: Macro) -> dict[str, Any]:
        return {
            "name": macro.name,
            "body": macro.body,
            "internal": macro.internal,
            "set_status": macro.set_status,
            "set_priority": macro.set_priority,
            "add_tags": [t.name for t in macro.add_tags.all()],
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["add_tags"] = [t.name for t in data.get("add_tags") or []]
        return data


def _decorate(user: Any) -> Callable[[list[Macro]], None]:
    def mark(rows: list[Macro]) -> None:
        for macro in rows:
            macro.editable = macros.can_edit_macro(user, macro)

    return mark


@keeps_macros
def macro_list(request: HttpRequest) -> HttpResponse:
    filters = ListFilter(request.GET)
    qs = macros.macro_list(
        user=request.user, q=filters.value("q") or "", inactive=bool(filters.value("inactive"))
    )
    return list_page(request, "cases/macro_list.html", qs, filters, _decorate(request.user))


def _form_page(request: HttpRequest, form: MacroForm, save: Callable[[dict], Any], title: Any):
    back = reverse("cases:macro_list")
    return html_errors.form_page(
        request,
        form,
        lambda _data: save(form.service_data()),
        lambda _saved: back,
        "cases/macro_form.html",
        title=title,
        cancel=back,
    )


@keeps_macros
def macro_create(request: HttpRequest) -> HttpResponse:
    form = MacroForm(request.POST or None, user=request.user)
    return _form_page(
        request, form, lambda data: macros.macro_create(by=request.user, **data), _("New macro")
    )


@keeps_macros
def macro_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        macro = macros.macro_get_for_user(user=request.user, pk=pk, write=True)
    except ApplicationError as exc:
        html_errors.raise_http(exc)
        raise
    form = MacroForm(
        request.POST or None, user=request.user, macro=macro, initial=MacroForm.initial_for(macro)
    )
    title = _("Edit macro %(name)s") % {"name": macro.name}
    return _form_page(
        request,
        form,
        lambda data: macros.macro_update(macro=macro, by=request.user, **data),
        title,
    )


@require_POST
@keeps_macros
def macro_retire(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        macro = macros.macro_get_for_user(user=request.user, pk=pk, write=True)
        macros.macro_retire(macro=macro, by=request.user)
    except ApplicationError as exc:
        html_errors.flash_error(request, exc)
    else:
        messages.success(request, MACRO_RETIRED)
    return redirect("cases:macro_list")


# --- on the case page ---------------------------------------------------------------------


@require_POST
@keeps_macros
def macro_apply(request: HttpRequest, number: str) -> HttpResponse:
    """Apply the picked macro with the comment box's text (edited or not); without a text (no
    script) the macro's own."""
    case = get_case(request, number)
    version = id_or_none(request.POST.get("version", ""))

    def work() -> Any:
        pk = id_or_none(request.POST.get("macro", ""))
        if pk is None:
            raise Invalid(CHOOSE_MACRO, field="macro")
        macro = macros.macro_get_usable(user=request.user, pk=pk)
        text = request.POST.get("text", "")
        return macros.macro_apply(
            case=case, macro=macro, by=request.user, text=text or None, version=version
        )

    return run_action(request, case, work, action="macro", done=MACRO_APPLIED)


def _minutes(value: str) -> int:
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 5:
        raise Invalid(worklog.BAD_MINUTES, field="minutes")
    return int(value)


def _day(value: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(BAD_DAY, field="worked_on") from exc


@require_POST
@keeps_macros
def work_log_add(request: HttpRequest, number: str) -> HttpResponse:
    case = get_case(request, number)
    return run_action(
        request,
        case,
        lambda: worklog.work_log_add(
            case=case,
            by=request.user,
            minutes=_minutes(request.POST.get("minutes", "")),
            worked_on=_day(request.POST.get("worked_on", "")),
            note=request.POST.get("note", ""),
        ),
        action="work_log",
        done=TIME_LOGGED,
    )


@require_POST
@keeps_macros
def work_log_void(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = get_case(request, number)

    def work() -> Any:
        entry = worklog.work_log_get(user=request.user, case=case, pk=pk)
        return worklog.work_log_void(entry=entry, by=request.user)

    return run_action(request, case, work, action="work_log", done=ENTRY_VOIDED)


urlpatterns: list[URLPattern] = [
    path("macros/", macro_list, name="macro_list"),
    path("macros/new/", macro_create, name="macro_create"),
    path("macros/<int:pk>/edit/", macro_edit, name="macro_edit"),
    path("macros/<int:pk>/retire/", macro_retire, name="macro_retire"),
    path("<str:number>/macros/apply/", macro_apply, name="macro_apply"),
    path("<str:number>/work-log/", work_log_add, name="work_log_add"),
    path("<str:number>/work-log/<int:pk>/void/", work_log_void, name="work_log_void"),
]
