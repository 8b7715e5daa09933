"""Console pages of the callbacks: the agent's queue, a callback with its script and the attempt
form, the problems raised (key problems flagged) and the coverage table."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core.errors import ApplicationError, Invalid, NotFound
from aftersales.core.html_errors import flash_error
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.core.moments import typed_moment
from aftersales.feedback import callback_access, callbacks
from aftersales.feedback import callback_selectors as selectors
from aftersales.feedback.callback_generation import month_period, parse_period
from aftersales.feedback.models import (
    Callback,
    CallbackItem,
    CallbackItemStatus,
    CallbackOutcome,
    CallbackRule,
    CallbackStatus,
    Department,
)
from aftersales.sla.selectors import promise_views

PER_PAGE = 50
DONE = _("Done.")
ITEM_RAISED = _("Problem raised: %(number)s.")
GENERATED = _("Call list built: %(created)s added, %(existing)s already listed.")
BAD_NUMBER = _("Give a whole number.")


class CallbackFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(selectors.OPEN, _("To call")), ("", _("All statuses"))] + CallbackStatus.choices,
    )
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    period = forms.CharField(label=_("Period"), required=False, max_length=8)
    customer = forms.CharField(label=_("Customer code"), required=False, max_length=40)
    inactive = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rules = CallbackRule.objects.values_list("code", "name")
        self.fields["rule"].choices = [("", _("All rules")), *rules]


class ItemFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(selectors.OPEN, _("Not closed")), ("", _("All statuses"))]
        + CallbackItemStatus.choices,
    )
    key = forms.BooleanField(label=_("Key problems only"), required=False)
    inactive = None


def _queue_status(request: HttpRequest, filters: CallbackFilter) -> str:
    # The queue opens on what is still to call; "All statuses" is an explicit empty choice.
    if "status" not in request.GET:
        return selectors.OPEN
    return filters.value("status") or ""


def _period_or_blank(value: str) -> str:
    # A mistyped period in the queue's filter shows every period rather than an error page.
    try:
        return parse_period(value).code if value else ""
    except Invalid:
        return ""


@permission_required(callback_access.VIEW)
def callback_list(request: HttpRequest) -> HttpResponse:
    filters = CallbackFilter(request.GET)
    qs = selectors.callback_list(
        user=request.user,
        filters=selectors.CallbackFilters(
            period=_period_or_blank(filters.value("period") or ""),
            status=_queue_status(request, filters),
            rule=filters.value("rule") or "",
            customer=filters.value("customer") or "",
            q=filters.value("q") or "",
        ),
    )
    return list_page(
        request,
        "feedback/callback_list.html",
        qs,
        filters,
        None,
        PER_PAGE,
        status=_queue_status(request, filters),
    )


def _get(request: HttpRequest, pk: int) -> Callback:
    try:
        return selectors.callback_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@permission_required(callback_access.VIEW)
def callback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    callback = _get(request, pk)
    context = {
        "obj": callback,
        "calls": callback.calls.select_related("agent"),
        "items": callback.items.order_by("raised_at"),
        "events": selectors.callback_activities(callback),
        "can_attempt": callback_access.can_attempt(request.user, callback),
        "can_raise": callback_access.can_raise(request.user, callback),
        "outcomes": CallbackOutcome.choices,
        "departments": Department.choices,
        "ratings": range(1, 6),
    }
    return render(request, "feedback/callback_detail.html", context)


def _int(post: QueryDict, name: str) -> int | None:
    value = (post.get(name) or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 3:
        raise Invalid(BAD_NUMBER, field=name)
    return int(value)


def _at(post: QueryDict, name: str = "at") -> dt.datetime | None:
    return typed_moment(post.get(name, ""), field=name)


@permission_required(callback_access.WORK)
@require_POST
def callback_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    callback = _get(request, pk)
    post = request.POST
    try:
        callbacks.callback_attempt(
            callback=callback,
            by=request.user,
            outcome=post.get("outcome", ""),
            rating=_int(post, "rating"),
            engineer_rating=_int(post, "engineer_rating"),
            notes=post.get("notes", ""),
            retry_at=_at(post, "retry_at"),
            at=_at(post),
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    return redirect("callbacks:detail", pk=callback.pk)


@permission_required(callback_access.WORK)
@require_POST
def callback_item_raise(request: HttpRequest, pk: int) -> HttpResponse:
    callback = _get(request, pk)
    try:
        item = callbacks.callback_item_raise(
            callback=callback,
            by=request.user,
            text=request.POST.get("text", ""),
            department=request.POST.get("department", ""),
        )
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect("callbacks:detail", pk=callback.pk)
    messages.success(request, ITEM_RAISED % {"number": item.number})
    return redirect("callbacks:item_detail", number=item.number)


@permission_required(callback_access.VIEW)
def item_list(request: HttpRequest) -> HttpResponse:
    filters = ItemFilter(request.GET)
    status = selectors.OPEN if "status" not in request.GET else filters.value("status") or ""
    qs = selectors.item_list(
        user=request.user,
        filters=selectors.ItemFilters(
            status=status, key=True if filters.value("key") else None, q=filters.value("q") or ""
        ),
    )
    return list_page(request, "feedback/callback_item_list.html", qs, filters, None, PER_PAGE)


def _get_item(request: HttpRequest, number: str) -> CallbackItem:
    try:
        return selectors.item_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc


@permission_required(callback_access.VIEW)
def item_detail(request: HttpRequest, number: str) -> HttpResponse:
    item = _get_item(request, number)
    context = {
        "obj": item,
        "clocks": promise_views("callback_item", item.pk, timezone.now()),
        "events": selectors.item_activities(item),
        "actions": callback_access.available_item_actions(request.user, item),
    }
    return render(request, "feedback/callback_item_detail.html", context)


ITEM_STEPS = {
    "solve": lambda i, u, p: callbacks.callback_item_solve(
        item=i, by=u, solution=p.get("solution", ""), at=_at(p)
    ),
    "tell": lambda i, u, p: callbacks.callback_item_tell(item=i, by=u, at=_at(p)),
    "confirm": lambda i, u, p: callbacks.callback_item_confirm(
        item=i, by=u, satisfied=p.get("satisfied") == "1", text=p.get("text", ""), at=_at(p)
    ),
}


@permission_required(callback_access.VIEW)
@require_POST
def item_step(request: HttpRequest, number: str, action: str) -> HttpResponse:
    item = _get_item(request, number)
    if action not in ITEM_STEPS:
        raise Http404
    try:
        ITEM_STEPS[action](item, request.user, request.POST)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    return redirect("callbacks:item_detail", number=item.number)


@permission_required(callback_access.VIEW)
def coverage(request: HttpRequest) -> HttpResponse:
    """Due vs contacted per rule for a period (this month unless `?period=` names one)."""
    value = (request.GET.get("period") or "").strip()
    error = ""
    try:
        period = parse_period(value, loc="query") if value else None
    except Invalid as exc:
        error, period = str(exc.message), None
    period = period or month_period(timezone.localdate())
    rows = selectors.callback_coverage(user=request.user, period=period)
    context = {
        "period": period,
        "rows": rows,
        "total": selectors.coverage_total(rows),
        "error": error,
        "can_generate": callback_access.can_generate(request.user, None),
    }
    return render(request, "feedback/callback_coverage.html", context)


@permission_required(callback_access.GENERATE)
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    period = request.POST.get("period", "")
    try:
        result = callbacks.callbacks_build(by=request.user, period=period)
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect("callbacks:coverage")
    messages.success(request, GENERATED % result)
    return redirect(f"{reverse('callbacks:coverage')}?{urlencode({'period': period})}")


app_name = "callbacks"
urlpatterns = [
    path("", callback_list, name="list"),
    path("coverage/", coverage, name="coverage"),
    path("generate/", generate, name="generate"),
    path("items/", item_list, name="item_list"),
    path("items/<str:number>/", item_detail, name="item_detail"),
    path("items/<str:number>/<str:action>/", item_step, name="item_step"),
    path("<int:pk>/", callback_detail, name="detail"),
    path("<int:pk>/attempt/", callback_attempt, name="attempt"),
    path("<int:pk>/items/", callback_item_raise, name="item_raise"),
]
