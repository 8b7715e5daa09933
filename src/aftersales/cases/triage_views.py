"""Staff console: the e-mail triage queue (mail nobody could route) and its three actions.

Include with `*triage_views.urlpatterns` at the top of cases/urls.py, before the
"<str:number>/" patterns that would otherwise read "triage" as a case number.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.cases import selectors as case_selectors
from aftersales.cases.mail import selectors, triage
from aftersales.cases.mail.forms import TRIAGE_TABS, AttachForm, CreateCaseForm, IgnoreForm
from aftersales.cases.mail.intake import CASE_NUMBER
from aftersales.cases.models import InboundEmail, InboundEmailStatus
from aftersales.core.errors import ApplicationError, Invalid, NotFound
from aftersales.core.html_errors import add_form_error
from aftersales.core.pagination import console_page
from aftersales.registry.selectors import customer_get_for_user

PER_PAGE = 50
PERMISSION = selectors.TRIAGE_PERMISSION
CASE_OPENED = _("Case %(number)s opened from the e-mail.")
ATTACHED = _("The e-mail was added to case %(number)s.")
IGNORED = _("The e-mail was set aside.")
UNKNOWN_CUSTOMER = _("No active customer has this code.")
UNKNOWN_CASE = _("No case has this number.")


def _mail_or_404(request: HttpRequest, pk: int) -> InboundEmail:
    try:
        return selectors.inbound_email_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@permission_required(PERMISSION)
def triage_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or InboundEmailStatus.TRIAGE
    if status not in TRIAGE_TABS:
        status = InboundEmailStatus.TRIAGE
    qs = selectors.inbound_emails_for_user(user=request.user, status=status)
    page_obj = console_page(request, qs, per_page=PER_PAGE)
    tabs = [(value, InboundEmailStatus(value).label) for value in TRIAGE_TABS]
    return render(
        request,
        "cases/triage_list.html",
        {"page_obj": page_obj, "status": status, "tabs": tabs},
    )


def _detail(
    request: HttpRequest, mail: InboundEmail, *, status: int = 200, **forms
) -> HttpResponse:
    match = CASE_NUMBER.search(mail.subject) or CASE_NUMBER.search(mail.note)
    context = {
        "mail": mail,
        "open": mail.status in triage.OPEN_FOR_TRIAGE,
        "attachments": selectors.inbound_email_files(mail),
        "suggested": selectors.customers_suggested_for(mail=mail),
        "create_form": forms.get("create_form") or CreateCaseForm(),
        "attach_form": forms.get("attach_form")
        or AttachForm(initial={"case": match.group(0) if match else ""}),
        "ignore_form": forms.get("ignore_form") or IgnoreForm(),
    }
    return render(request, "cases/triage_detail.html", context, status=status)


@permission_required(PERMISSION)
def triage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _mail_or_404(request, pk))


def _failed(request, mail, exc: ApplicationError, form, form_name: str) -> HttpResponse:
    """Show what went wrong on the form it came from: the field's error, or a message."""
    add_form_error(form, exc)
    return _detail(request, mail, status=exc.status_code, **{form_name: form})


@require_POST
@permission_required(PERMISSION)
def triage_create_case(request: HttpRequest, pk: int) -> HttpResponse:
    mail = _mail_or_404(request, pk)
    form = CreateCaseForm(request.POST)
    if not form.is_valid():
        return _detail(request, mail, status=422, create_form=form)
    try:
        try:
            customer = customer_get_for_user(user=request.user, code=form.cleaned_data["customer"])
        except NotFound as exc:
            raise Invalid(UNKNOWN_CUSTOMER, field="customer") from exc
        case = triage.inbound_create_case(
            mail=mail,
            by=request.user,
            customer=customer,
            add_contact=form.cleaned_data["add_contact"],
        )
    except ApplicationError as exc:
        return _failed(request, mail, exc, form, "create_form")
    messages.success(request, CASE_OPENED % {"number": case.number})
    return redirect("cases:detail", number=case.number)


@require_POST
@permission_required(PERMISSION)
def triage_attach(request: HttpRequest, pk: int) -> HttpResponse:
    mail = _mail_or_404(request, pk)
    form = AttachForm(request.POST)
    if not form.is_valid():
        return _detail(request, mail, status=422, attach_form=form)
    number = form.cleaned_data["case"].strip().upper()
    try:
        try:
            case = case_selectors.case_get_for_user(user=request.user, number=number)
        except NotFound as exc:
            raise Invalid(UNKNOWN_CASE, field="case") from exc
        triage.inbound_attach_to_case(
            mail=mail, by=request.user, case=case, internal=form.cleaned_data["internal"]
        )
    except ApplicationError as exc:
        return _failed(request, mail, exc, form, "attach_form")
    messages.success(request, ATTACHED % {"number": case.number})
    return redirect("cases:detail", number=case.number)


@require_POST
@permission_required(PERMISSION)
def triage_ignore(request: HttpRequest, pk: int) -> HttpResponse:
    mail = _mail_or_404(request, pk)
    form = IgnoreForm(request.POST)
    if not form.is_valid():
        return _detail(request, mail, status=422, ignore_form=form)
    try:
        triage.inbound_ignore(mail=mail, by=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        return _failed(request, mail, exc, form, "ignore_form")
    messages.success(request, IGNORED)
    return redirect("cases:triage_list")


urlpatterns = [
    path("triage/", triage_list, name="triage_list"),
    path("triage/<int:pk>/", triage_detail, name="triage_detail"),
    path("triage/<int:pk>/create-case/", triage_create_case, name="triage_create_case"),
    path("triage/<int:pk>/attach/", triage_attach, name="triage_attach"),
    path("triage/<int:pk>/ignore/", triage_ignore, name="triage_ignore"),
]
