"""Staff console: a contract's penalties per period, and waiving a line."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import can
from aftersales.accounts.decorators import staff_required
from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.contracts import penalties as book
from aftersales.core import html_errors
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.form_fields import validate_date_range

BAD_DATE = _("Enter dates as YYYY-MM-DD.")
WAIVED = _("The penalty line is waived.")


def _date(value: str | None) -> dt.date | None:
    """A YYYY-MM-DD day in the accepted range (core.form_fields); ValidationError otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(BAD_DATE) from exc
    validate_date_range(day)
    return day


def _gate(request: HttpRequest) -> None:
    try:
        book.require_penalty_reader(request.user)
    except ApplicationError as exc:
        html_errors.raise_http(exc)
        raise


@access(staff_perm(book.VIEW_PENALTIES))
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
        "can_waive": can(request.user, book.WAIVE_PENALTY),
        "error": "",
    }
    if not number:
        context["breached"] = book.contracts_with_breaches(user=request.user)
    if number:
        try:
            start, end = _date(context["start"]), _date(context["end"])
        except ValidationError as exc:
            context["error"] = exc.messages[0]
        else:
            try:
                context["statement"] = book.penalty_statement_for_user(
                    user=request.user, number=number, start=start, end=end
                )
            except NotFound as exc:
                context["error"] = exc.message
    return render(request, "sla/penalties.html", context)


@access(staff_perm(book.VIEW_PENALTIES, book.WAIVE_PENALTY))
@require_POST
@staff_required
def penalty_waive(request: HttpRequest) -> HttpResponse:
    _gate(request)
    try:
        book.penalty_waive(
            line_id=request.POST.get("line", ""),
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    except NotFound as exc:
        # The line comes from the form, not the address: a stale one is said on the page.
        messages.error(request, exc.message)
    except ApplicationError as exc:
        html_errors.flash_error(request, exc)
    else:
        messages.success(request, WAIVED)
    query = {k: request.POST.get(k, "") for k in ("contract", "from", "to")}
    return redirect(reverse("penalties:penalties") + "?" + urlencode(query))
