"""Staff console pages for contracts and warranty terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import is_staff_member
from aftersales.accounts.decorators import permission_required
from aftersales.contracts import forms, selectors, services
from aftersales.contracts.entitlement import service_level_label
from aftersales.contracts.models import ServiceContract
from aftersales.core import html_errors, timeline
from aftersales.core.errors import NotFound
from aftersales.core.pagination import console_page
from aftersales.registry import selectors as registry_selectors

PER_PAGE = 50
SAVED = html_errors.SAVED
RENEWED = _("Renewal %(number)s created.")
DEACTIVATED = _("Deactivated.")
REACTIVATED = _("Reactivated.")


def _contract(request: HttpRequest, number: str) -> ServiceContract:
    try:
        return selectors.contract_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc


def _form_page(
    request: HttpRequest, form, save: Callable[[dict], Any], success: Callable[[Any], str], **ctx
) -> HttpResponse:
    """A contract form page: core's one mapping of a refused save onto the form."""
    return html_errors.form_page(request, form, save, success, "contracts/form.html", **ctx)


@permission_required("contracts.view_servicecontract")
def contract_list(request: HttpRequest) -> HttpResponse:
    f = forms.ContractFilter(request.GET)
    qs = selectors.contract_list(
        user=request.user,
        customer=(f.value("customer") or "").strip(),
        state=f.value("state") or "",
        within_days=f.value("within_days") or 60,
        q=(f.value("q") or "").strip()[:100],
    )
    page = console_page(request, qs, per_page=PER_PAGE)
    template = "contracts/list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#rows"
    return render(request, template, {"page": page, "filters": f, "today": timezone.localdate()})


@permission_required("contracts.view_servicecontract")
def contract_detail(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    today = timezone.localdate()
    assets = contract.assets.select_related("product_model__vendor", "site")
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "level": service_level_label(contract.sla_policy.code),
            "assets": assets,
            "projects": contract.projects.all(),
            "chain": selectors.renewal_chain(contract),
            "penalty_rules": contract.penalty_rules.all(),
            "in_force": contract.is_active and contract.starts_on <= today <= contract.ends_on,
            "days_left": (contract.ends_on - today).days,
            # Staff only: contract changes are internal rows (who changed the value, when).
            "history": timeline.for_subject("contract", contract.pk, include_internal=True)
            if is_staff_member(request.user)
            else None,
        },
    )


def _customer_for_new(request: HttpRequest):
    code = request.GET.get("customer") or request.POST.get("customer_code") or ""
    try:
        return registry_selectors.customer_get_for_user(user=request.user, code=code)
    except NotFound as exc:
        raise Http404 from exc


def _included(data: dict) -> dict:
    keys = ("free_upgrades_until", "inspections_per_year", "onsite_visits", "remote_support")
    keys += ("training_days", "notes", "service_manager", "advance_replacement")
    return {k: data[k] for k in keys}


@permission_required("contracts.add_servicecontract")
def contract_create(request: HttpRequest) -> HttpResponse:
    customer = _customer_for_new(request)
    initial = {"service_manager": customer.service_manager, "service_level": "5x8"}
    form = forms.ContractForm(request.POST or None, customer=customer, initial=initial)

    def save(data: dict) -> ServiceContract:
        return services.contract_create(
            by=request.user,
            number=data["number"],
            customer=customer,
            service_level=data["service_level"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            value=data["value"],
            assets=data["assets"],
            projects=data["projects"],
            **_included(data),
        )

    return _form_page(
        request,
        form,
        save,
        lambda c: reverse("contracts:detail", args=[c.number]),
        title=_("New contract for %(customer)s") % {"customer": customer},
        cancel=reverse("registry:customer_detail", args=[customer.pk]),
        customer_code=customer.code,
    )


@permission_required("contracts.change_servicecontract")
def contract_edit(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    initial = {
        "number": contract.number,
        "service_level": contract.sla_policy.code,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "value": contract.value,
        "assets": list(contract.assets.all()),
        "projects": list(contract.projects.all()),
        "free_upgrades_until": contract.free_upgrades_until,
        "inspections_per_year": contract.inspections_per_year,
        "onsite_visits": contract.onsite_visits,
        "remote_support": contract.remote_support,
        "advance_replacement": contract.advance_replacement,
        "training_days": contract.training_days,
        "service_manager": contract.service_manager,
        "notes": contract.notes,
    }
    form = forms.ContractForm(
        request.POST or None, customer=contract.customer, editing=True, initial=initial
    )

    def save(data: dict) -> ServiceContract:
        return services.contract_update(
            by=request.user,
            contract=contract,
            service_level=data["service_level"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            value=data["value"],
            assets=data["assets"],
            projects=data["projects"],
            **_included(data),
        )

    return _form_page(
        request,
        form,
        save,
        lambda c: reverse("contracts:detail", args=[c.number]),
        title=_("Edit contract %(number)s") % {"number": contract.number},
        cancel=reverse("contracts:detail", args=[contract.number]),
    )


@permission_required("contracts.add_servicecontract")
def contract_renew(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    form = forms.RenewForm(request.POST or None)

    def save(data: dict) -> ServiceContract:
        return services.contract_renew(
            by=request.user,
            contract=contract,
            number=data["number"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            value=data["value"],
            service_level=data["service_level"] or None,
        )

    return _form_page(
        request,
        form,
        save,
        lambda c: reverse("contracts:detail", args=[c.number]),
        title=_("Renew contract %(number)s") % {"number": contract.number},
        cancel=reverse("contracts:detail", args=[contract.number]),
        done=_("Renewal created."),
    )


@permission_required("contracts.change_servicecontract")
@require_POST
def contract_activation(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    active = request.POST.get("active") == "1"
    services.contract_set_active(by=request.user, contract=contract, active=active)
    messages.success(request, REACTIVATED if active else DEACTIVATED)
    return redirect("contracts:detail", number=contract.number)


# --- warranty terms ---


@permission_required("contracts.view_warrantyterm")
def warranty_term_list(request: HttpRequest) -> HttpResponse:
    return render(request, "contracts/warranty_terms.html", {"terms": selectors.warranty_terms()})


@permission_required("contracts.change_warrantyterm")
def warranty_term_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    term = None
    if pk is not None:
        try:
            term = selectors.warranty_term_get(pk=pk)
        except NotFound as exc:
            raise Http404 from exc
    initial = {}
    if term is not None:
        initial = {
            "product_model": term.product_model,
            "kind": term.kind,
            "months": term.months,
            "starts_from": term.starts_from,
            "service_level": term.service_level,
            "exclusions": term.exclusions,
            "is_active": term.is_active,
        }
    form = forms.WarrantyTermForm(request.POST or None, initial=initial)

    def save(data: dict):
        return services.warranty_term_save(by=request.user, term=term, **data)

    return _form_page(
        request,
        form,
        save,
        lambda t: reverse("contracts:warranty_terms"),
        title=_("Warranty term") if term else _("New warranty term"),
        cancel=reverse("contracts:warranty_terms"),
    )


urlpatterns = [
    path("", contract_list, name="list"),
    path("new/", contract_create, name="create"),
    path("warranty-terms/", warranty_term_list, name="warranty_terms"),
    path("warranty-terms/new/", warranty_term_edit, name="warranty_term_create"),
    path("warranty-terms/<int:pk>/", warranty_term_edit, name="warranty_term_edit"),
    path("<str:number>/", contract_detail, name="detail"),
    path("<str:number>/edit/", contract_edit, name="edit"),
    path("<str:number>/renew/", contract_renew, name="renew"),
    path("<str:number>/activation/", contract_activation, name="activation"),
]
