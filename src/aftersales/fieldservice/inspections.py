"""Every write on inspection plans and visits (巡检): keyword-only, one transaction, its
timeline row. Generation lives in inspection_plans, the promise in inspection_promises.

A visit is moved with a reason to a business day of its contract year (not in the past); on
site the engineer records the checklist (measured values outside their range are flagged),
findings (one opens a case through the cases' own service), configuration changes (archived
on the asset by the registry) and the customer's signature; completion meets the visit's
promise (or records it missed when late) and files 《现场巡检报告》 after commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases import services as case_services
from aftersales.cases.models import Case, ServiceMode
from aftersales.contracts.models import ServiceContract
from aftersales.core import timeline
from aftersales.core.errors import Conflict, Invalid
from aftersales.core.moments import recorded_moment
from aftersales.core.schema_types import MEDIUM_TEXT_MAX, bounded_text
from aftersales.core.signatures import signature_png
from aftersales.fieldservice import inspection_access as access
from aftersales.fieldservice import inspection_plans as plans
from aftersales.fieldservice import inspection_promises as promises
from aftersales.fieldservice.models import (
    ChecklistItem,
    ChecklistItemKind,
    InspectionVisit,
    VisitCheck,
    VisitEventKind,
    VisitFinding,
    VisitStatus,
)
from aftersales.registry.models import Asset
from aftersales.registry.services import asset_config_change
from aftersales.sla.rules import is_business_day

REQUIRED = _("This field is required.")
UNKNOWN_CONTRACT = _("Unknown contract.")
UNKNOWN_ENGINEER = _("Unknown engineer, or one who does not carry out inspections.")
NOT_A_BUSINESS_DAY = _("%(day)s is not a business day (PRC calendar).")
OUTSIDE_YEAR = _("Choose a day of the contract year (%(first)s – %(last)s).")
IN_THE_PAST = _("The new day is in the past.")
SAME_DAY = _("The visit is already planned on that day.")
UNKNOWN_ITEM = _("Unknown checklist item: %(item)s.")
BAD_VALUE = _("Give a number for “%(label)s”.")
UNKNOWN_ASSET = _("Unknown serial number for this customer.")
ALREADY_OPENED = _("A case is already open for this finding.")
MOVED_TEXT = _("Moved from %(before)s to %(after)s: %(reason)s")
OUT_OF_RANGE_TEXT = _("%(label)s: %(value)s %(unit)s out of range")
CASE_TITLE = _("Inspection finding: %(text)s")
CASE_TEXT = _("Found on inspection visit %(visit)s (%(day)s): %(text)s")
CHANGE_SOURCE = _("Inspection visit %(visit)s")
SIGNED_BY_MAX = 100
VALUE_LIMIT = Decimal("999999999")


def _required(value: str, *, field: str, limit: int = MEDIUM_TEXT_MAX) -> str:
    value = bounded_text((value or "").strip(), field=field, limit=limit)
    if not value:
        raise Invalid(REQUIRED, field=field)
    return value


def _optional(value: str, *, field: str, limit: int = MEDIUM_TEXT_MAX) -> str:
    return bounded_text((value or "").strip(), field=field, limit=limit)


def _locked(visit: InspectionVisit) -> InspectionVisit:
    return (
        InspectionVisit.objects.select_for_update(of=("self",))
        .select_related("customer", "contract", "plan")
        .get(pk=visit.pk)
    )


def _touch(visit: InspectionVisit, now: dt.datetime, *fields: str) -> None:
    visit.updated_at = now
    visit.save(update_fields=[*fields, "updated_at"])


# --- plans -------------------------------------------------------------------------------------


def plan_create(
    *,
    by: User,
    contract: str,
    visits_per_year: int | None = None,
    engineer: str = "",
    today: dt.date | None = None,
) -> plans.Generated:
    """The contract year's plan with its visits (or the existing plan, unchanged); `engineer`
    (a username of someone who carries out visits) takes them, else the region's team."""
    access.can_plan.enforce_who(by, None)
    worker = None
    if (engineer or "").strip():
        worker = User.objects.filter(username=engineer.strip(), is_active=True).first()
        if worker is None or not access.staff_with(access.WORK)(worker, None):
            raise Invalid(UNKNOWN_ENGINEER, field="engineer")
    number = (contract or "").strip()
    found = ServiceContract.objects.select_related("customer").filter(number=number).first()
    if not number or found is None:
        raise Invalid(UNKNOWN_CONTRACT, field="contract")
    return plans.generate_plan(
        contract=found, by=by, visits_per_year=visits_per_year, today=today, engineer=worker
    )


# --- moving ------------------------------------------------------------------------------------


def visit_move(
    *, visit: InspectionVisit, by: User, planned_on: dt.date, reason: str
) -> InspectionVisit:
    """Move an open visit to a business day of its contract year, not in the past, with a
    reason; its promise moves with it and the customer is told again."""
    access.can_move.enforce_who(by, visit)
    reason = _required(reason, field="reason", limit=300)
    now = timezone.now()
    if planned_on < timezone.localdate(now):
        raise Invalid(IN_THE_PAST, field="planned_on")
    with transaction.atomic():
        locked = _locked(visit)
        access.can_move.enforce(by, locked)
        plan = locked.plan
        if not plan.year_starts_on <= planned_on <= plan.year_ends_on:
            raise Invalid(
                OUTSIDE_YEAR % {"first": plan.year_starts_on, "last": plan.year_ends_on},
                field="planned_on",
            )
        if not is_business_day(promises.calendar(), planned_on):
            raise Invalid(NOT_A_BUSINESS_DAY % {"day": planned_on}, field="planned_on")
        if planned_on == locked.planned_on:
            raise Invalid(SAME_DAY, field="planned_on")
        before = locked.planned_on
        locked.planned_on = planned_on
        locked.moved_reason = reason
        locked.due_at = promises.move(locked, planned_on)
        # The customer was told the old day: the notice goes out again for the new one.
        locked.status, locked.notified_at = VisitStatus.PLANNED, None
        _touch(locked, now, "planned_on", "moved_reason", "due_at", "status", "notified_at")
        timeline.record(
            subject=locked,
            kind=VisitEventKind.MOVED,
            actor=by,
            text=_gettext(str(MOVED_TEXT))
            % {"before": before.isoformat(), "after": planned_on.isoformat(), "reason": reason},
            changes={"planned_on": [before.isoformat(), planned_on.isoformat()]},
            at=now,
        )
    return locked


# --- on site -----------------------------------------------------------------------------------


def checklist_items(visit: InspectionVisit) -> list[ChecklistItem]:
    """The checklist of the visit's plan (the default template when the plan names none)."""
    template_id = visit.plan.template_id
    if template_id is None:
        template = plans.default_template()
        template_id = template.pk if template else None
    if template_id is None:
        return []
    return list(
        ChecklistItem.objects.filter(template_id=template_id).order_by("section", "position", "pk")
    )


def _decimal(value: Any, *, label: str, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Invalid(BAD_VALUE % {"label": label}, field=field) from None
    if not number.is_finite() or abs(number) > VALUE_LIMIT:
        raise Invalid(BAD_VALUE % {"label": label}, field=field)
    return number.quantize(Decimal("0.001"))


def is_out_of_range(value: Decimal | None, low: Decimal | None, high: Decimal | None) -> bool:
    if value is None:
        return False
    return (low is not None and value < low) or (high is not None and value > high)


@dataclass(frozen=True)
class CheckResult:
    """One checklist line as the engineer filled it (item: the checklist item's id)."""

    item: int
    ok: bool | None = None
    value: Any = None
    text: str = ""


def visit_record_checks(*, visit: InspectionVisit, by: User, results: list[Any]) -> InspectionVisit:
    """Record checklist lines (each {"item", "ok"?, "value"?, "text"?}); measured values
    outside their range are flagged. Lines recorded before are updated."""
    access.can_work.enforce_who(by, visit)
    items = {i.pk: i for i in checklist_items(visit)}
    parsed = []
    for index, raw in enumerate(results):
        row = raw if isinstance(raw, CheckResult) else CheckResult(**dict(raw))
        item = items.get(row.item)
        if item is None:
            raise Invalid(UNKNOWN_ITEM % {"item": row.item}, field=f"results.{index}.item")
        value = _decimal(row.value, label=item.label, field=f"results.{index}.value")
        text = _optional(row.text, field=f"results.{index}.text", limit=500)
        parsed.append((item, row.ok, value, text))
    now = timezone.now()
    flagged = []
    with transaction.atomic():
        locked = _locked(visit)
        access.can_work.enforce(by, locked)
        existing = {c.item_id: c for c in VisitCheck.objects.filter(visit=locked)}
        for item, ok, value, text in parsed:
            check = existing.get(item.pk) or VisitCheck(
                visit=locked,
                item=item,
                section=item.section,
                position=item.position,
                label=item.label,
                kind=item.kind,
                unit=item.unit,
                min_value=item.min_value,
                max_value=item.max_value,
            )
            check.ok = ok if item.kind == ChecklistItemKind.CHECK else check.ok
            check.value = value if item.kind == ChecklistItemKind.MEASURE else None
            check.text = text
            check.out_of_range = is_out_of_range(check.value, check.min_value, check.max_value)
            check.save()
            if check.out_of_range:
                flagged.append(
                    _gettext(str(OUT_OF_RANGE_TEXT))
                    % {"label": check.label, "value": check.value.normalize(), "unit": check.unit}
                )
        if locked.started_at is None:
            locked.started_at = now
            _touch(locked, now, "started_at")
        timeline.record(
            subject=locked,
            kind=VisitEventKind.CHECKED,
            actor=by,
            text="; ".join(flagged),
            data={"items": [item.pk for item, *_rest in parsed], "out_of_range": len(flagged)},
            internal=True,
            at=now,
        )
    return locked


def _asset(visit: InspectionVisit, serial: str, *, field: str) -> Asset | None:
    serial = (serial or "").strip()
    if not serial:
        return None
    asset = Asset.objects.filter(
        customer_id=visit.customer_id, serial_number__iexact=serial
    ).first()
    if asset is None:
        raise Invalid(UNKNOWN_ASSET, field=field)
    return asset


def visit_add_finding(
    *,
    visit: InspectionVisit,
    by: User,
    text: str,
    serial_number: str = "",
    open_case: bool = False,
) -> VisitFinding:
    """Record a finding of the visit; with `open_case` a case is opened for it at once."""
    access.can_work.enforce_who(by, visit)
    text = _required(text, field="text")
    asset = _asset(visit, serial_number, field="serial_number")
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(visit)
        access.can_work.enforce(by, locked)
        finding = VisitFinding.objects.create(visit=locked, asset=asset, text=text, created_by=by)
        timeline.record(subject=locked, kind=VisitEventKind.FINDING, actor=by, text=text, at=now)
        if open_case:
            finding_open_case(finding=finding, by=by)
    return finding


def finding_open_case(*, finding: VisitFinding, by: User) -> Case:
    """Open a case for the finding through the cases' create service (one tap on site)."""
    visit = finding.visit
    access.can_open_case.enforce_who(by, visit)
    with transaction.atomic():
        locked = (
            VisitFinding.objects.select_for_update(of=("self",))
            .select_related("asset")
            .get(pk=finding.pk)
        )
        access.can_open_case.enforce(by, visit)
        if locked.case_id is not None:
            raise Invalid(ALREADY_OPENED, field="finding")
        names = {"visit": str(visit), "day": visit.planned_on.isoformat(), "text": locked.text}
        case = case_services.case_create(
            by=by,
            customer=visit.customer,
            title=(_gettext(str(CASE_TITLE)) % {"text": locked.text})[:200],
            description=_gettext(str(CASE_TEXT)) % names,
            service_mode=ServiceMode.ONSITE,
            serial_number=locked.asset.serial_number if locked.asset else "",
        )
        locked.case = case
        locked.save(update_fields=["case"])
        timeline.record(
            subject=visit,
            kind=VisitEventKind.FINDING,
            actor=by,
            text=case.number,
            data={"finding": locked.pk, "case": case.number},
        )
    finding.case = case
    return case


def visit_config_change(
    *,
    visit: InspectionVisit,
    by: User,
    serial_number: str,
    what: str,
    before: str = "",
    after: str = "",
    reason: str = "",
) -> InspectionVisit:
    """A configuration change made during the visit: archived on the asset's history (the
    registry's change record) and noted on the visit."""
    access.can_work.enforce_who(by, visit)
    asset = _asset(visit, serial_number, field="serial_number")
    if asset is None:
        raise Invalid(REQUIRED, field="serial_number")
    with transaction.atomic():
        locked = _locked(visit)
        access.can_work.enforce(by, locked)
        asset_config_change(
            asset=asset,
            what=what,
            before=before,
            after=after,
            reason=reason,
            by=by,
            source=_gettext(str(CHANGE_SOURCE)) % {"visit": str(locked)},
        )
        timeline.record(
            subject=locked,
            kind=VisitEventKind.CHANGE,
            actor=by,
            text=f"{asset.serial_number}: {what.strip()} {before.strip()} → {after.strip()}",
            data={"asset": asset.pk},
        )
    return locked


def visit_sign(
    *, visit: InspectionVisit, by: User, signed_by: str, signature: str
) -> InspectionVisit:
    """The customer's person in charge signs on the screen (a canvas PNG)."""
    access.can_work.enforce_who(by, visit)
    signed_by = _required(signed_by, field="signed_by", limit=SIGNED_BY_MAX)
    png = signature_png(signature, field="signature")
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(visit)
        access.can_work.enforce(by, locked)
        locked.signed_by = signed_by
        locked.signature.save(f"visit-{locked.pk}.png", ContentFile(png), save=False)
        _touch(locked, now, "signed_by", "signature")
        timeline.record(
            subject=locked, kind=VisitEventKind.SIGNED, actor=by, text=signed_by, at=now
        )
    return locked


def visit_complete(
    *,
    visit: InspectionVisit,
    by: User,
    signed_by: str = "",
    findings: str = "",
    advice: str = "",
    at: dt.datetime | None = None,
) -> InspectionVisit:
    """Complete the visit: its promise is met (missed when late) and 《现场巡检报告》 is filed on
    the customer after commit. The customer's signer is named here or by the signature."""
    access.can_complete.enforce_who(by, visit)
    findings = _optional(findings, field="findings")
    advice = _optional(advice, field="advice")
    signed_by = bounded_text((signed_by or "").strip(), field="signed_by", limit=SIGNED_BY_MAX)
    now = timezone.now()
    moment = recorded_moment(at, now=now)
    with transaction.atomic():
        locked = _locked(visit)
        access.can_complete.enforce(by, locked)
        signed_by = signed_by or locked.signed_by
        if not signed_by:
            raise Invalid(REQUIRED, field="signed_by")
        locked.signed_by = signed_by
        locked.findings = findings or locked.findings
        locked.advice = advice or locked.advice
        locked.status = VisitStatus.DONE
        locked.completed_at = moment
        locked.completed_by = by
        locked.started_at = locked.started_at or moment
        _touch(
            locked,
            now,
            "signed_by",
            "findings",
            "advice",
            "status",
            "completed_at",
            "completed_by",
            "started_at",
        )
        promise = promises.complete(locked, moment)
        timeline.record(
            subject=locked,
            kind=VisitEventKind.COMPLETED,
            actor=by,
            text=findings,
            data={"late": bool(promise and promise.met is False)},
            at=moment,
        )
        transaction.on_commit(lambda: _file_report_later(locked.pk), robust=True)
    return locked


def _file_report_later(visit_id: int) -> None:
    from aftersales.fieldservice.tasks import file_visit_report

    file_visit_report(visit_id)


def visit_file_report(*, visit_id: int) -> bool:
    """Render 《现场巡检报告》 and file it on the visit (the customer's file); idempotent."""
    from aftersales.fieldservice.inspection_pdf import visit_report_pdf

    visit = InspectionVisit.objects.select_related("customer", "contract", "plan").get(pk=visit_id)
    if visit.status != VisitStatus.DONE or visit.report:
        return False
    pdf = visit_report_pdf(visit)
    with transaction.atomic():
        locked = _locked(visit)
        if locked.report:
            return False
        locked.report.save(f"inspection-report-{locked.pk}.pdf", ContentFile(pdf), save=False)
        locked.save(update_fields=["report"])
    return True


NOT_DONE = _("The report exists once the visit is done.")


def require_done(visit: InspectionVisit) -> None:
    """The report of a visit not done yet is a 409."""
    if visit.status != VisitStatus.DONE:
        raise Conflict(NOT_DONE, extra={"status": visit.status})


def visit_cancel(*, visit: InspectionVisit, by: User, reason: str) -> InspectionVisit:
    """Cancel an open visit with a reason: its promise stops (a recorded breach stays)."""
    access.can_move.enforce_who(by, visit)
    reason = _required(reason, field="reason", limit=300)
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(visit)
        access.can_move.enforce(by, locked)
        locked.status = VisitStatus.CANCELLED
        _touch(locked, now, "status")
        promises.stop(locked, now)
        timeline.record(
            subject=locked, kind=VisitEventKind.CANCELLED, actor=by, text=reason, at=now
        )
    return locked


# --- telling the customer ------------------------------------------------------------------------

NOTICE_SUBJECT = _("Onsite inspection on %(day)s (contract %(contract)s)")
NOTICE_BODY = _(
    "Dear customer, our engineers will carry out the preventive inspection %(n)s of contract "
    "%(contract)s at your site on %(day)s. The request report (现场巡检申请报告) is attached; "
    "it is also on the portal: %(url)s"
)
NOTICE_SMS = _("Onsite inspection of contract %(contract)s on %(day)s. Details: %(url)s")
NOTICE_NOTE = _("Customer told of the visit on %(day)s (%(count)s messages).")


def _recipients(visit: InspectionVisit) -> list:
    from aftersales.registry.models import Contact

    contacts = Contact.objects.filter(customer_id=visit.customer_id).order_by("pk")
    return [c for c in contacts if getattr(c, "is_active", True) and (c.email or c.phone)]


def visit_notify(*, visit: InspectionVisit, now: dt.datetime | None = None) -> int | None:
    """Tell the customer's contacts of the visit (e-mail with 《现场巡检申请报告》, SMS with the
    portal link) through the outbox; the messages queued, None for a visit told already."""
    from django.urls import reverse

    from aftersales.core.pdf import ReportUnavailable
    from aftersales.fieldservice.inspection_pdf import request_report_pdf
    from aftersales.notify.models import Channel
    from aftersales.notify.services import notify_enqueue

    now = now or timezone.now()
    if visit.status != VisitStatus.PLANNED or visit.notified_at is not None:
        return None
    try:
        pdf = request_report_pdf(visit)
    except ReportUnavailable:
        pdf = b""  # the link on the portal still works: the form renders there when it can
    url = reverse("portal:inspection_detail", args=[visit.pk])
    names = {
        "day": visit.planned_on.isoformat(),
        "contract": visit.contract.number,
        "n": visit.sequence,
        "url": url,
    }
    sent = 0
    with transaction.atomic():
        locked = _locked(visit)
        if locked.status != VisitStatus.PLANNED or locked.notified_at is not None:
            return None
        if pdf:
            locked.request_report.save(
                f"inspection-request-{locked.pk}-{locked.planned_on:%Y%m%d}.pdf",
                ContentFile(pdf),
                save=False,
            )
        key = f"inspection_visit.notice:{locked.pk}:{locked.planned_on:%Y%m%d}"
        for contact in _recipients(locked):
            if contact.email:
                notify_enqueue(
                    channel=Channel.EMAIL,
                    address=contact.email,
                    subject=_gettext(str(NOTICE_SUBJECT)) % names,
                    body=_gettext(str(NOTICE_BODY)) % names,
                    kind="inspection_visit.notice",
                    ref_type=promises.KIND,
                    ref_id=str(locked.pk),
                    dedupe_key=f"{key}:{contact.pk}:email",
                    attachment_path=locked.request_report.name if pdf else "",
                    attachment_name="现场巡检申请报告.pdf" if pdf else "",
                )
                sent += 1
            if contact.phone:
                notify_enqueue(
                    channel=Channel.SMS,
                    address=contact.phone,
                    subject="",
                    body=_gettext(str(NOTICE_SMS)) % names,
                    kind="inspection_visit.notice",
                    ref_type=promises.KIND,
                    ref_id=str(locked.pk),
                    dedupe_key=f"{key}:{contact.pk}:sms",
                )
                sent += 1
        locked.status, locked.notified_at = VisitStatus.NOTIFIED, now
        _touch(locked, now, "status", "notified_at", "request_report")
        timeline.record(
            subject=locked,
            kind=VisitEventKind.NOTIFIED,
            text=_gettext(str(NOTICE_NOTE)) % {"day": names["day"], "count": sent},
            at=now,
        )
    return sent


def visits_notify_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The worker's daily run: tell customers of visits `notify_days_before` days ahead (or
    fewer, when planned late); safe to run twice. {"visits": told, "messages": queued}."""
    from aftersales.fieldservice.models import InspectionPlan

    now = now or timezone.now()
    today = timezone.localdate(now)
    told = messages = 0
    leads = (
        InspectionPlan.objects.filter(is_active=True)
        .values_list("notify_days_before", flat=True)
        .distinct()
    )
    for days in sorted(set(leads)):
        due = InspectionVisit.objects.filter(
            plan__is_active=True,
            plan__notify_days_before=days,
            status=VisitStatus.PLANNED,
            notified_at__isnull=True,
            planned_on__gte=today,
            planned_on__lte=today + dt.timedelta(days=days),
        ).select_related("customer", "contract", "plan", "engineer")
        for visit in due.order_by("planned_on", "pk").iterator(chunk_size=200):
            count = visit_notify(visit=visit, now=now)
            if count is not None:
                told += 1
                messages += count
    return {"visits": told, "messages": messages}
