"""Console pages for returns and exchanges: the queue by next promise, a request with its steps."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.html_errors import flash_error
from aftersales.core.list_pages import ListFilter, get_or_404, list_page
from aftersales.core.moments import typed_moment
from aftersales.core.uploads import stored_file_response
from aftersales.rma import return_access, returns
from aftersales.rma import return_selectors as selectors
from aftersales.rma.models import PhotoStage, ReturnKind, ReturnRequest, ReturnStatus
from aftersales.sla.selectors import promise_views, promise_views_for

PER_PAGE = 50
DONE = _("Done.")
PHOTO_ADDED = _("Photo added.")


class ReturnFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses"))] + ReturnStatus.choices
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + ReturnKind.choices
    )
    inactive = None


def _with_clocks(rows: list[ReturnRequest]) -> None:
    clocks = promise_views_for("return", [r.pk for r in rows], timezone.now())
    for row in rows:
        row.clocks = clocks.get(row.pk, [])


@permission_required("rma.view_rma")
def return_list(request: HttpRequest) -> HttpResponse:
    filters = ReturnFilter(request.GET)
    qs = selectors.return_list(
        user=request.user,
        filters=selectors.ReturnFilters(
            status=filters.value("status") or "",
            kind=filters.value("kind") or "",
            q=filters.value("q") or "",
        ),
    )
    return list_page(request, "rma/return_list.html", qs, filters, _with_clocks, PER_PAGE)


def _get(request: HttpRequest, number: str) -> ReturnRequest:
    try:
        return selectors.return_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc


@permission_required("rma.view_rma")
def return_detail(request: HttpRequest, number: str) -> HttpResponse:
    obj = _get(request, number)
    context = {
        "obj": obj,
        "clocks": promise_views("return", obj.pk, timezone.now()),
        "events": selectors.activities_for_user(user=request.user, request=obj),
        "actions": return_access.available_actions(request.user, obj),
        "stages": PhotoStage.choices if request.user.has_perm("rma.work_rma") else (),
    }
    return render(request, "rma/return_detail.html", context)


def _at(post: QueryDict) -> dt.datetime | None:
    return typed_moment(post.get("at", ""))


STEPS = {
    "approve": lambda r, u, p: returns.return_approve(request=r, by=u, at=_at(p)),
    "reject": lambda r, u, p: returns.return_reject(
        request=r, by=u, reason=p.get("reason", ""), at=_at(p)
    ),
    "receive": lambda r, u, p: returns.return_receive(request=r, by=u, at=_at(p)),
    "inspect": lambda r, u, p: returns.return_inspect(
        request=r, by=u, passed=p.get("passed") == "1", notes=p.get("notes", ""), at=_at(p)
    ),
    "refund": lambda r, u, p: returns.return_refund(
        request=r, by=u, amount=p.get("amount", ""), at=_at(p)
    ),
    "exchange": lambda r, u, p: returns.return_exchange(
        request=r, by=u, replacement_serial=p.get("replacement_serial", ""), at=_at(p)
    ),
    "close": lambda r, u, p: returns.return_close(request=r, by=u, at=_at(p)),
}


@permission_required("rma.work_rma")
@require_POST
def return_step(request: HttpRequest, number: str, action: str) -> HttpResponse:
    obj = _get(request, number)
    if action not in STEPS:
        raise Http404
    try:
        STEPS[action](obj, request.user, request.POST)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    return redirect("returns:detail", number=obj.number)


@permission_required("rma.view_rma")
@require_POST
def return_photo_add(request: HttpRequest, number: str) -> HttpResponse:
    obj = _get(request, number)
    try:
        returns.return_photo_add(
            request=obj,
            by=request.user,
            file=request.FILES.get("photo"),
            stage=request.POST.get("stage", PhotoStage.EVIDENCE),
        )
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, PHOTO_ADDED)
    return redirect("returns:detail", number=obj.number)


@permission_required("rma.view_rma")
def return_photo(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    photo = get_or_404(
        returns.photo_get_for_user, request, pk, return_request=_get(request, number)
    )
    return stored_file_response(photo.file, name=photo.name, content_type=photo.content_type)


app_name = "returns"
urlpatterns = [
    path("", return_list, name="list"),
    path("<str:number>/", return_detail, name="detail"),
    path("<str:number>/photos/", return_photo_add, name="photo_add"),
    path("<str:number>/photos/<int:pk>/", return_photo, name="photo"),
    path("<str:number>/<str:action>/", return_step, name="step"),
]
