"""The bell's pages: the full list, the badge and dropdown partials, open one, mark all read."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.decorators import staff_required
from aftersales.core.errors import NotFound
from aftersales.core.pagination import console_page
from aftersales.notify import notices

PER_PAGE = 25
# HTMX stops polling on this status: a signed-out page must not ask every 30 s for ever.
STOP_POLLING = 286
BELL = "notify/_bell.html"


def _polled(view):
    """A polled partial answers a signed-out page "stop" instead of the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if getattr(request, "htmx", False) and not request.user.is_authenticated:
            return HttpResponse(status=STOP_POLLING)
        return view(request, *args, **kwargs)

    return wrapper


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("notify:notices")


@require_GET
@staff_required
def notice_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = notices.notices_for_user(user=request.user, unread=unread_only, unread_first=True)
    context = {
        "page": console_page(request, qs, per_page=PER_PAGE),
        "unread_only": unread_only,
        "unread": notices.unread_count(request.user),
    }
    return render(request, "notify/notices.html", context)


@_polled
@require_GET
@staff_required
def notice_badge(request: HttpRequest) -> HttpResponse:
    return render(request, f"{BELL}#badge", {"unread": notices.unread_count(request.user)})


@require_GET
@staff_required
def notice_menu(request: HttpRequest) -> HttpResponse:
    latest = notices.latest_notices(request.user)
    return render(request, f"{BELL}#menu", {"latest": latest, "loaded": True})


@require_GET
@staff_required
def notice_open(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark the notice read and go to what it is about (the list when it names nothing)."""
    try:
        notice = notices.notice_mark_read(user=request.user, notice_id=notice_id)
    except NotFound as exc:
        raise Http404 from exc
    return redirect(_safe_next(request, notice.url))


@require_POST
@staff_required
def notices_read_all(request: HttpRequest) -> HttpResponse:
    notices.notices_mark_all_read(user=request.user)
    return redirect(_safe_next(request, request.POST.get("next", "")))


urlpatterns: list[URLPattern] = [
    path("notices/", notice_list, name="notices"),
    path("notices/badge/", notice_badge, name="notice_badge"),
    path("notices/menu/", notice_menu, name="notice_menu"),
    path("notices/read-all/", notices_read_all, name="notices_read_all"),
    path("notices/<int:notice_id>/", notice_open, name="notice_open"),
]
