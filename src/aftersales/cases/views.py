"""Staff console: the case queue, saved views, bulk assignment and the intake form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import has_role
from aftersales.accounts.decorators import permission_required
from aftersales.accounts.roles import Role
from aftersales.cases import (
    access,
    export,
    forms,
    organize,
    pickers,
    preferences,
    selectors,
    services,
)
from aftersales.cases.models import Case
from aftersales.cases.uploads import limit_mb
from aftersales.core.errors import ApplicationError, Conflict, Forbidden, Invalid, NotFound
from aftersales.core.html_errors import add_form_error
from aftersales.core.pagination import console_page

PER_PAGE = 50
SORT_ORDER = {
    "-created": ("-created_at", "-id"),
    # Overdue and nearest promises first; cases without a running promise last.
    "due": (F("sla_due_at").asc(nulls_last=True), "-created_at", "-id"),
    "created": ("created_at", "id"),
    "priority": ("priority", "-created_at", "-id"),
    "-priority": ("-priority", "-created_at", "-id"),
}
CASE_OPENED = _("Case %(number)s opened.")
VIEW_SAVED = _("View “%(name)s” saved.")
VIEW_DELETED = _("View deleted.")
NOTHING_CHOSEN = _("Tick at least one case.")
BULK_ASSIGNED = _("Assigned to %(engineer)s: %(numbers)s.")


def default_tab(user: Any) -> str:
    """Engineers start on their own cases; the seat and managers on everything."""
    return "mine" if has_role(user, Role.ENGINEER, Role.EXPERT) else "all"


def _queue_filter(request: HttpRequest, engineers: list) -> forms.QueueFilter:
    return forms.QueueFilter(
        request.GET,
        case_types=pickers.case_types_for_picker(),
        vendors=pickers.vendors_for_picker(),
        engineers=engineers,
    )


# The reports' dimensions a dashboard link may carry (not in QueueFilter: no picker shows them).
REPORT_DIMENSIONS = {"contract": 40, "region": 20, "team": 40, "product": 120}
DIMENSION_LABELS = {
    "contract": _("Contract"),
    "region": _("Region"),
    "team": _("Team"),
    "product": _("Product"),
}


def report_dimensions(request: HttpRequest) -> dict[str, str]:
    return {
        name: request.GET.get(name, "").strip()[:size].replace("\x00", "")
        for name, size in REPORT_DIMENSIONS.items()
    }


def _queue_filters(
    request: HttpRequest, f: forms.QueueFilter
) -> tuple[selectors.CaseFilters, str, str]:
    """(filters, tab, sort) of the queue's query string: the list and its export share them."""
    tab = f.value("tab") or default_tab(request.user)
    after, before = f.created_range()
    filters = selectors.CaseFilters(
        status=f.value("status") or "",
        priority=f.value("priority") or "",
        customer=(f.value("customer") or "").strip(),
        case_type=f.value("case_type") or "",
        vendor=f.value("vendor") or "",
        assignee=f.value("assignee") or "",
        created_after=after,
        created_before=before,
        q=f.value("q") or "",
        queue="" if tab == "all" else tab,
        tag=request.GET.get("tag", "")[:40],  # organize: the tag filter (not in QueueFilter)
        **report_dimensions(request),
    )
    return filters, tab, f.value("sort") or "-created"


@permission_required("cases.view_case")
def case_list(request: HttpRequest) -> HttpResponse:
    can_assign = request.user.has_perm("cases.assign_case")
    # Counting every engineer's open cases is the page's dearest read: only for bulk assignment.
    picker = pickers.engineers_for_picker if can_assign else pickers.engineer_names_for_picker
    engineers = list(picker())
    f = _queue_filter(request, engineers)
    filters, tab, sort = _queue_filters(request, f)
    qs = selectors.case_search(user=request.user, filters=filters).order_by(*SORT_ORDER[sort])
    page = console_page(request, qs, per_page=PER_PAGE, cap=selectors.CASE_COUNT_CAP)
    selectors.with_promises(page.object_list, timezone.now())
    queue_tags = organize.queue_tags(page.object_list, user=request.user)
    context = {
        "page": page,
        "filters": f,
        "tab": tab,
        "tabs": forms.QUEUES,
        "sort": sort,
        "engineers": engineers,
        "saved_views": preferences.saved_views_for(user=request.user),
        "saved_view_form": forms.SavedViewForm(),
        "can_assign": can_assign,
        "can_bulk": organize.can_bulk(request.user),
        "queue_tags": queue_tags,
        "can_create": access.can_create_case(request.user),
        "dimensions": [
            (name, DIMENSION_LABELS[name], getattr(filters, name))
            for name in REPORT_DIMENSIONS
            if getattr(filters, name)
        ],
    }
    template = "cases/list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template = "cases/list.html#rows"
    return render(request, template, context)


@permission_required("cases.view_case")
def case_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The queue as CSV or XLSX, with the page's own filters, search and order."""
    if fmt not in export.FORMATS:
        raise Http404
    f = _queue_filter(request, list(pickers.engineer_names_for_picker()))
    filters, _tab, sort = _queue_filters(request, f)
    try:
        qs = selectors.case_export(user=request.user, filters=filters).order_by(*SORT_ORDER[sort])
    except Forbidden as exc:
        raise PermissionDenied from exc
    name = f"cases-{timezone.localtime():%Y%m%d-%H%M}"
    return export.export_response(qs, fmt=fmt, filename=name)


def _back_to_queue(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("cases:list")


@require_POST
@permission_required("cases.view_case")
def saved_view_create(request: HttpRequest) -> HttpResponse:
    form = forms.SavedViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(_back_to_queue(request))
    try:
        view = preferences.saved_view_save(user=request.user, **form.cleaned_data)
    except Invalid as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _t(VIEW_SAVED) % {"name": view.name})
    return redirect(_back_to_queue(request))


@require_POST
@permission_required("cases.view_case")
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        preferences.saved_view_delete(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, VIEW_DELETED)
    return redirect(_back_to_queue(request))


def _parse_ticked(values: list[str]) -> list[tuple[str, int | None]]:
    """Ticked rows arrive as NUMBER:VERSION so a case changed since the list shows a conflict."""
    ticked = []
    for value in values:
        number, _sep, version = value.partition(":")
        ticked.append((number, int(version) if version.isdigit() else None))
    return ticked


@require_POST
@permission_required("cases.assign_case")
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign each ticked case through case_assign; report successes and conflicts per case."""
    back = _back_to_queue(request)
    ticked = _parse_ticked(request.POST.getlist("cases"))
    engineer = pickers.engineers_for_picker().filter(pk=request.POST.get("engineer") or 0).first()
    if not ticked:
        messages.error(request, NOTHING_CHOSEN)
        return redirect(back)
    if engineer is None:
        messages.error(request, services.NOT_AN_ENGINEER)
        return redirect(back)
    done = []
    for number, version in ticked:
        try:
            case = selectors.case_get_for_user(user=request.user, number=number)
            services.case_assign(case=case, engineer=engineer, by=request.user, version=version)
        except (Conflict, Invalid, NotFound) as exc:
            messages.warning(request, f"{number}: {exc.message}")
        else:
            done.append(number)
    if done:
        messages.success(
            request, _t(BULK_ASSIGNED) % {"engineer": engineer, "numbers": ", ".join(done)}
        )
    return redirect(back)


# --- intake ---


@permission_required("cases.add_case")
def case_new(request: HttpRequest) -> HttpResponse:
    initial = {
        "customer": request.GET.get("customer", ""),
        "contact": request.GET.get("contact", ""),
        "serial_number": request.GET.get("serial", ""),
    }
    form = forms.CaseCreateForm(
        request.POST or None, request.FILES or None, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        case = _create(request, form)
        if case is not None:
            messages.success(request, _t(CASE_OPENED) % {"number": case.number})
            return redirect("cases:detail", number=case.number)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "upload_limit_mb": limit_mb()}
    return render(request, "cases/new.html", context, status=status)


def _create(request: HttpRequest, form: forms.CaseCreateForm) -> Case | None:
    """Open the case and store its files in one transaction; map service errors to fields."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            case = services.case_create(
                by=request.user,
                customer=data["customer"],
                contact=data["contact"],
                caller_name=data["caller_name"],
                caller_phone=data["caller_phone"],
                serial_number=data["serial_number"],
                case_type=data["case_type"],
                priority=data["priority"],
                service_mode=data["service_mode"],
                channel=data["channel"],
                title=data["title"],
                description=data["description"],
                fault_symptom=data["fault_symptom"],
                is_major=data["is_major"],
            )
            for upload in data["attachments"]:
                services.attachment_add(case=case, by=request.user, file=upload)
    except ApplicationError as exc:
        add_form_error(form, exc, rename={"file": "attachments"})
        return None
    return case


@permission_required("cases.add_case")
def contact_options(request: HttpRequest) -> HttpResponse:
    """The contact <select> options of the customer code typed so far (HTMX)."""
    customer = forms.customer_by_code(request.user, request.GET.get("customer", ""))
    choices = forms.contact_choices(request.user, customer)
    return render(
        request,
        "cases/new.html#contact_options",
        {"contact_choices": choices, "customer_found": customer is not None},
    )
