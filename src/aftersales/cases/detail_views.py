"""Staff console: one case, its timeline and the actions allowed on it now."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import can
from aftersales.accounts.decorators import permission_required
from aftersales.cases import access, pickers, preferences, selectors, services, similar
from aftersales.cases.models import (
    ApprovalDecision,
    Attachment,
    Case,
    VendorCaseState,
)
from aftersales.cases.services.comments import NO_SOLUTION
from aftersales.cases.uploads import ATTACHMENT_TYPES, SIGNED_FORM_TYPES, check_upload
from aftersales.core.db import id_or_none
from aftersales.core.errors import ApplicationError, Conflict, Invalid, NotFound
from aftersales.core.html_errors import raise_http
from aftersales.core.moments import typed_moment
from aftersales.core.schema_types import DATE_OUT_OF_RANGE, date_in_range
from aftersales.core.uploads import stored_file_response
from aftersales.sla import selectors as sla_selectors
from aftersales.sla import services as sla_services

DONE = _("Done.")
COMMENTED = _("Comment added.")
BAD_DATE = _("Enter a date as YYYY-MM-DD.")
UNKNOWN_VENDOR = _("Choose a vendor.")
ACKNOWLEDGED = _("Escalation acknowledged.")
ONSITE_STEPS = frozenset({"depart", "arrive", "finish"})


def get_case(request: HttpRequest, number: str) -> Case:
    try:
        return selectors.case_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc


def visible_attachments(user: Any, case: Case):
    qs = Attachment.objects.filter(case=case)
    if not can(user, "cases.view_internal"):
        qs = qs.filter(internal=False)
    return qs


def timeline(user: Any, case: Case) -> list:
    """Activities the user may see, each with its visible attachments (two queries)."""
    attachments = Prefetch("attachments", queryset=visible_attachments(user, case))
    return list(selectors.activities_for_user(user=user, case=case).prefetch_related(attachments))


def _vendor_cases(case: Case) -> list:
    vendor_cases = list(case.vendor_cases.select_related("vendor").order_by("opened_at"))
    for vc in vendor_cases:
        vc.action_key = f"vendor_case_{vc.pk}"  # matches the failed action of its form
    return vendor_cases


def _context(request: HttpRequest, case: Case, **extra: Any) -> dict:
    user = request.user
    now = timezone.now()
    actions = selectors.available_actions(user=user, case=case)
    participants = list(case.participants.all())  # prefetched by available_actions
    onsite = services.onsite_steps(user, case)
    context = {
        "case": case,
        "now": now,
        "clocks": sla_selectors.sla_clocks(case, now),
        "escalations": sla_selectors.escalations_for_case_page(case=case, user=user, now=now),
        "activities": timeline(user, case),
        "actions": actions,
        "participants": participants,
        "watching": preferences.is_watching(case=case, user=user),
        "vendor_cases": _vendor_cases(case),
        # Visit steps show in their own panel, in the visit's order (onsite_steps).
        "has_actions": any(a not in ONSITE_STEPS | {"comment"} for a in actions)
        or bool(onsite["steps"]),
        "onsite": onsite,
        "vendor_case_states": VendorCaseState.choices,
        "approvals": list(case.approvals.select_related("recorded_by")),
        "decisions": ApprovalDecision.choices,
        "can": selectors.case_abilities(user=user, case=case),
        "posted": {},
        "failed": None,
    }
    if "assign" in actions:
        context["engineers"] = list(pickers.engineers_for_picker())
    if "escalate" in actions:
        context["experts"] = list(pickers.experts_for_picker())
        context["vendors"] = list(pickers.vendors_for_picker())
    context.update(extra)
    return context


def render_case(request: HttpRequest, case: Case, *, status: int = 200, **extra: Any):
    """The whole page, or for HTMX only the live part (header, actions, timeline)."""
    template = "cases/detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template = "cases/detail.html#live"
    return render(request, template, _context(request, case, **extra), status=status)


@permission_required("cases.view_case")
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return render_case(request, get_case(request, number))


# The case page's card stays short: the API lists more.
SIMILAR_ON_PAGE = 5


@permission_required("cases.view_case")
def case_similar(request: HttpRequest, number: str) -> HttpResponse:
    """The "Similar cases" card of the case page, loaded by HTMX after the page."""
    case = get_case(request, number)
    found = similar.similar_cases(user=request.user, case=case, limit=SIMILAR_ON_PAGE)
    for c in found:
        lines = c.resolution.strip().splitlines()
        c.resolution_line = lines[0] if lines else ""
    context = {
        "case": case,
        "similar_cases": found,
        "articles": similar.similar_articles(user=request.user, case=case, limit=SIMILAR_ON_PAGE),
        "may_reply": access.can_comment_internal(request.user, case) and case.is_open,
    }
    return render(request, "cases/_similar.html", context)


# --- actions: one small form each, all posting the version the user saw ---


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _text(request: HttpRequest) -> str:
    return request.POST.get("text", "")


def _picked_user(qs, value: str, field: str):
    pk = id_or_none(value)
    user = qs.filter(pk=pk).first() if pk is not None else None
    if user is None:
        raise Invalid(services.NOT_AN_ENGINEER, field=field)
    return user


def _assign(request: HttpRequest, case: Case, version: int | None) -> Any:
    engineer = _picked_user(
        pickers.engineers_for_picker(), request.POST.get("engineer"), "engineer"
    )
    return services.case_assign(case=case, engineer=engineer, by=request.user, version=version)


def _escalate(request: HttpRequest, case: Case, version: int | None) -> Any:
    to = request.POST.get("to", "")
    expert = vendor = None
    if to == "expert" and request.POST.get("expert"):
        expert = _picked_user(pickers.experts_for_picker(), request.POST["expert"], "expert")
    if to == "vendor" and request.POST.get("vendor"):
        vendor = pickers.vendors_for_picker().filter(pk=request.POST["vendor"]).first()
        if vendor is None:
            raise Invalid(UNKNOWN_VENDOR, field="vendor")
    return services.case_escalate(
        case=case,
        by=request.user,
        to=to,
        text=_text(request),
        expert=expert,
        vendor=vendor,
        vendor_ref=request.POST.get("vendor_ref", ""),
        version=version,
    )


def _approval(request: HttpRequest, case: Case, version: int | None) -> Any:
    # The approval service takes no version; the form's is checked here, before it.
    if version is not None and version != case.version:
        raise Conflict(services.STALE)
    try:
        decided_on = dt.date.fromisoformat(request.POST.get("decided_on", ""))
    except ValueError as exc:
        raise Invalid(BAD_DATE, field="decided_on") from exc
    if not date_in_range(decided_on):
        raise Invalid(DATE_OUT_OF_RANGE, field="decided_on")
    signed = request.FILES.get("form")
    if signed is not None:
        ext, _type = check_upload(signed, field="form", allowed=SIGNED_FORM_TYPES)
        signed.name = f"{uuid.uuid4().hex}.{ext}"
    return services.case_record_approval(
        case=case,
        by=request.user,
        approver=request.POST.get("approver", ""),
        decision=request.POST.get("decision", ""),
        decided_on=decided_on,
        note=request.POST.get("note", ""),
        form=signed,
    )


def _onsite_action(service: Callable[..., Any]) -> Callable[..., Any]:
    def run(request: HttpRequest, case: Case, version: int | None) -> Any:
        at = typed_moment(request.POST.get("at", ""))
        return service(case=case, by=request.user, at=at, text=_text(request), version=version)

    return run


def _text_action(service: Callable[..., Any]) -> Callable[..., Any]:
    def run(request: HttpRequest, case: Case, version: int | None) -> Any:
        return service(case=case, by=request.user, text=_text(request), version=version)

    return run


def _reply_with_case(request: HttpRequest, case: Case, version: int | None) -> Any:
    """Answer with an earlier case's solution (the similar-cases card's button)."""
    try:
        source = selectors.case_get_for_user(
            user=request.user, number=request.POST.get("source", "")[:32]
        )
    except NotFound:
        raise Invalid(NO_SOLUTION, field="source") from None
    return services.case_reply_with_solution(case=case, by=request.user, source=source)


ACTIONS: dict[str, Callable[[HttpRequest, Case, int | None], Any]] = {
    "assign": _assign,
    "take_over": lambda r, c, v: services.case_take_over(case=c, by=r.user, version=v),
    "respond": _text_action(services.case_respond),
    "diagnose": _text_action(services.case_diagnose),
    "wait": _text_action(services.case_wait),
    "resume": _text_action(services.case_resume),
    "escalate": _escalate,
    "rma": _text_action(services.case_hand_to_rma),
    "resolve": _text_action(services.case_resolve),
    "confirm": _text_action(services.case_confirm),
    "reject": _text_action(services.case_reject),
    "close": _text_action(services.case_close),
    "cancel": _text_action(services.case_close),
    "reopen": _text_action(services.case_reopen),
    "approval": _approval,
    "depart": _onsite_action(services.case_depart),
    "arrive": _onsite_action(services.case_arrive),
    "finish": _onsite_action(services.case_finish),
    "reply-with-case": _reply_with_case,
}


def run_action(
    request: HttpRequest, case: Case, work: Callable[[], Any], *, action: str, done: Any = DONE
) -> HttpResponse:
    """Run one write; answer the fresh page, with a conflict or a field error shown in it."""
    try:
        work()
    except Conflict as exc:
        fresh = get_case(request, case.number)
        return render_case(request, fresh, status=409, alert=exc.message)
    except Invalid as exc:
        failed = {"action": action, "field": exc.field or "", "message": exc.message}
        fresh = get_case(request, case.number)
        return render_case(request, fresh, status=422, failed=failed, posted=request.POST)
    except ApplicationError as exc:
        raise_http(exc)
        raise
    if request.htmx:
        return render_case(request, get_case(request, case.number), notice=done)
    messages.success(request, done)
    return redirect("cases:detail", number=case.number)


@require_POST
@permission_required("cases.view_case")
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    case = get_case(request, number)
    version = _version(request)
    return run_action(request, case, lambda: ACTIONS[action](request, case, version), action=action)


@require_POST
@permission_required("cases.view_case")
def case_comment(request: HttpRequest, number: str) -> HttpResponse:
    """A comment, with files; staff may mark both internal. Text may be left out for files."""
    case = get_case(request, number)
    internal = request.POST.get("internal") == "on"
    return run_action(
        request,
        case,
        lambda: add_comment(request, case, internal=internal),
        action="comment",
        done=COMMENTED,
    )


def add_comment(request: HttpRequest, case: Case, *, internal: bool) -> None:
    """Shared by console and portal: files are checked before anything is written."""
    files = request.FILES.getlist("attachments")
    for upload in files:
        check_upload(upload, field="attachments")
    text = request.POST.get("text", "")
    with transaction.atomic():
        if text.strip() or not files:
            services.case_comment(case=case, by=request.user, text=text, internal=internal)
        for upload in files:
            services.attachment_add(case=case, by=request.user, file=upload, internal=internal)


@require_POST
@permission_required("cases.view_case")
def vendor_case_update(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = get_case(request, number)
    vendor_case = case.vendor_cases.select_related("vendor").filter(pk=pk).first()
    if vendor_case is None:
        raise Http404
    return run_action(
        request,
        case,
        lambda: services.vendor_case_update(
            vendor_case=vendor_case,
            by=request.user,
            state=request.POST.get("state", ""),
            reference=request.POST.get("reference", ""),
            text=request.POST.get("text", ""),
        ),
        action=f"vendor_case_{pk}",
    )


@require_POST
@permission_required("cases.view_case")
def escalation_acknowledge(request: HttpRequest, number: str, firing_id: int) -> HttpResponse:
    """A manager answers an escalation of this case, with an optional note."""
    case = get_case(request, number)
    try:
        firing = sla_selectors.escalation_get_for_case(case=case, firing_id=firing_id)
    except NotFound as exc:
        raise Http404 from exc
    try:
        return run_action(
            request,
            case,
            lambda: sla_services.escalation_acknowledge(
                firing_id=firing.pk, by=request.user, text=_text(request)
            ),
            action=f"escalation_{firing.pk}",
            done=ACKNOWLEDGED,
        )
    except PermissionDenied as exc:
        # The service's refusal ("only a manager of the escalated level") shown on the page.
        return render_case(request, get_case(request, number), status=403, alert=str(exc))


@require_POST
@permission_required("cases.view_case")
def case_watch(request: HttpRequest, number: str) -> HttpResponse:
    case = get_case(request, number)
    watching = preferences.case_watch_set(
        case=case, user=request.user, on=request.POST.get("on") == "1"
    )
    if request.htmx:
        return render(request, "cases/detail.html#watch", {"case": case, "watching": watching})
    return redirect("cases:detail", number=case.number)


def attachment_response(attachment: Attachment) -> FileResponse:
    """The only way to a case's stored file (core.uploads.stored_file_response)."""
    return stored_file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )


@permission_required("cases.view_case")
def attachment_download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = get_case(request, number)
    attachment = visible_attachments(request.user, case).filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


@permission_required("cases.view_case")
def approval_form_download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """The signed 《重大请求审批表》 of a case the user may see."""
    case = get_case(request, number)
    approval = case.approvals.filter(pk=pk).exclude(form="").first()
    if approval is None:
        raise Http404
    ext = os.path.splitext(approval.form.name)[1].lstrip(".").lower()
    content_type = ATTACHMENT_TYPES.get(ext, ("application/octet-stream",))[0]
    return attachment_response(
        Attachment(
            file=approval.form, name=f"{case.number}-approval.{ext}", content_type=content_type
        )
    )
