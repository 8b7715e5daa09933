"""Every write on repair orders: one transaction each, each writing its RepairEvent (rule 3).

The flow: open from a case → diagnose, price → (out of warranty) quote → customer approves
or refuses → start → test and verify → customer sign-off → service report archived.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, customer_id_of, is_staff_member
from aftersales.cases.models import Case
from aftersales.contracts.entitlement import (
    IN_WARRANTY,
    OUT_OF_WARRANTY,
    Entitlement,
    add_months,
    entitlement_for,
)
from aftersales.contracts.selectors import warranty_term_for
from aftersales.core.errors import Conflict, Forbidden, Invalid
from aftersales.registry.models import Asset, ProductKind
from aftersales.repairs.models import (
    ZERO,
    ApprovalChannel,
    Decision,
    Exclusion,
    FaultCategory,
    PriceList,
    RepairEvent,
    RepairEventKind,
    RepairOrder,
    RepairPart,
    RepairStatus,
    ServiceMode,
    SignoffChannel,
    TravelMode,
)
from aftersales.repairs.signatures import signature_png

NOT_ALLOWED = _("You are not allowed to do this.")
CASE_NOT_OPEN = _("Repair orders are opened from open cases only.")
UNKNOWN_MODE = _("Choose onsite, carry-in, mail-in or remote.")
UNKNOWN_FAULT = _("Choose a fault category from the list.")
FAULT_REQUIRED = _("Describe the fault.")
UNKNOWN_DECISION = _("Choose repair, swap part or swap device.")
UNKNOWN_TRAVEL = _("Choose no travel, per kilometre or a fixed fee.")
UNKNOWN_EXCLUSION = _("Unknown warranty exclusion.")
NOT_NEGATIVE = _("Enter zero or more.")
BAD_AMOUNT = _("Enter an amount in yuan, e.g. 120.50.")
PART_NAME_REQUIRED = _("Each part needs a name.")
BAD_QUANTITY = _("Quantities are whole numbers from 1.")
NOT_AN_ENGINEER = _("Engineers must be active staff members.")
ASSET_OF_OTHER_CUSTOMER = _("This asset does not belong to the case's customer.")
NO_PRICE_LIST = _("No active price list: an administrator must set one up.")
NOT_IN_STATE = _("Not possible while the repair order is “%(status)s”.")
FREE_NO_QUOTE = _("This repair is free for the customer (%(reason)s): no quote is needed.")
DIAGNOSIS_REQUIRED = _("Write the diagnosis before sending a quote.")
QUOTE_NOT_APPROVED = _("Out of warranty: the customer must approve the quote before work starts.")
OVER_QUOTE = _(
    "The cost now exceeds the approved quote of %(amount)s yuan: send a new quote first."
)
NAME_REQUIRED = _("Enter the name of the person who decided.")
SIGNER_REQUIRED = _("Enter the signer's name.")
SIGNATURE_REQUIRED = _("The customer must sign on the screen.")
TEST_RESULTS_REQUIRED = _("Record the test results.")
DECIDED_IN_FUTURE = _("The decision cannot be in the future.")

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
DEFAULT_PART_WARRANTY_MONTHS = 3
# Completed repairs count towards "the same fault twice" (domain.md).
COMPLETED = (RepairStatus.VERIFIED, RepairStatus.SIGNED_OFF)
REPEATS_BEFORE_REPLACEMENT = 2


# --- helpers -------------------------------------------------------------------------------


def _event(
    order: RepairOrder, *, by: Any, kind: str, now: dt.datetime, text: str = "", **data: Any
) -> RepairEvent:
    actor = by if getattr(by, "is_authenticated", False) else None
    return RepairEvent.objects.create(
        order=order, at=now, actor=actor, kind=kind, text=text, data=data
    )


def _lock(order: RepairOrder, *allowed: str) -> RepairOrder:
    locked = RepairOrder.objects.select_for_update().get(pk=order.pk)
    if allowed and locked.status not in allowed:
        raise Conflict(
            NOT_IN_STATE % {"status": locked.get_status_display()}, extra={"status": locked.status}
        )
    return locked


def _save(order: RepairOrder, now: dt.datetime, *fields: str) -> None:
    order.updated_at = now
    order.save(update_fields=[*fields, "updated_at"])


def _require(by: Any, permission: str) -> None:
    if not can(by, permission):
        raise Forbidden(NOT_ALLOWED)


def is_customer_of(user: Any, order: RepairOrder) -> bool:
    return customer_id_of(user) == order.customer_id and not is_staff_member(user)


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise Invalid(BAD_AMOUNT, field=field) from exc
    if not amount.is_finite() or amount > MAX_AMOUNT:
        raise Invalid(BAD_AMOUNT, field=field)
    if amount < 0:
        raise Invalid(NOT_NEGATIVE, field=field)
    return amount


def _fault(code: str) -> FaultCategory:
    category = FaultCategory.objects.filter(code=(code or "").strip(), is_active=True).first()
    if category is None:
        raise Invalid(UNKNOWN_FAULT, field="fault_category")
    return category


def normalise_fault_text(text: str) -> str:
    """Lower case, full-width folded, without spaces or punctuation: "Power  failure!" ==
    "power failure" == "ＰＯＷＥＲ　ＦＡＩＬＵＲＥ"."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZS")


def site_url(path: str) -> str:
    """An absolute link for e-mails when SITE_URL is set (e.g. https://service.example.cn)."""
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


# --- entitlement of a repair -------------------------------------------------------------------


def repair_entitlement(*, asset: Asset | None, customer, on: dt.date) -> Entitlement:
    """The asset's entitlement, extended by the own warranty of earlier repairs (保修期内返修)."""
    ent = entitlement_for(asset=asset, on=on, customer=customer)
    if ent.status != OUT_OF_WARRANTY or asset is None:
        return ent
    earlier = (
        RepairOrder.objects.filter(
            asset=asset, status=RepairStatus.SIGNED_OFF, warranty_until__gte=on
        )
        .order_by("-warranty_until")
        .first()
    )
    if earlier is None:
        return ent
    reason = _t("repair warranty of %(number)s until %(date)s") % {
        "number": earlier.number,
        "date": earlier.warranty_until.isoformat(),
    }
    return Entitlement(IN_WARRANTY, reason, earlier.warranty_until)


# --- the same fault, repaired twice, proposes replacement -----------------------------------


def same_fault_history(order: RepairOrder) -> list[RepairOrder]:
    """Earlier completed repairs of the same asset for the same fault, oldest first.

    Same fault = the same fault category; for a catch-all category ("other") the normalised
    fault texts must also be equal.
    """
    if order.asset_id is None:
        return []
    earlier = (
        RepairOrder.objects.filter(
            asset_id=order.asset_id, fault_category=order.fault_category, status__in=COMPLETED
        )
        .exclude(pk=order.pk)
        .order_by("created_at", "id")
    )
    if order.fault_category.generic:
        wanted = normalise_fault_text(order.fault_text)
        return [o for o in earlier if normalise_fault_text(o.fault_text) == wanted]
    return list(earlier)


def _check_replacement(order: RepairOrder) -> None:
    history = same_fault_history(order)
    if len(history) < REPEATS_BEFORE_REPLACEMENT:
        order.replacement_proposed, order.replacement_reason = False, ""
        return
    dates = [timezone.localdate(o.verified_at or o.created_at).isoformat() for o in history]
    model = order.asset.product_model
    order.replacement_proposed = True
    order.replacement_reason = _t(
        "%(serial)s repaired for “%(fault)s” on %(dates)s: replace it with the same brand "
        "and model (%(vendor)s %(model)s)."
    ) % {
        "serial": order.asset.serial_number,
        "fault": order.fault_category.name,
        "dates": _t(" and ").join([", ".join(dates[:-1]), dates[-1]])
        if len(dates) > 1
        else dates[0],
        "vendor": model.vendor.name,
        "model": model.name,
    }
    if not order.decision:
        order.decision = Decision.SWAP_DEVICE


# --- pricing -------------------------------------------------------------------------------


def _reprice(order: RepairOrder) -> None:
    """parts + labour + travel, in Decimal, rounded to the cent; free orders cost 0 to the
    customer while the internal cost stays recorded."""
    parts = sum((p.unit_price * p.quantity for p in order.parts.all()), ZERO)
    labour = (order.labour_per_hour * order.labour_minutes / 60).quantize(CENT, ROUND_HALF_UP)
    if order.travel_mode == TravelMode.KM:
        travel = (order.travel_per_km * order.travel_km).quantize(CENT, ROUND_HALF_UP)
    elif order.travel_mode == TravelMode.FIXED:
        travel = order.travel_fixed_fee
    else:
        travel = ZERO
    order.parts_cost = parts.quantize(CENT)
    order.labour_cost, order.travel_cost = labour, travel
    order.total_cost = order.parts_cost + labour + travel
    order.customer_amount = order.total_cost if order.chargeable else ZERO


PRICE_FIELDS = ("parts_cost", "labour_cost", "travel_cost", "total_cost", "customer_amount")


def _set_chargeable(order: RepairOrder) -> None:
    order.chargeable = order.entitlement_status == OUT_OF_WARRANTY or bool(order.exclusion)


# --- create --------------------------------------------------------------------------------


def _next_number(case: Case) -> str:
    return f"{case.number}-R{RepairOrder.objects.filter(case=case).count() + 1}"


@transaction.atomic
def repair_create(
    *,
    by: Any,
    case: Case,
    service_mode: str,
    fault_category: str,
    fault_text: str,
    diagnosis: str = "",
    asset: Asset | None = None,
) -> RepairOrder:
    """Open a repair order on an open case; decides entitlement and the replacement rule."""
    _require(by, "repairs.add_repairorder")
    if service_mode not in ServiceMode.values:
        raise Invalid(UNKNOWN_MODE, field="service_mode")
    category = _fault(fault_category)
    fault_text = (fault_text or "").strip()
    if not fault_text:
        raise Invalid(FAULT_REQUIRED, field="fault_text")
    asset = asset or case.asset
    if asset is not None and asset.customer_id != case.customer_id:
        raise Invalid(ASSET_OF_OTHER_CUSTOMER, field="asset")
    prices = PriceList.objects.filter(is_active=True).order_by("-is_default", "id").first()
    if prices is None:
        raise Conflict(NO_PRICE_LIST)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise Conflict(CASE_NOT_OPEN)
    now = timezone.now()
    ent = repair_entitlement(asset=asset, customer=case.customer, on=timezone.localdate(now))
    order = RepairOrder(
        number=_next_number(case),
        case=case,
        customer_id=case.customer_id,
        asset=asset,
        service_mode=service_mode,
        fault_category=category,
        fault_text=fault_text,
        diagnosis=(diagnosis or "").strip(),
        price_list=prices,
        labour_per_hour=prices.labour_per_hour,
        travel_per_km=prices.travel_per_km,
        travel_fixed_fee=prices.travel_fixed_fee,
        entitlement_status=ent.status,
        entitlement_reason=ent.reason[:300],
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    _set_chargeable(order)
    _check_replacement(order)
    order.save()
    if has_engineer_role(by):
        order.engineers.add(by)
    _event(
        order,
        by=by,
        kind=RepairEventKind.CREATED,
        now=now,
        text=order.fault_text,
        entitlement=ent.status,
        replacement=order.replacement_proposed,
    )
    return order


def has_engineer_role(user: Any) -> bool:
    from aftersales.accounts.access import has_role
    from aftersales.accounts.roles import Role

    return has_role(user, Role.ENGINEER, Role.EXPERT)


# --- update --------------------------------------------------------------------------------

TEXT_FIELDS = ("diagnosis", "cause", "solution", "process", "test_results", "fault_text")
EDITABLE = (
    RepairStatus.NEW,
    RepairStatus.QUOTED,
    RepairStatus.APPROVED,
    RepairStatus.IN_PROGRESS,
)


def _parts(lines: Iterable[dict]) -> list[RepairPart]:
    parts = []
    for line in lines:
        name = str(line.get("name") or "").strip()
        if not name:
            raise Invalid(PART_NAME_REQUIRED, field="parts")
        try:
            quantity = int(line.get("quantity", 1))
        except (TypeError, ValueError) as exc:
            raise Invalid(BAD_QUANTITY, field="parts") from exc
        if not 1 <= quantity <= 100000:
            raise Invalid(BAD_QUANTITY, field="parts")
        parts.append(
            RepairPart(
                name=name[:200],
                part_number=str(line.get("part_number") or "").strip()[:80],
                quantity=quantity,
                unit_price=_money(line.get("unit_price", 0), "parts"),
            )
        )
    return parts


@transaction.atomic
def repair_update(
    *,
    by: Any,
    order: RepairOrder,
    parts: Iterable[dict] | None = None,
    engineers: Iterable[Any] | None = None,
    **fields: Any,
) -> RepairOrder:
    """Record diagnosis, decision, appointment, parts, labour and travel; reprices.

    Changing the price of a quoted or approved paid order withdraws the quote (back to
    diagnosing); during the work a paid order may not exceed the approved amount.
    """
    _require(by, "repairs.change_repairorder")
    order = _lock(order, *EDITABLE)
    now = timezone.now()
    before = order.customer_amount
    changed: list[str] = []
    for key, value in fields.items():
        if key in TEXT_FIELDS:
            value = (value or "").strip()
            if key == "fault_text" and not value:
                raise Invalid(FAULT_REQUIRED, field=key)
        elif key == "fault_category":
            value = _fault(value)
        elif key == "decision":
            value = value or ""
            if value not in Decision.values:
                raise Invalid(UNKNOWN_DECISION, field=key)
        elif key == "service_mode":
            if value not in ServiceMode.values:
                raise Invalid(UNKNOWN_MODE, field=key)
        elif key == "travel_mode":
            if value not in TravelMode.values:
                raise Invalid(UNKNOWN_TRAVEL, field=key)
        elif key == "exclusion":
            value = value or ""
            if value not in Exclusion.values:
                raise Invalid(UNKNOWN_EXCLUSION, field=key)
        elif key == "labour_minutes":
            try:
                value = int(value or 0)
            except (TypeError, ValueError) as exc:
                raise Invalid(NOT_NEGATIVE, field=key) from exc
            if not 0 <= value <= 10**6:
                raise Invalid(NOT_NEGATIVE, field=key)
        elif key == "travel_km":
            value = _money(value or 0, key).quantize(Decimal("0.1"))
        elif key == "appointment_at":
            pass
        else:
            raise Invalid(_("Unknown field."), field=key)
        setattr(order, key, value)
        changed.append(key)
    if parts is not None:
        new_parts = _parts(parts)
        order.parts.all().delete()
        for part in new_parts:
            part.order = order
        RepairPart.objects.bulk_create(new_parts)
        changed.append("parts")
    if engineers is not None:
        engineers = list(engineers)
        if any(not (u.is_active and is_staff_member(u)) for u in engineers):
            raise Invalid(NOT_AN_ENGINEER, field="engineers")
        order.engineers.set(engineers)
        changed.append("engineers")
    _set_chargeable(order)
    if "fault_category" in changed or "fault_text" in changed:
        _check_replacement(order)
    _reprice(order)
    text = ""
    if order.chargeable and order.customer_amount != before:
        if order.status in (RepairStatus.QUOTED, RepairStatus.APPROVED):
            order.status = RepairStatus.NEW
            text = _t("Price changed: the quote was withdrawn and must be sent again.")
        elif order.status == RepairStatus.IN_PROGRESS and order.customer_amount > (
            order.quote_amount or ZERO
        ):
            raise Conflict(OVER_QUOTE % {"amount": order.quote_amount})
    order.updated_at = now
    order.save()
    _event(order, by=by, kind=RepairEventKind.UPDATED, now=now, text=text, fields=changed)
    return order


# --- quote ---------------------------------------------------------------------------------


def _contact_of(order: RepairOrder):
    return order.case.contact


def _notify_contact(
    order: RepairOrder, *, kind: str, subject: str, body: str, key: str, attachment=None
) -> None:
    from aftersales.notify.services import notify_enqueue

    contact = _contact_of(order)
    if contact is None:
        return
    notify_enqueue(
        channel="email",
        to_user=contact.user,
        address=contact.email,
        subject=subject,
        body=body,
        kind=kind,
        ref_type="repair",
        ref_id=order.number,
        dedupe_key=f"{kind}:{order.number}:{key}",
        attachment_path=attachment.file.name if attachment is not None else "",
        attachment_name=attachment.name if attachment is not None else "",
    )


@transaction.atomic
def repair_quote(*, by: Any, order: RepairOrder) -> RepairOrder:
    """Send the quote (报价) of a paid repair to the case's contact; the portal shows it."""
    _require(by, "repairs.change_repairorder")
    order = _lock(order, RepairStatus.NEW)
    if not order.chargeable:
        raise Conflict(FREE_NO_QUOTE % {"reason": order.entitlement_reason})
    if not order.diagnosis:
        raise Invalid(DIAGNOSIS_REQUIRED, field="diagnosis")
    now = timezone.now()
    _reprice(order)
    order.status = RepairStatus.QUOTED
    order.quoted_at, order.quoted_by, order.quote_amount = now, by, order.customer_amount
    order.approval_decided_at, order.approval_by_name, order.approval_channel = None, "", ""
    _save(order, now, "status", "quoted_at", "quoted_by", "quote_amount", *PRICE_FIELDS)
    _save(order, now, "approval_decided_at", "approval_by_name", "approval_channel")
    _event(order, by=by, kind=RepairEventKind.QUOTED, now=now, amount=str(order.quote_amount))
    link = site_url(reverse("repairs:portal_detail", args=[order.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        _notify_contact(
            order,
            kind="repair.quote",
            subject=_t("Repair quote %(number)s: %(amount)s yuan")
            % {"number": order.number, "amount": order.quote_amount},
            body=_t(
                "Your device %(serial)s is out of warranty (%(reason)s).\n"
                "Diagnosis: %(diagnosis)s\n"
                "Parts %(parts)s + labour %(labour)s + travel %(travel)s = %(total)s yuan.\n"
                "Please approve or refuse the quote on the portal: %(link)s"
            )
            % {
                "serial": order.asset.serial_number if order.asset_id else "—",
                "reason": order.entitlement_reason,
                "diagnosis": order.diagnosis,
                "parts": order.parts_cost,
                "labour": order.labour_cost,
                "travel": order.travel_cost,
                "total": order.quote_amount,
                "link": link,
            },
            key=now.isoformat(),
        )
    return order


@transaction.atomic
def repair_quote_decide(
    *,
    by: Any,
    order: RepairOrder,
    approve: bool,
    name: str = "",
    decided_at: dt.datetime | None = None,
    note: str = "",
    channel: str = "",
) -> RepairOrder:
    """The customer approves or refuses the quote: on the portal themselves, or staff record
    a phone decision with who and when. A refusal ends the order; the device goes back."""
    customer = is_customer_of(by, order)
    if not (customer or can(by, "repairs.record_quote_approval")):
        raise Forbidden(NOT_ALLOWED)
    order = _lock(order, RepairStatus.QUOTED)
    now = timezone.now()
    name = (name or "").strip()
    if customer:
        name = name or _contact_name(by)
        decided_at = now
        channel = channel or ApprovalChannel.PORTAL
    else:
        if not name:
            raise Invalid(NAME_REQUIRED, field="name")
        decided_at = decided_at or now
        if decided_at > now:
            raise Invalid(DECIDED_IN_FUTURE, field="decided_at")
        channel = ApprovalChannel.PHONE
    order.approval_decided_at, order.approval_by_name = decided_at, name[:100]
    order.approval_channel = channel
    order.approval_recorded_by = by if getattr(by, "is_authenticated", False) else None
    fields = ["approval_decided_at", "approval_by_name", "approval_channel"]
    fields.append("approval_recorded_by")
    if approve:
        order.status = RepairStatus.APPROVED
        kind = RepairEventKind.APPROVED
    else:
        order.status = RepairStatus.REFUSED
        order.refusal_note = (note or "").strip()
        order.device_returned_at = now
        order.closed_at = now
        fields += ["refusal_note", "device_returned_at", "closed_at"]
        kind = RepairEventKind.REFUSED
    _save(order, now, "status", *fields)
    _event(
        order,
        by=by,
        kind=kind,
        now=now,
        text=order.refusal_note if not approve else "",
        name=name,
        channel=channel,
        decided_at=decided_at.isoformat(),
    )
    return order


def _contact_name(user: Any) -> str:
    contact = getattr(user, "contact", None)
    return getattr(contact, "name", "") or user.get_username()


# --- work ----------------------------------------------------------------------------------


@transaction.atomic
def repair_start(*, by: Any, order: RepairOrder) -> RepairOrder:
    """Start the work: free orders at once; paid ones only after the quote was approved."""
    _require(by, "repairs.change_repairorder")
    order = _lock(order)
    if order.chargeable and order.status in (RepairStatus.NEW, RepairStatus.QUOTED):
        raise Conflict(QUOTE_NOT_APPROVED, extra={"status": order.status})
    allowed = (RepairStatus.APPROVED,) if order.chargeable else (RepairStatus.NEW,)
    if order.status not in allowed:
        raise Conflict(
            NOT_IN_STATE % {"status": order.get_status_display()}, extra={"status": order.status}
        )
    now = timezone.now()
    order.status, order.started_at = RepairStatus.IN_PROGRESS, now
    _save(order, now, "status", "started_at")
    _event(order, by=by, kind=RepairEventKind.STARTED, now=now)
    return order


@transaction.atomic
def repair_verify(
    *, by: Any, order: RepairOrder, test_results: str, signature: str = ""
) -> RepairOrder:
    """Test and verify the repair (测试与验证); the engineer may sign on screen."""
    _require(by, "repairs.change_repairorder")
    test_results = (test_results or "").strip()
    if not test_results:
        raise Invalid(TEST_RESULTS_REQUIRED, field="test_results")
    png = signature_png(signature, field="signature") if signature else None
    order = _lock(order, RepairStatus.IN_PROGRESS)
    now = timezone.now()
    order.status, order.test_results = RepairStatus.VERIFIED, test_results
    order.verified_at, order.verified_by = now, by
    if png:
        order.engineer_signature.save(
            f"engineer-{now:%Y%m%d%H%M%S}.png", ContentFile(png), save=False
        )
    _save(order, now, "status", "test_results", "verified_at", "verified_by", "engineer_signature")
    _event(order, by=by, kind=RepairEventKind.VERIFIED, now=now, text=test_results)
    return order


def _part_warranty_months() -> int:
    term = warranty_term_for(product_model=None, kind=ProductKind.PART)
    return term.months if term is not None else DEFAULT_PART_WARRANTY_MONTHS


@transaction.atomic
def repair_sign_off(
    *, by: Any, order: RepairOrder, name: str = "", signature: str = ""
) -> RepairOrder:
    """The customer confirms the repair: on the portal, or by signing on the engineer's
    tablet. Repaired parts get their own warranty; the service report is archived on the
    case and the contact gets a link to it."""
    customer = is_customer_of(by, order)
    if not (customer or can(by, "repairs.change_repairorder")):
        raise Forbidden(NOT_ALLOWED)
    name = (name or "").strip() or (_contact_name(by) if customer else "")
    if not name:
        raise Invalid(SIGNER_REQUIRED, field="name")
    if not customer and not signature:
        raise Invalid(SIGNATURE_REQUIRED, field="signature")
    png = signature_png(signature, field="signature") if signature else None
    order = _lock(order, RepairStatus.VERIFIED)
    now = timezone.now()
    order.status = RepairStatus.SIGNED_OFF
    order.signed_off_at, order.signer_name = now, name[:100]
    order.signoff_channel = SignoffChannel.SIGNATURE if png else SignoffChannel.PORTAL
    if png:
        order.customer_signature.save(
            f"customer-{now:%Y%m%d%H%M%S}.png", ContentFile(png), save=False
        )
    order.warranty_until = add_months(timezone.localdate(now), _part_warranty_months())
    order.parts.update(warranty_until=order.warranty_until)
    order.closed_at = now
    _save(order, now, "status", "signed_off_at", "signer_name", "signoff_channel")
    _save(order, now, "customer_signature", "warranty_until", "closed_at")
    _event(order, by=by, kind=RepairEventKind.SIGNED_OFF, now=now, name=name)
    report_archive(order=order, by=by)
    return order


@transaction.atomic
def repair_cancel(*, by: Any, order: RepairOrder, text: str = "") -> RepairOrder:
    """Cancel an order before work starts (e.g. the fault went away); nothing is deleted."""
    _require(by, "repairs.change_repairorder")
    order = _lock(order, RepairStatus.NEW, RepairStatus.QUOTED, RepairStatus.APPROVED)
    now = timezone.now()
    order.status, order.closed_at = RepairStatus.CANCELLED, now
    _save(order, now, "status", "closed_at")
    _event(order, by=by, kind=RepairEventKind.CANCELLED, now=now, text=(text or "").strip())
    return order


# --- the service report --------------------------------------------------------------------


def report_archive(*, order: RepairOrder, by: Any) -> None:
    """Render the PDF, attach it to the case (an attachment + its activity), mail a link."""
    from aftersales.cases.services import attachment_add
    from aftersales.repairs.report import render_report_pdf

    pdf = render_report_pdf(order)
    upload = ContentFile(pdf, name=f"维修报告-{order.number}.pdf")
    attachment = attachment_add(case=order.case, by=by, file=upload)
    now = timezone.now()
    order.report = attachment
    _save(order, now, "report")
    _event(order, by=by, kind=RepairEventKind.REPORT, now=now, attachment=attachment.pk)
    link = site_url(reverse("repairs:portal_detail", args=[order.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        _notify_contact(
            order,
            kind="repair.report",
            subject=_t("Service report %(number)s") % {"number": order.number},
            body=_t(
                "The repair %(number)s was completed and signed off by %(name)s.\n"
                "The service report (PDF) is attached and on the portal: %(link)s"
            )
            % {"number": order.number, "name": order.signer_name, "link": link},
            key="report",
            attachment=attachment,
        )
