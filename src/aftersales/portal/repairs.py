"""The customer's repairs on the portal: the list, one order, its quote and its sign-off."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import contact_required
from aftersales.core.errors import ApplicationError
from aftersales.core.html_errors import flash_error
from aftersales.core.list_pages import ListFilter, get_or_404, list_page
from aftersales.repairs import access, selectors, services
from aftersales.repairs.api import report_response
from aftersales.repairs.forms import SignOffForm
from aftersales.repairs.models import RepairOrder

PER_PAGE = 20
APPROVED = _("Thank you: the quote is approved and the work will start.")
REFUSED = _("The quote was refused; your device will be returned.")
SIGNED = _("Thank you for confirming the repair. The service report is ready.")


class RepairFilter(ListFilter):
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open")), ("closed", _("Closed"))],
    )
    inactive = None  # repair orders are open or closed, never inactive


def _order(request: HttpRequest, pk: int) -> RepairOrder:
    return get_or_404(selectors.repair_get_for_user, request, pk)


@contact_required
def repair_list(request: HttpRequest) -> HttpResponse:
    filters = RepairFilter(request.GET)
    orders = selectors.repair_search(
        user=request.user, status=filters.value("state") or "", q=filters.value("q") or ""
    )
    return list_page(request, "portal/repair_list.html", orders, filters, per_page=PER_PAGE)


def _page(
    request: HttpRequest, order: RepairOrder, form: Any = None, status: int = 200
) -> HttpResponse:
    contact = getattr(request.user, "contact", None)
    context = {
        "order": order,
        "parts": order.parts.all(),
        "actions": access.available_actions(request.user, order),
        "form": form or SignOffForm(initial={"name": getattr(contact, "name", "")}),
    }
    return render(request, "repairs/portal_detail.html", context, status=status)


@contact_required
def repair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _order(request, pk))


@contact_required
@require_POST
def repair_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = _order(request, pk)
    user = request.user
    form = None
    try:
        if action in ("approve", "refuse"):
            services.repair_quote_decide(
                by=user, order=order, approve=action == "approve", note=request.POST.get("note", "")
            )
            done = APPROVED if action == "approve" else REFUSED
        elif action == "sign-off":
            form = SignOffForm(request.POST)
            form.is_valid()
            services.repair_sign_off(
                by=user,
                order=order,
                name=form.cleaned_data.get("name", ""),
                signature=form.cleaned_data.get("signature", ""),
            )
            done = SIGNED
        else:
            raise Http404
    except ApplicationError as exc:
        flash_error(request, exc)
        return _page(request, _order(request, pk), form, status=exc.status_code)
    messages.success(request, done)
    return redirect("portal:repair_detail", pk=order.pk)


@contact_required
def repair_report(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not order.report_id:
        raise Http404
    return report_response(order)


urlpatterns = [
    path("repairs/", repair_list, name="repair_list"),
    path("repairs/<int:pk>/", repair_detail, name="repair_detail"),
    path("repairs/<int:pk>/report.pdf", repair_report, name="repair_report"),
    path("repairs/<int:pk>/<str:action>/", repair_action, name="repair_action"),
]
