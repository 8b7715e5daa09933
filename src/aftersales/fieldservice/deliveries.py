"""Every write on a delivery (到货验收 / 安装调试): keyword-only, one transaction, its timeline row.

Rules of domain.md ("Delivery acceptance"): three stages in order, each with its form: the
initial inspection (quantity, appearance, manuals, certificates; 《采购货物收货情况检验表》), the
quality department's professional inspection (a dispute goes to an outside authority with its
report), the final check. A failed stage waits for an exchange or repair and is then inspected
again. Passing the final check is the final acceptance (终验): each serialised item becomes (or
updates) the customer's asset with that acceptance date, which starts its warranty. Each step
accepts `at` (not in the future, not before the delivery's previous step: 422 naming `at`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can
from aftersales.accounts.models import User
from aftersales.accounts.predicates import Predicate
from aftersales.cases.models import ServiceMode
from aftersales.cases.services import case_create
from aftersales.contracts.models import ServiceContract
from aftersales.contracts.services import contract_cover_assets
from aftersales.core import timeline
from aftersales.core.db import id_or_none
from aftersales.core.errors import Conflict, Invalid
from aftersales.core.models import Activity
from aftersales.core.moments import recorded_moment
from aftersales.core.numbering import next_day_number
from aftersales.core.schema_types import MEDIUM_TEXT_MAX, bounded_text
from aftersales.core.signatures import signature_png
from aftersales.core.uploads import check_upload, starts
from aftersales.fieldservice import delivery_access as access
from aftersales.fieldservice.models import (
    Delivery,
    DeliveryCounter,
    DeliveryEventKind,
    DeliveryInspection,
    DeliveryItem,
    DeliveryStage,
    DeliveryStatus,
    FixKind,
)
from aftersales.registry.models import Asset, ProductModel
from aftersales.registry.services.assets import asset_register, asset_update
from aftersales.rma.models import ReturnKind
from aftersales.rma.returns import return_request

PREFIX = "DL"
MAX_ITEMS = 500
MAX_QUANTITY = 100_000
SUBJECT = "delivery"
FIX_REASON = _("Delivery %(number)s failed: %(stage)s")
# The initial inspection's form (《采购货物收货情况检验表》): its four checks, in print order.
INITIAL_CHECKS = ("quantity", "appearance", "manuals", "certificates")
NEXT_STAGE = {
    DeliveryStage.INITIAL: DeliveryStage.PROFESSIONAL,
    DeliveryStage.PROFESSIONAL: DeliveryStage.FINAL,
    DeliveryStage.FINAL: DeliveryStage.ACCEPTED,
}

REQUIRED = _("This field is required.")
UNKNOWN_CONTRACT = _("No contract has this number.")
INACTIVE_CONTRACT = _("This contract is no longer active.")
NO_ITEMS = _("List at least one delivered item.")
TOO_MANY_ITEMS = _("A delivery lists at most %(max)s items.")
UNKNOWN_MODEL = _("No product model has this id or name.")
AMBIGUOUS_MODEL = _("Several vendors have a model of this name: give the model's id.")
SERIAL_TWICE = _("This serial number is listed twice.")
SERIAL_OTHER_CUSTOMER = _("An asset with this serial number belongs to another customer.")
SERIAL_IN_DELIVERY = _("This serial number is already in delivery %(number)s.")
SERIAL_IS_ONE = _("A serial number is one unit: leave the quantity at 1.")
BAD_QUANTITY = _("Enter a quantity from 1 to %(max)s.")
DELIVERED_IN_FUTURE = _("The delivery date is in the future.")
UNKNOWN_STAGE = _("Choose initial, professional or final.")
REASONS_REQUIRED = _("Say why the stage failed.")
CHECKS_INITIAL_ONLY = _("Only the initial inspection has these checks.")
CHECK_FAILED_BUT_PASSED = _("A check failed: the stage cannot pass.")
UNKNOWN_ITEM = _("This item is not part of the delivery.")
SHORT_BUT_PASSED = _("Fewer units were received than delivered: the stage cannot pass.")
BAD_RECEIVED = _("Enter a received quantity from 0 to %(max)s.")
UNKNOWN_FIX = _("Choose exchange or repair.")
AUTHORITY_REQUIRED = _("Name the inspection authority.")
REPORT_NOT_ALLOWED = _("The authority's report must be a PDF or an image (PNG, JPG).")
SIGNER_REQUIRED = _("Enter the name of the customer's person who signs.")
ALREADY_SIGNED = _("This form is already signed.")
RESULTS_REQUIRED = _("Describe the acceptance test's results.")
CANCEL_REASON_REQUIRED = _("Say why the delivery is cancelled.")

REPORT_TYPES = {
    "pdf": ("application/pdf", starts(b"%PDF-")),
    "png": ("image/png", starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", starts(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", starts(b"\xff\xd8\xff")),
}


def _text(value: str, *, field: str, limit: int = MEDIUM_TEXT_MAX) -> str:
    return bounded_text((value or "").strip(), field=field, limit=limit)


def _required(value: str, *, field: str, message: Any = REQUIRED, limit: int = MEDIUM_TEXT_MAX):
    value = _text(value, field=field, limit=limit)
    if not value:
        raise Invalid(message, field=field)
    return value


def _item_error(message: Any, index: int, field: str) -> Invalid:
    return Invalid(message, field=field, loc=("body", "items", index))


def _contract(number: str) -> ServiceContract:
    number = (str(number or "")).strip()
    if not number:
        raise Invalid(REQUIRED, field="contract")
    contract = (
        ServiceContract.objects.select_related("customer")
        .filter(number__iexact=number[:40])
        .first()
    )
    if contract is None:
        raise Invalid(UNKNOWN_CONTRACT, field="contract")
    if not contract.is_active:
        raise Invalid(INACTIVE_CONTRACT, field="contract")
    return contract


def _product_model(value: Any, index: int) -> ProductModel:
    """A model by its id (as a script sends it) or by its name when only one vendor has it."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise _item_error(REQUIRED, index, "product_model")
    pk = id_or_none(text)
    if pk is not None:
        found = ProductModel.objects.filter(pk=pk).first()
        if found is not None:
            return found
    matches = list(ProductModel.objects.filter(name__iexact=text[:120])[:2])
    if not matches:
        raise _item_error(UNKNOWN_MODEL, index, "product_model")
    if len(matches) > 1:
        raise _item_error(AMBIGUOUS_MODEL, index, "product_model")
    return matches[0]


def _items(lines: Iterable[Any], contract: ServiceContract) -> list[DeliveryItem]:
    """Unsaved items from the body's lines; every refusal names the line and its field."""
    lines = list(lines or [])
    if not lines:
        raise Invalid(NO_ITEMS, field="items")
    if len(lines) > MAX_ITEMS:
        raise Invalid(TOO_MANY_ITEMS % {"max": MAX_ITEMS}, field="items")
    items, seen = [], set()
    for index, line in enumerate(lines):
        line = line if isinstance(line, dict) else dict(line)
        model = _product_model(line.get("product_model"), index)
        serial = str(line.get("serial_number") or "").strip()
        if len(serial) > 80:
            raise _item_error(_("At most 80 characters."), index, "serial_number")
        quantity = line.get("quantity", 1)
        quantity = 1 if quantity is None else quantity
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise _item_error(BAD_QUANTITY % {"max": MAX_QUANTITY}, index, "quantity")
        if serial:
            if quantity != 1:
                raise _item_error(SERIAL_IS_ONE, index, "quantity")
            if serial.upper() in seen:
                raise _item_error(SERIAL_TWICE, index, "serial_number")
            seen.add(serial.upper())
            _check_serial(serial, contract, index)
        items.append(DeliveryItem(product_model=model, serial_number=serial, quantity=quantity))
    return items


def _check_serial(serial: str, contract: ServiceContract, index: int) -> None:
    owner = Asset.objects.filter(serial_number__iexact=serial).values("customer_id").first()
    if owner is not None and owner["customer_id"] != contract.customer_id:
        raise _item_error(SERIAL_OTHER_CUSTOMER, index, "serial_number")
    other = (
        DeliveryItem.objects.filter(serial_number__iexact=serial)
        .exclude(delivery__status=DeliveryStatus.CANCELLED)
        .values("delivery__number")
        .first()
    )
    if other is not None:
        raise _item_error(
            SERIAL_IN_DELIVERY % {"number": other["delivery__number"]}, index, "serial_number"
        )


def _only_project(contract: ServiceContract) -> Any:
    projects = list(contract.projects.all()[:2])
    return projects[0] if len(projects) == 1 else None


def delivery_create(
    *,
    by: User,
    contract: str,
    items: Iterable[Any],
    delivery_note_number: str = "",
    delivered_on: dt.date | None = None,
    notes: str = "",
    at: dt.datetime | None = None,
) -> Delivery:
    """Record goods delivered under a contract (送货单); the delivery waits for its initial
    inspection. `items`: [{"product_model": id or name, "serial_number", "quantity"?}]."""
    access.can_create.enforce_who(by, None)
    now = timezone.now()
    found = _contract(contract)
    lines = _items(items, found)
    note_number = _text(delivery_note_number, field="delivery_note_number", limit=60)
    notes = _text(notes, field="notes")
    moment = recorded_moment(at, now=now)
    day = delivered_on or timezone.localdate(moment)
    if day > timezone.localdate(now):
        raise Invalid(DELIVERED_IN_FUTURE, field="delivered_on")
    with transaction.atomic():
        delivery = Delivery.objects.create(
            number=next_day_number(DeliveryCounter, PREFIX, moment),
            contract=found,
            customer=found.customer,
            project=_only_project(found),
            delivery_note_number=note_number,
            delivered_on=day,
            notes=notes,
            created_by=by,
        )
        for line in lines:
            line.delivery = delivery
        DeliveryItem.objects.bulk_create(lines)
        timeline.record(
            subject=delivery,
            kind=DeliveryEventKind.CREATED,
            actor=by,
            at=moment,
            text=f"{found.number} · {len(lines)}",
            data={"items": len(lines)},
        )
    return delivery


# --- the steps ---


def _last_moment(delivery: Delivery) -> dt.datetime | None:
    """The moment of the delivery's latest step: no step is recorded before it."""
    return Activity.objects.filter(subject_kind=SUBJECT, subject_id=delivery.pk).aggregate(
        last=Max("at")
    )["last"]


Apply = Callable[[Delivery, dt.datetime], tuple[str, str, dict]]


def _step(
    delivery: Delivery, *, by: User, predicate: Predicate, at: dt.datetime | None, apply: Apply
) -> Delivery:
    """Lock the delivery, check the predicate and `at`, apply the change and write its
    timeline row (kind, text, data as `apply` returns them): one transaction."""
    predicate.enforce_who(by, delivery)
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("customer", "contract")
            .get(pk=delivery.pk)
        )
        predicate.enforce(by, locked)
        moment = recorded_moment(at, now=now, previous=_last_moment(locked))
        kind, text, data = apply(locked, moment)
        locked.updated_at = now
        locked.save()
        timeline.record(subject=locked, kind=kind, actor=by, text=text, at=moment, data=data)
    return locked


def _checks(stage: str, passed: bool, checks: dict | None) -> dict:
    given = {k: v for k, v in (checks or {}).items() if v is not None}
    if not given:
        return {}
    if stage != DeliveryStage.INITIAL:
        raise Invalid(CHECKS_INITIAL_ONLY, field="checks")
    if any(code not in INITIAL_CHECKS or not isinstance(v, bool) for code, v in given.items()):
        raise Invalid(CHECKS_INITIAL_ONLY, field="checks")
    if passed and not all(given.values()):
        raise Invalid(CHECK_FAILED_BUT_PASSED, field="checks")
    return given


def _received(
    delivery: Delivery, stage: str, passed: bool, received: Iterable[Any] | None
) -> dict[int, int]:
    """Received quantity per item id (initial stage only); a pass needs everything received."""
    lines = list(received or [])
    if lines and stage != DeliveryStage.INITIAL:
        raise Invalid(CHECKS_INITIAL_ONLY, field="received")
    items = {item.pk: item for item in delivery.items.all()}
    counted: dict[int, int] = {}
    for line in lines:
        line = line if isinstance(line, dict) else dict(line)
        item = items.get(id_or_none(line.get("item")))
        if item is None:
            raise Invalid(UNKNOWN_ITEM, field="received")
        quantity = line.get("quantity")
        if not isinstance(quantity, int) or not 0 <= quantity <= item.quantity:
            raise Invalid(BAD_RECEIVED % {"max": item.quantity}, field="received")
        counted[item.pk] = quantity
    if stage != DeliveryStage.INITIAL:
        return {}
    if passed and any(counted.get(pk, item.quantity) < item.quantity for pk, item in items.items()):
        raise Invalid(SHORT_BUT_PASSED, field="received")
    # Unless counted otherwise, everything delivered was received.
    return {pk: counted.get(pk, item.quantity) for pk, item in items.items()}


def delivery_inspect(
    *,
    delivery: Delivery,
    by: User,
    stage: str,
    passed: bool,
    notes: str = "",
    at: dt.datetime | None = None,
    checks: dict | None = None,
    received: Iterable[Any] | None = None,
) -> Delivery:
    """Record the inspection of the stage the delivery waits for: passed moves to the next
    stage (the final one is the final acceptance), failed waits for an exchange or repair."""
    if stage not in access.INSPECTION_STAGE_VALUES:
        raise Invalid(UNKNOWN_STAGE, field="stage")
    predicate = access.can_inspect_stage(stage)
    predicate.enforce_who(by, delivery)
    notes = (
        _text(notes, field="notes")
        if passed
        else _required(notes, field="notes", message=REASONS_REQUIRED)
    )
    checked = _checks(stage, passed, checks)

    def apply(locked: Delivery, moment: dt.datetime) -> tuple[str, str, dict]:
        counted = _received(locked, stage, passed, received)
        for item in locked.items.all():
            if item.pk in counted and counted[item.pk] != item.received_quantity:
                item.received_quantity = counted[item.pk]
                item.save(update_fields=["received_quantity"])
        inspection = DeliveryInspection.objects.create(
            delivery=locked,
            stage=stage,
            passed=passed,
            at=moment,
            by=by,
            checks=checked,
            notes=notes,
            failure_reasons="" if passed else notes,
        )
        data = {"inspection": inspection.pk, "stage": stage, "passed": passed}
        if not passed:
            locked.status = DeliveryStatus.WAITING_FIX
            return DeliveryEventKind.FAILED, f"{inspection.get_stage_display()}: {notes}", data
        locked.stage = NEXT_STAGE[stage]
        if locked.stage == DeliveryStage.ACCEPTED:
            _accept(locked, moment, by)
            return DeliveryEventKind.ACCEPTED, notes, data
        return DeliveryEventKind.INSPECTED, f"{inspection.get_stage_display()} ✓ {notes}", data

    return _step(delivery, by=by, predicate=predicate, at=at, apply=apply)


def _accept(delivery: Delivery, moment: dt.datetime, by: User) -> None:
    """Final acceptance (终验): each serialised item becomes the customer's asset, accepted on
    the final moment's local date (its warranty starts), and joins the contract's cover."""
    day = timezone.localdate(moment)
    installed = timezone.localdate(delivery.installed_at) if delivery.installed_at else None
    delivery.status = DeliveryStatus.ACCEPTED
    delivery.accepted_on = day
    accepted = []
    for index, item in enumerate(delivery.items.select_related("product_model").order_by("id")):
        if not item.serial_number:
            continue  # unserialised goods are counted, not registered
        asset = Asset.objects.filter(serial_number__iexact=item.serial_number).first()
        if asset is not None and asset.customer_id != delivery.customer_id:
            raise _item_error(SERIAL_OTHER_CUSTOMER, index, "serial_number")
        if asset is None:
            asset = asset_register(
                customer=delivery.customer,
                serial_number=item.serial_number,
                product_model=item.product_model,
                site=delivery.site,
                project=delivery.project,
                installed_on=installed,
                accepted_on=day,
                by=by,
            )
        else:
            asset = asset_update(
                asset=asset,
                serial_number=asset.serial_number,
                product_model=item.product_model,
                site=asset.site or delivery.site,
                project=asset.project or delivery.project,
                parent=asset.parent,
                installed_on=asset.installed_on or installed,
                accepted_on=day,
                warranty_months=asset.warranty_months,
                software_version=asset.software_version,
                notes=asset.notes,
                by=by,
            )
        item.asset = asset
        item.save(update_fields=["asset"])
        accepted.append(asset)
    # A contract that lists its covered assets must list these too; one that lists none
    # covers all the customer's assets already.
    if accepted and delivery.contract.assets.exists():
        contract_cover_assets(contract=delivery.contract, assets=accepted, by=by)


def _failed(delivery: Delivery) -> DeliveryInspection:
    failed = access.last_inspection(delivery)
    if failed is None:  # the predicates refuse this first; kept for type checkers
        raise Conflict(access.NO_FIX_YET)
    return failed


def delivery_fix_open(
    *,
    delivery: Delivery,
    by: User,
    kind: str,
    reference: str = "",
    at: dt.datetime | None = None,
) -> Delivery:
    """Record the exchange or repair opened for the failed stage. Without a reference (an
    RMA or order number opened elsewhere) it is opened here: an exchange as a return request
    (退换货), a repair as a case; the delivery then waits until that is done."""
    access.can_open_fix.enforce_who(by, delivery)
    if kind not in FixKind.values:
        raise Invalid(UNKNOWN_FIX, field="kind")
    reference = _text(reference, field="reference", limit=60)

    def apply(locked: Delivery, moment: dt.datetime) -> tuple[str, str, dict]:
        failed = _failed(locked)
        failed.fix_kind, failed.fix_reference = kind, reference
        if not reference:
            _open_fix(locked, failed, by=by, at=moment)
        failed.save(update_fields=["fix_kind", "fix_reference", "fix_return", "fix_case"])
        text = f"{FixKind(kind).label} {failed.fix_reference}".strip()
        data = {"kind": kind, "reference": failed.fix_reference}
        return DeliveryEventKind.FIX_OPENED, text, data

    return _step(delivery, by=by, predicate=access.can_open_fix, at=at, apply=apply)


def _failure_text(delivery: Delivery, failed: DeliveryInspection) -> str:
    items = "; ".join(
        f"{item.product_model} × {item.quantity}"
        + (f" ({item.serial_number})" if item.serial_number else "")
        for item in delivery.items.select_related("product_model")
    )
    return f"{failed.failure_reasons}\n{items}".strip()[:MEDIUM_TEXT_MAX]


def _open_fix(delivery: Delivery, failed: DeliveryInspection, *, by: User, at: dt.datetime) -> None:
    """Open the exchange or the repair of a failed stage through rma's and cases' services,
    in the step's transaction: a refusal there (403, 422) leaves the delivery unchanged."""
    stage = DeliveryStage(failed.stage).label
    text = _failure_text(delivery, failed)
    if failed.fix_kind == FixKind.EXCHANGE:
        serials = [item.serial_number for item in delivery.items.all() if item.serial_number]
        request = return_request(
            by=by,
            customer=delivery.customer.code,
            purchased_on=delivery.delivered_on or timezone.localdate(at),
            reason=FIX_REASON % {"number": delivery.number, "stage": stage},
            kind=ReturnKind.EXCHANGE,
            serial_number=serials[0] if len(serials) == 1 else "",
            doa=True,
            evidence=text,
            at=at,
        )
        failed.fix_return, failed.fix_reference = request, request.number
    else:
        case = case_create(
            by=by,
            customer=delivery.customer,
            title=FIX_REASON % {"number": delivery.number, "stage": stage},
            description=text,
            case_type="fault",
            service_mode=ServiceMode.ONSITE,
        )
        failed.fix_case, failed.fix_reference = case, case.number


def delivery_dispute(
    *,
    delivery: Delivery,
    by: User,
    authority: str,
    report: Any = None,
    at: dt.datetime | None = None,
) -> Delivery:
    """The supplier disputes a failed professional inspection: record the outside authority
    and its report (PDF or image); the authority's verdict is then recorded as the fix."""
    access.can_dispute.enforce_who(by, delivery)
    authority = _required(authority, field="authority", message=AUTHORITY_REQUIRED, limit=200)
    ext = ""
    if report is not None:
        ext, _type = check_upload(
            report, types=REPORT_TYPES, not_allowed=REPORT_NOT_ALLOWED, field="report"
        )

    def apply(locked: Delivery, moment: dt.datetime) -> tuple[str, str, dict]:
        failed = _failed(locked)
        failed.disputed, failed.authority = True, authority
        fields = ["disputed", "authority"]
        if report is not None:
            # The client's file name never reaches the disk: paths stay ours.
            failed.authority_report.save(f"{uuid.uuid4().hex}.{ext}", report, save=False)
            fields.append("authority_report")
        failed.save(update_fields=fields)
        return DeliveryEventKind.DISPUTED, authority, {"report": report is not None}

    return _step(delivery, by=by, predicate=access.can_dispute, at=at, apply=apply)


def delivery_fixed(
    *, delivery: Delivery, by: User, notes: str = "", at: dt.datetime | None = None
) -> Delivery:
    """The exchange or repair is done (or the authority ruled): inspect the stage again."""
    access.can_mark_fixed.enforce_who(by, delivery)
    notes = _text(notes, field="notes")

    def apply(locked: Delivery, moment: dt.datetime) -> tuple[str, str, dict]:
        failed = _failed(locked)
        failed.fixed_at = moment
        failed.save(update_fields=["fixed_at"])
        locked.status = DeliveryStatus.OPEN
        return DeliveryEventKind.FIXED, notes, {"inspection": failed.pk}

    return _step(delivery, by=by, predicate=access.can_mark_fixed, at=at, apply=apply)


def _stamp(field: str, kind: str, text: str = "", **changes: Any) -> Apply:
    def apply(locked: Delivery, moment: dt.datetime) -> tuple[str, str, dict]:
        setattr(locked, field, moment)
        for name, value in changes.items():
            setattr(locked, name, value)
        return kind, text, {}

    return apply


def delivery_installed(*, delivery: Delivery, by: User, at: dt.datetime | None = None) -> Delivery:
    """The goods are installed on site (after the initial inspection)."""
    apply = _stamp("installed_at", DeliveryEventKind.INSTALLED)
    return _step(delivery, by=by, predicate=access.can_install, at=at, apply=apply)


def delivery_commissioned(
    *, delivery: Delivery, by: User, at: dt.datetime | None = None
) -> Delivery:
    """Commissioning (调试) is done, after the installation."""
    apply = _stamp("commissioned_at", DeliveryEventKind.COMMISSIONED)
    return _step(delivery, by=by, predicate=access.can_commission, at=at, apply=apply)


def delivery_acceptance_test(
    *, delivery: Delivery, by: User, notes: str, at: dt.datetime | None = None
) -> Delivery:
    """The onsite acceptance test and its results, after the commissioning."""
    access.can_acceptance_test.enforce_who(by, delivery)
    notes = _required(notes, field="notes", message=RESULTS_REQUIRED)
    apply = _stamp(
        "acceptance_test_at", DeliveryEventKind.ACCEPTANCE_TEST, notes, acceptance_test_notes=notes
    )
    return _step(delivery, by=by, predicate=access.can_acceptance_test, at=at, apply=apply)


def delivery_sign(
    *,
    delivery: Delivery,
    by: User,
    signed_by: str,
    signature: str,
    inspection: int | None = None,
    at: dt.datetime | None = None,
) -> Delivery:
    """The customer's person signs an inspection's form on the inspector's screen (default:
    the latest unsigned one); the PDF then prints the signature."""
    access.can_sign.enforce_who(by, delivery)
    signed_by = _required(signed_by, field="signed_by", message=SIGNER_REQUIRED, limit=100)
    png = signature_png(signature, field="signature")

    def apply(locked: Delivery, moment: dt.datetime) -> tuple[str, str, dict]:
        forms = locked.inspections.order_by("-at", "-id")
        if inspection is not None:
            form = forms.filter(pk=id_or_none(inspection)).first()
            if form is None:
                raise Invalid(UNKNOWN_ITEM, field="inspection")
            if form.signed_at is not None:
                raise Conflict(ALREADY_SIGNED)
        else:
            form = forms.filter(signed_at__isnull=True).first()
        form.signed_by, form.signed_at = signed_by, moment
        form.signature.save(f"{uuid.uuid4().hex}.png", ContentFile(png), save=False)
        form.save(update_fields=["signed_by", "signed_at", "signature"])
        text = f"{form.get_stage_display()} · {signed_by}"
        return DeliveryEventKind.SIGNED, text, {"inspection": form.pk}

    return _step(delivery, by=by, predicate=access.can_sign, at=at, apply=apply)


def delivery_cancel(
    *, delivery: Delivery, by: User, reason: str, at: dt.datetime | None = None
) -> Delivery:
    """Cancel a delivery not yet accepted (goods sent back, order withdrawn)."""
    access.can_cancel.enforce_who(by, delivery)
    reason = _required(reason, field="reason", message=CANCEL_REASON_REQUIRED)

    def apply(locked: Delivery, moment: dt.datetime) -> tuple[str, str, dict]:
        locked.status = DeliveryStatus.CANCELLED
        return DeliveryEventKind.CANCELLED, reason, {}

    return _step(delivery, by=by, predicate=access.can_cancel, at=at, apply=apply)


def may_inspect_quality(user: Any) -> bool:
    """Whether the user may record the professional stage (pages hide its form otherwise)."""
    return can(user, access.QUALITY)
