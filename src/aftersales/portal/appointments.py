"""The customer's appointments on the portal: when the engineer comes, pick a proposed slot or
ask for other times."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import contact_required
from aftersales.core.errors import ApplicationError
from aftersales.core.html_errors import flash_error
from aftersales.core.list_pages import get_or_404
from aftersales.fieldservice import appointment_access as rules
from aftersales.fieldservice import appointment_selectors as selectors
from aftersales.fieldservice import appointments

CONFIRMED = _("Thank you: the time is confirmed.")
RESCHEDULE_ASKED = _("We will call you to agree on other times.")


@contact_required
def appointment_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.appointment_list(user=request.user, filters=selectors.AppointmentFilters())
    rows = rows.order_by("-starts_at", "-pk")[:100]
    return render(request, "portal/appointment_list.html", {"rows": rows})


@contact_required
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_or_404(selectors.appointment_get_for_user, request, pk)
    context = {
        "obj": obj,
        "slots": list(obj.slots.all()),
        "can_choose": rules.can_choose(request.user, obj),
        "can_reschedule": rules.can_ask_reschedule(request.user, obj),
    }
    return render(request, "portal/appointment_detail.html", context)


@contact_required
@require_POST
def appointment_choose(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_or_404(selectors.appointment_get_for_user, request, pk)
    slot = request.POST.get("slot", "")
    try:
        appointments.appointment_choose(
            appointment=obj, by=request.user, slot_id=int(slot) if slot.isdigit() else 0
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, CONFIRMED)
    return redirect("portal:appointment_detail", pk=obj.pk)


@contact_required
@require_POST
def appointment_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_or_404(selectors.appointment_get_for_user, request, pk)
    try:
        appointments.appointment_ask_reschedule(
            appointment=obj, by=request.user, text=request.POST.get("text", "")
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, RESCHEDULE_ASKED)
    return redirect("portal:appointment_detail", pk=obj.pk)


urlpatterns = [
    path("appointments/", appointment_list, name="appointment_list"),
    path("appointments/<int:pk>/", appointment_detail, name="appointment_detail"),
    path("appointments/<int:pk>/choose/", appointment_choose, name="appointment_choose"),
    path(
        "appointments/<int:pk>/reschedule/", appointment_reschedule, name="appointment_reschedule"
    ),
]
