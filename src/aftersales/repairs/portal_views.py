"""The customer's side of a repair: see the quote, approve or refuse it, confirm the repair."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import contact_required
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.repairs import selectors, services
from aftersales.repairs.api import report_response
from aftersales.repairs.forms import SignOffForm
from aftersales.repairs.models import RepairOrder

APPROVED = _("Thank you: the quote is approved and the work will start.")
REFUSED = _("The quote was refused; your device will be returned.")
SIGNED = _("Thank you for confirming the repair. The service report is ready.")


def _order(request: HttpRequest, pk: int) -> RepairOrder:
    try:
        return selectors.repair_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


def _page(request: HttpRequest, order: RepairOrder, form=None, status: int = 200) -> HttpResponse:
    contact = getattr(request.user, "contact", None)
    return render(
        request,
        "repairs/portal_detail.html",
        {
            "order": order,
            "parts": order.parts.all(),
            "form": form or SignOffForm(initial={"name": getattr(contact, "name", "")}),
        },
        status=status,
    )


@contact_required
def my_repair(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _order(request, pk))


@contact_required
@require_POST
def my_repair_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
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
        messages.error(request, str(exc.message))
        return _page(request, _order(request, pk), form, status=exc.status_code)
    messages.success(request, done)
    return redirect("repairs:portal_detail", pk=order.pk)


@contact_required
def my_repair_report(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not order.report_id:
        raise Http404
    return report_response(order)


urlpatterns = [
    path("portal/<int:pk>/", my_repair, name="portal_detail"),
    path("portal/<int:pk>/report.pdf", my_repair_report, name="portal_report"),
    path("portal/<int:pk>/<str:action>/", my_repair_action, name="portal_action"),
]
