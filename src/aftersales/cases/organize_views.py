"""Console forms for tags, links, merges (on the case page) and the queue's bulk actions.

Plain POSTs that go back where they came from with a message; the services judge everything.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import staff_required
from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.cases import selectors
from aftersales.cases.services import bulk, links, tags
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.html_errors import flash_error, raise_http

TAGS_SAVED = _("Tags saved.")
LINKED = _("Linked with %(number)s.")
MERGED = _("Merged into %(number)s.")
BULK_DONE = _("Done: %(numbers)s.")
BULK_REFUSED = _("%(number)s refused: %(reason)s")

_ORGANIZE = staff_perm("cases.work_case", "cases.change_case", "cases.assign_case", any_of=True)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _on_case(request: HttpRequest, number: str, act: Callable[..., str]) -> HttpResponse:
    """Run `act(case)` on the visible case; its message on success, the refusal otherwise."""
    try:
        case = selectors.case_get_for_user(user=request.user, number=number)
        done = act(case)
    except NotFound as exc:
        if not exc.field:  # the page's own case
            raise Http404 from exc
        messages.error(request, str(exc.message))  # the other case named in the form
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, done)
    return redirect("cases:detail", number=number)


@access(_ORGANIZE)
@require_POST
@staff_required
def case_tags(request: HttpRequest, number: str) -> HttpResponse:
    """Ticked existing tags plus, optionally, a new one (which needs cases.add_tag)."""
    names = request.POST.getlist("tags")[: tags.TAGS_PER_CASE_MAX + 1]
    new = request.POST.get("new_tag", "").strip()
    if new:
        names.append(new)

    def act(case):
        tags.case_set_tags(case=case, by=request.user, names=names, version=_version(request))
        return TAGS_SAVED

    return _on_case(request, number, act)


@access(_ORGANIZE)
@require_POST
@staff_required
def case_link(request: HttpRequest, number: str) -> HttpResponse:
    other = request.POST.get("case", "").strip()[:40]

    def act(case):
        link = links.case_link(case=case, by=request.user, other=other)
        return _t(LINKED) % {"number": link.to_case.number}

    return _on_case(request, number, act)


@access(staff_perm("cases.close_case"))
@require_POST
@staff_required
def case_merge(request: HttpRequest, number: str) -> HttpResponse:
    into = request.POST.get("into", "").strip()[:40]

    def act(case):
        merged = links.case_merge(
            case=case,
            by=request.user,
            into=into,
            text=request.POST.get("text", ""),
            version=_version(request),
        )
        return _t(MERGED) % {"number": merged.merged_into.number}

    return _on_case(request, number, act)


def _ticked(values: list[str]) -> list[tuple[str, int | None]]:
    """Ticked rows arrive as NUMBER:VERSION, so a case changed since the list was shown is
    refused as stale rather than changed blindly."""
    ticked = []
    for value in values[: bulk.BULK_MAX + 1]:
        number, _sep, version = value.partition(":")
        ticked.append(
            (number[:40], int(version) if version.isdigit() and len(version) < 10 else None)
        )
    return ticked


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("cases:list")


@access(staff_perm("cases.view_case"))
@require_POST
@staff_required
def cases_bulk(request: HttpRequest) -> HttpResponse:
    """The queue's bulk bar: each ticked case through its own service; refusals listed."""
    # One <select> names both, e.g. "priority:P1", "tag:VIP", "close:".
    action, _sep, value = request.POST.get("bulk", "").partition(":")
    try:
        result = bulk.cases_bulk(
            by=request.user,
            cases=_ticked(request.POST.getlist("cases")),
            action=action,
            value=value[:40],
            text=request.POST.get("text", ""),
        )
    except ApplicationError as exc:
        raise_http(exc)
        messages.error(request, str(exc.message))
        return redirect(_back(request))
    if result.done:
        messages.success(request, _t(BULK_DONE) % {"numbers": ", ".join(result.done)})
    for refusal in result.refused:
        messages.warning(
            request, _t(BULK_REFUSED) % {"number": refusal.number, "reason": refusal.reason}
        )
    return redirect(_back(request))


urlpatterns = [
    path("bulk/", cases_bulk, name="bulk"),
    path("<str:number>/tags/", case_tags, name="tags"),
    path("<str:number>/links/", case_link, name="link"),
    path("<str:number>/merge/", case_merge, name="merge"),
]
