"""Staff console: a contract's penalties per period, and waiving a line."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import can
from aftersales.accounts.decorators import staff_required
from aftersales.core.errors import ApplicationError, Forbidden, NotFound
from aftersales.sla import selectors, services

BAD_DATE = _("Enter dates as YYYY-MM-DD.")
WAIVED = _("The penalty line is waived.")


def _date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    return dt.date.fromisoformat(value) if value else None


def _gate(request: HttpRequest) -> None:
    try:
        selectors.require_penalty_reader(request.user)
    except Forbidden as exc:
        raise PermissionDenied from exc
    except NotFound as exc:
        raise Http404 from exc


@staff_required
def penalties(request: HttpRequest) -> HttpResponse:
    """?contract=NUMBER&from=YYYY-MM-DD&to=YYYY-MM-DD"""
    _gate(request)
    number = request.GET.get("contract", "").strip()
    context = {
        "number": number,
        "start": request.GET.get("from", ""),
        "end": request.GET.get("to", ""),
        "statement": None,
        "can_waive": can(request.user, selectors.WAIVE_PENALTY),
        "error": "",
    }
    if number:
        try:
            start, end = _date(context["start"]), _date(context["end"])
        except ValueError:
            context["error"] = BAD_DATE
        else:
            try:
                context["statement"] = selectors.penalty_statement_for_user(
                    user=request.user, number=number, start=start, end=end
                )
            except NotFound as exc:
                context["error"] = exc.message
    return render(request, "sla/penalties.html", context)


@require_POST
@staff_required
def penalty_waive(request: HttpRequest) -> HttpResponse:
    _gate(request)
    try:
        services.penalty_waive(
            line_id=request.POST.get("line", ""),
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    except Forbidden as exc:
        raise PermissionDenied from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, WAIVED)
    query = {k: request.POST.get(k, "") for k in ("contract", "from", "to")}
    return redirect(reverse("sla:penalties") + "?" + urlencode(query))
