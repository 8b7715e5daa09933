"""The customer portal: a contact's own organisation, its equipment and its cases."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import customer_id_of
from aftersales.accounts.decorators import contact_required
from aftersales.cases import selectors as case_selectors
from aftersales.cases import services as case_services
from aftersales.cases.detail_views import add_comment, attachment_response, get_case, timeline
from aftersales.cases.forms import PortalCaseForm
from aftersales.cases.models import OPEN_STATUSES, Case, Channel, Status
from aftersales.cases.uploads import limit_mb
from aftersales.core.errors import ApplicationError, Conflict, Invalid
from aftersales.core.html_errors import add_form_error, raise_http
from aftersales.core.pagination import console_page
from aftersales.portal import knowledge
from aftersales.portal.equipment import with_warranty_ends
from aftersales.registry import selectors
from aftersales.repairs import selectors as repair_selectors

PER_PAGE = 50
HOME_CASES = 10
HOME_REPAIRS = 5
HOME_ASSETS = 10  # the equipment page lists them all, with paging
# What a customer may do on their own case, besides commenting.
CUSTOMER_ACTIONS = ("confirm", "reject", "reopen")
STATES = {"open": "open", "closed": "resolved,closed", "all": ""}
CASE_SUBMITTED = _("Your request %(number)s was received. We will contact you shortly.")
THANKS = _("Thank you.")
COMMENTED = _("Your message was added.")


def _customer(user: Any):
    customer = selectors.customers_for_user(user).filter(pk=customer_id_of(user)).first()
    if customer is None:  # the organisation was deactivated
        raise Http404
    return customer


@contact_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    customer = _customer(user)
    assets = (
        selectors.assets_for_user(user)
        .select_related("product_model__vendor", "site")
        .order_by("serial_number")[:HOME_ASSETS]
    )
    contacts = selectors.contacts_for_user(user).order_by("name")
    projects = selectors.projects_for_user(user).order_by("code")
    open_cases = (
        case_selectors.cases_for_user(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("case_type")
        .order_by("-created_at")[:HOME_CASES]
    )
    # Solved cases wait for the customer's word: first on the page, oldest first.
    to_confirm = (
        case_selectors.cases_for_user(user)
        .filter(status=Status.RESOLVED)
        .select_related("assignee")
        .order_by("resolved_at", "id")[:HOME_CASES]
    )
    assets = list(assets)
    with_warranty_ends(assets)
    repairs = repair_selectors.repair_search(user=user, status="", q="")[:HOME_REPAIRS]
    return render(
        request,
        "portal/home.html",
        {
            "customer": customer,
            "assets": assets,
            "contacts": contacts,
            "projects": projects,
            "open_cases": open_cases,
            "to_confirm": to_confirm,
            "repairs": repairs,
        },
    )


@contact_required
def case_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    state = state if state in STATES else "open"
    q = request.GET.get("q", "").strip()[:200]
    filters = case_selectors.CaseFilters(status=STATES[state], q=q)
    qs = case_selectors.case_search(user=request.user, filters=filters)
    page = console_page(request, qs, per_page=PER_PAGE)
    return render(request, "portal/case_list.html", {"page": page, "state": state, "q": q})


@contact_required
def case_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    # "Report a problem" on the equipment page names the asset; the form ignores an unknown one.
    initial = {"asset": request.GET.get("serial_number", "")[:80]}
    form = PortalCaseForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        case = _create(request, form)
        if case is not None:
            knowledge.case_submitted_after_suggestions(request)
            messages.success(request, _t(CASE_SUBMITTED) % {"number": case.number})
            return redirect("portal:case_detail", number=case.number)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "upload_limit_mb": limit_mb()}
    return render(request, "portal/case_new.html", context, status=status)


def _create(request: HttpRequest, form: PortalCaseForm) -> Case | None:
    data = form.cleaned_data
    try:
        with transaction.atomic():
            case = case_services.case_create(
                by=request.user,
                customer=_customer(request.user),
                title=data["title"],
                description=data["description"],
                priority=data["priority"],
                case_type=data["case_type"],
                channel=Channel.PORTAL,
                serial_number=data["asset"] or "",
            )
            for upload in data["attachments"]:
                case_services.attachment_add(case=case, by=request.user, file=upload)
    except ApplicationError as exc:
        add_form_error(form, exc, rename={"serial_number": "asset", "file": "attachments"})
        return None
    return case


def _render_case(request: HttpRequest, case: Case, *, status: int = 200, **extra: Any):
    user = request.user
    actions = case_selectors.available_actions(user=user, case=case)
    context = {
        "case": case,
        "activities": timeline(user, case),
        "actions": [a for a in CUSTOMER_ACTIONS if a in actions],
        "failed": None,
        "posted": {},
        **extra,
    }
    return render(request, "portal/case_detail.html", context, status=status)


@contact_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_case(request, get_case(request, number))


def _run(request: HttpRequest, case: Case, work, *, action: str, done: Any) -> HttpResponse:
    try:
        work()
    except Conflict as exc:
        return _render_case(request, get_case(request, case.number), status=409, alert=exc.message)
    except Invalid as exc:
        failed = {"action": action, "field": exc.field or "", "message": exc.message}
        fresh = get_case(request, case.number)
        return _render_case(request, fresh, status=422, failed=failed, posted=request.POST)
    except ApplicationError as exc:
        raise_http(exc)
        raise
    messages.success(request, done)
    return redirect("portal:case_detail", number=case.number)


PORTAL_ACTIONS = {
    "confirm": case_services.case_confirm,
    "reject": case_services.case_reject,
    "reopen": case_services.case_reopen,
}


@require_POST
@contact_required
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    if action not in PORTAL_ACTIONS:
        raise Http404
    case = get_case(request, number)
    version = request.POST.get("version", "")
    service = PORTAL_ACTIONS[action]
    return _run(
        request,
        case,
        lambda: service(
            case=case,
            by=request.user,
            text=request.POST.get("text", ""),
            version=int(version) if version.isdigit() else None,
        ),
        action=action,
        done=THANKS,
    )


@require_POST
@contact_required
def case_comment(request: HttpRequest, number: str) -> HttpResponse:
    case = get_case(request, number)
    return _run(
        request,
        case,
        lambda: add_comment(request, case, internal=False),
        action="comment",
        done=COMMENTED,
    )


@contact_required
def attachment_download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = get_case(request, number)
    # Internal files stay with the staff, whatever their permissions say.
    attachment = case.attachments.filter(pk=pk, internal=False).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment)
