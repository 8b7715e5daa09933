"""Every write on appointments (维修预约): book, propose slots, choose, move, cancel, and the
onsite steps. One transaction each, each with its timeline row.

An engineer's time is guarded by locking their user row (select_for_update) for the whole
check-then-write, so two bookings of the same slot at once cannot both succeed. A booking is
refused (409, with the other appointment's time) when it overlaps a booked appointment of the
same engineer (touching end-to-start is allowed) or leaves too little time to travel between
two places (travel.py). A proposed appointment holds its first slot until the customer picks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import has_role
from aftersales.accounts.models import User
from aftersales.cases import selectors as case_selectors
from aftersales.cases import services as case_services
from aftersales.cases.models import Case
from aftersales.core import timeline
from aftersales.core.errors import Conflict, Invalid, NotFound
from aftersales.core.moments import recorded_moment
from aftersales.core.schema_types import LONG_TEXT_MAX, bounded_text
from aftersales.fieldservice import appointment_access as access
from aftersales.fieldservice import travel
from aftersales.fieldservice.models import (
    BOOKED_STATUSES,
    OPEN_VISIT_STATUSES,
    Appointment,
    AppointmentEventKind,
    AppointmentKind,
    AppointmentStatus,
    Delivery,
    DeliveryStatus,
    InspectionVisit,
    ProposedSlot,
)
from aftersales.notify.notices import notice_create
from aftersales.notify.services import notify_enqueue
from aftersales.registry.models import Contact, Customer, Site
from aftersales.repairs import selectors as repair_selectors
from aftersales.repairs.models import CLOSED_STATUSES as REPAIR_CLOSED_STATUSES
from aftersales.repairs.models import RepairOrder

ENDS_BEFORE_STARTS = _("The end must be after the start.")
TOO_LONG = _("An appointment lasts at most %(hours)s hours.")
UNKNOWN_ENGINEER = _("No active engineer or expert with this name.")
UNKNOWN_CASE = _("No such case.")
UNKNOWN_CUSTOMER = _("No such customer.")
UNKNOWN_SITE = _("No such site of this customer.")
UNKNOWN_VISIT = _("No open inspection visit has this id.")
UNKNOWN_DELIVERY = _("No delivery in acceptance has this id.")
ONE_JOB = _("An appointment is for one visit, delivery or repair order, not several.")
UNKNOWN_REPAIR = _("No open repair order you may see has this id.")
OPEN_DELIVERY_STATUSES = (DeliveryStatus.OPEN, DeliveryStatus.WAITING_FIX)
OVERLAP = _("%(engineer)s already has an appointment from %(start)s to %(end)s.")
TRAVEL = _(
    "Not enough time to travel: %(engineer)s has an appointment from %(start)s to %(end)s "
    "at another place and needs %(minutes)s minutes to get between them."
)
KEY_TAKEN = _("This client key was already used for another booking.")
KEY_TOO_LONG = _("A client key has at most 64 characters.")
SLOT_COUNT = _("Propose two or three slots.")
UNKNOWN_SLOT = _("No such slot.")
UNKNOWN_STEP = _("No such step.")
OUT_OF_ORDER = _("“%(step)s” does not follow the appointment's last step.")
LINK_INVALID = _("This link is not valid any more.")
PROPOSAL_SUBJECT = _("Please choose a time for the engineer's visit")
PROPOSAL_BODY = _("%(customer)s: please choose a time for our engineer's visit: %(url)s")

MAX_HOURS = 72
KEY_MAX = 64
DEPART, ARRIVE, FINISH = "depart", "arrive", "finish"
STEPS = (DEPART, ARRIVE, FINISH)
STEP_EVENT = {
    DEPART: AppointmentEventKind.DEPARTED,
    ARRIVE: AppointmentEventKind.ARRIVED,
    FINISH: AppointmentEventKind.FINISHED,
}
STEP_FIELD = {DEPART: "departed_at", ARRIVE: "arrived_at", FINISH: "finished_at"}
LINK_SALT = "aftersales.fieldservice.appointment-link"
LINK_MAX_AGE = dt.timedelta(days=14)


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# --- inputs ------------------------------------------------------------------------------------


def resolve_engineer(value: Any, *, field: str = "engineer") -> User:
    """An active engineer or expert named by username (as the cases API names assignees) or
    by user id; 422 naming `field` otherwise."""
    user = None
    if isinstance(value, str) and value.strip():
        user = User.objects.filter(username=value.strip(), is_active=True).first()
        if user is None and value.strip().isdigit():
            value = int(value.strip())
    if user is None and isinstance(value, int) and not isinstance(value, bool):
        user = User.objects.filter(pk=value, is_active=True).first()
    if user is None or not has_role(user, *case_services.ENGINEER_ROLES):
        raise Invalid(UNKNOWN_ENGINEER, field=field)
    return user


def check_times(
    starts_at: dt.datetime, ends_at: dt.datetime, *, field: str = "ends_at"
) -> tuple[dt.datetime, dt.datetime]:
    """Both moments aware; the end after the start and within MAX_HOURS (422 naming `field`)."""
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    if ends_at <= starts_at:
        raise Invalid(ENDS_BEFORE_STARTS, field=field)
    if ends_at - starts_at > dt.timedelta(hours=MAX_HOURS):
        raise Invalid(TOO_LONG % {"hours": MAX_HOURS}, field=field)
    return starts_at, ends_at


def _clean_key(client_key: str | None) -> str | None:
    key = (client_key or "").strip()
    if len(key) > KEY_MAX:
        raise Invalid(KEY_TOO_LONG, field="client_key")
    return key or None


# --- the engineer's time ---------------------------------------------------------------------


def place_of(obj: Appointment) -> travel.Place:
    return travel.Place(obj.site_id, obj.region, obj.address, obj.customer_id)


def max_travel() -> dt.timedelta:
    return dt.timedelta(minutes=max(travel.minutes_table().values()))


def slot_refusal(
    *,
    engineer_name: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: travel.Place,
    neighbours: Iterable[Appointment],
) -> Conflict | None:
    """Why the slot is not free given the engineer's booked `neighbours`, or None. Overlap is
    half-open (an appointment may start when the previous one ends); then travel time."""
    neighbours = list(neighbours)
    for other in neighbours:
        if other.starts_at < ends_at and other.ends_at > starts_at:
            return Conflict(
                OVERLAP
                % {
                    "engineer": engineer_name,
                    "start": _when(other.starts_at),
                    "end": _when(other.ends_at),
                },
                extra={"conflict": other.pk, "reason": "overlap"},
            )
    for other in neighbours:
        gap = starts_at - other.ends_at if other.ends_at <= starts_at else other.starts_at - ends_at
        need = travel.travel_time(place_of(other), place)
        if gap < need:
            return Conflict(
                TRAVEL
                % {
                    "engineer": engineer_name,
                    "start": _when(other.starts_at),
                    "end": _when(other.ends_at),
                    "minutes": int(need.total_seconds() // 60),
                },
                extra={"conflict": other.pk, "reason": "travel"},
            )
    return None


def booked_near(
    engineer_ids: Sequence[int], starts_at: dt.datetime, ends_at: dt.datetime, exclude: int | None
) -> list[Appointment]:
    """The booked appointments of these engineers close enough to the slot to matter."""
    reach = max_travel()
    qs = Appointment.objects.filter(
        engineer_id__in=engineer_ids,
        status__in=BOOKED_STATUSES,
        starts_at__lt=ends_at + reach,
        ends_at__gt=starts_at - reach,
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(qs.order_by("starts_at"))


def _ensure_free(
    engineer: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: travel.Place,
    exclude: int | None = None,
) -> None:
    refusal = slot_refusal(
        engineer_name=str(engineer),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        neighbours=booked_near([engineer.pk], starts_at, ends_at, exclude),
    )
    if refusal is not None:
        raise refusal


def _lock_engineers(*users: User) -> None:
    # The engineer's row is the lock on their calendar; in id order so two moves never deadlock.
    ids = sorted({u.pk for u in users})
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


# --- booking ---------------------------------------------------------------------------------


def _place_for(
    *, case: Case | None, customer: Customer | None, site: Site | None, address: str
) -> dict[str, Any]:
    if case is not None:
        customer = case.customer
        asset_site = case.asset.site if case.asset_id and case.asset.site_id else None
        site = site or asset_site
    if site is not None and customer is not None and site.customer_id != customer.pk:
        raise Invalid(UNKNOWN_SITE, field="site")
    if site is not None and customer is None:
        customer = site.customer
    region = (site.region if site is not None else "") or (customer.region if customer else "")
    address = address or (site.address if site is not None else "")
    return {"customer": customer, "site": site, "region": region, "address": address}


def _replay(key: str | None, by: User) -> Appointment | None:
    if key is None:
        return None
    found = Appointment.objects.filter(client_key=key).first()
    if found is not None and found.created_by_id != by.pk:
        raise Conflict(KEY_TAKEN)
    return found


def _visit_and_delivery(
    visit: InspectionVisit | int | None, delivery: Delivery | int | None
) -> tuple[InspectionVisit | None, Delivery | None]:
    """The open inspection visit or the delivery in acceptance an appointment is for (by id);
    422 naming the field for an unknown, finished one, or for both at once."""
    if visit is not None and delivery is not None:
        raise Invalid(ONE_JOB, field="delivery")
    if isinstance(visit, int) and not isinstance(visit, bool):
        visit = InspectionVisit.objects.filter(pk=visit, status__in=OPEN_VISIT_STATUSES).first()
        if visit is None:
            raise Invalid(UNKNOWN_VISIT, field="visit")
    if isinstance(delivery, int) and not isinstance(delivery, bool):
        delivery = Delivery.objects.filter(pk=delivery, status__in=OPEN_DELIVERY_STATUSES).first()
        if delivery is None:
            raise Invalid(UNKNOWN_DELIVERY, field="delivery")
    return visit, delivery


def _repair_order(by: User, repair: RepairOrder | int | None) -> RepairOrder | None:
    """The open repair order (by id, as `by` may see it) an appointment is for; 422 naming
    the field for an unknown or closed one."""
    if repair is None or isinstance(repair, RepairOrder):
        return repair
    try:
        order = repair_selectors.repair_get_for_user(user=by, pk=repair)
    except NotFound:
        raise Invalid(UNKNOWN_REPAIR, field="repair") from None
    if order.status in REPAIR_CLOSED_STATUSES:
        raise Invalid(UNKNOWN_REPAIR, field="repair")
    return order


def resolve_refs(
    *,
    by: User,
    case: Case | str | None = None,
    customer: Customer | str | None = None,
    site: Site | int | None = None,
) -> tuple[Case | None, Customer | None, Site | None]:
    """The case (by number, as `by` may see it), customer (by code) and site (by id) a request
    names; 422 naming the field for an unknown one."""
    if isinstance(case, str):
        try:
            case = case_selectors.case_get_for_user(user=by, number=case) if case else None
        except NotFound:
            raise Invalid(UNKNOWN_CASE, field="case") from None
    if isinstance(customer, str):
        code, customer = customer, None
        if code:
            customer = Customer.objects.filter(code=code, is_active=True).first()
            if customer is None:
                raise Invalid(UNKNOWN_CUSTOMER, field="customer")
    if isinstance(site, int) and not isinstance(site, bool):
        site = Site.objects.filter(pk=site).first()
        if site is None:
            raise Invalid(UNKNOWN_SITE, field="site")
    return case, customer, site


def appointment_book(
    *,
    by: User,
    engineer: User | str | int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    case: Case | str | None = None,
    customer: Customer | str | None = None,
    site: Site | int | None = None,
    address: str = "",
    notes: str = "",
    kind: str = "",
    client_key: str | None = None,
    assign_case: bool = False,
    status: str = AppointmentStatus.CONFIRMED,
    visit: InspectionVisit | int | None = None,
    delivery: Delivery | int | None = None,
    repair: RepairOrder | int | None = None,
) -> tuple[Appointment, bool]:
    """Book `engineer` for the slot; returns (appointment, created). A retry with the same
    `client_key` returns the first booking. A case without an assignee (or with
    `assign_case`) is given to the engineer in the same transaction. The engineer, case,
    customer and site may be given as the API names them (username or id, number, code, id)."""
    access.can_book.enforce_who(by, None)  # before any input is judged: 403, never 422
    if not isinstance(engineer, User):
        engineer = resolve_engineer(engineer)
    case, customer, site = resolve_refs(by=by, case=case, customer=customer, site=site)
    starts_at, ends_at = check_times(starts_at, ends_at)
    key = _clean_key(client_key)
    notes = bounded_text((notes or "").strip(), field="notes", limit=LONG_TEXT_MAX)
    address = bounded_text((address or "").strip(), field="address", limit=300)
    if (found := _replay(key, by)) is not None:
        return found, False
    visit, delivery = _visit_and_delivery(visit, delivery)
    repair = _repair_order(by, repair)
    job = visit or delivery
    if job is not None:
        if repair is not None:
            raise Invalid(ONE_JOB, field="repair")
        # The visit's or the delivery's own customer and place, unless the seat names a site.
        customer, site = job.customer, site or job.site
        kind = kind or (AppointmentKind.VISIT if visit else AppointmentKind.INSTALLATION)
    elif repair is not None:
        # Fetching or returning the device, or repairing it onsite: the order's customer. The
        # case's onsite steps are not this trip's, so the order is linked, not its case.
        customer = repair.customer
        kind = kind or AppointmentKind.REPAIR
    place = _place_for(case=case, customer=customer, site=site, address=address)
    with transaction.atomic():
        _lock_engineers(engineer)
        # A retry racing its own first attempt waits on the lock and finds the first booking.
        if (found := _replay(key, by)) is not None:
            return found, False
        obj = Appointment(
            engineer=engineer,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=kind or (AppointmentKind.CASE if case is not None else AppointmentKind.OTHER),
            case=case,
            notes=notes,
            status=status,
            client_key=key,
            created_by=by,
            visit=visit,
            delivery=delivery,
            repair_order=repair,
            **place,
        )
        _ensure_free(engineer, starts_at, ends_at, place_of(obj))
        wants_assignee = case is not None and (assign_case or case.assignee_id is None)
        if wants_assignee and case.assignee_id != engineer.pk:
            case_services.case_assign(case=case, engineer=engineer, by=by)
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
        except IntegrityError:
            raise Conflict(KEY_TAKEN) from None
        timeline.record(
            subject=obj,
            kind=AppointmentEventKind.BOOKED,
            actor=by,
            text=f"{engineer} {_when(starts_at)}–{_when(ends_at)}",
            data={"engineer": engineer.username},
        )
    return obj, True


def appointment_cancel(*, appointment: Appointment, by: User, reason: str = "") -> Appointment:
    """Cancel a booked appointment: it no longer holds the engineer's time."""
    reason = bounded_text((reason or "").strip(), field="reason", limit=LONG_TEXT_MAX)
    access.can_cancel.enforce_who(by, appointment)
    with transaction.atomic():
        obj = Appointment.objects.select_for_update().get(pk=appointment.pk)
        access.can_cancel.enforce(by, obj)
        obj.status = AppointmentStatus.CANCELLED
        obj.save(update_fields=["status", "updated_at"])
        timeline.record(
            subject=obj, kind=AppointmentEventKind.CANCELLED, actor=by, text=reason or ""
        )
    return obj


def appointment_move(
    *,
    appointment: Appointment,
    by: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    engineer: User | str | int | None = None,
) -> Appointment:
    """Move the appointment to another slot (and engineer, by username or id): checked like a
    new booking."""
    access.can_move.enforce_who(by, appointment)
    if engineer is not None and not isinstance(engineer, User):
        engineer = resolve_engineer(engineer) if engineer != "" else None
    starts_at, ends_at = check_times(starts_at, ends_at)
    with transaction.atomic():
        previous = User.objects.get(pk=appointment.engineer_id)
        target = engineer or previous
        _lock_engineers(previous, target)
        obj = Appointment.objects.select_for_update().get(pk=appointment.pk)
        access.can_move.enforce(by, obj)
        _ensure_free(target, starts_at, ends_at, place_of(obj), exclude=obj.pk)
        before = {"engineer": str(previous), "starts_at": _when(obj.starts_at)}
        obj.engineer, obj.starts_at, obj.ends_at = target, starts_at, ends_at
        obj.save(update_fields=["engineer", "starts_at", "ends_at", "updated_at"])
        timeline.record(
            subject=obj,
            kind=AppointmentEventKind.MOVED,
            actor=by,
            text=f"{target} {_when(starts_at)}–{_when(ends_at)}",
            changes={
                "engineer": [before["engineer"], str(target)],
                "starts_at": [before["starts_at"], _when(starts_at)],
            },
        )
    return obj


# --- proposals ---------------------------------------------------------------------------------


def link_token(obj: Appointment, slot_ids: Sequence[int]) -> str:
    """The signed token of the customer's link: the appointment and the slots it offers."""
    return signing.TimestampSigner(salt=LINK_SALT).sign_object({"a": obj.pk, "s": sorted(slot_ids)})


def link_url(obj: Appointment) -> str:
    """The absolute link that lets the customer pick a slot without logging in."""
    ids = [s.pk for s in obj.slots.all()]
    path = reverse("appointments:pick", args=[link_token(obj, ids)])
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def appointment_for_link(token: str) -> Appointment:
    """The appointment a link names while its slots are still the ones offered (else 404)."""
    if not token or len(token) > 300:
        raise NotFound(LINK_INVALID)
    try:
        payload = signing.TimestampSigner(salt=LINK_SALT).unsign_object(token, max_age=LINK_MAX_AGE)
        pk, slot_ids = int(payload["a"]), sorted(int(s) for s in payload["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound(LINK_INVALID) from None
    obj = Appointment.objects.select_related("customer", "engineer").filter(pk=pk).first()
    if obj is None or sorted(s.pk for s in obj.slots.all()) != slot_ids:
        raise NotFound(LINK_INVALID)
    return obj


def _recipient(obj: Appointment) -> Contact | None:
    if obj.case_id and obj.case.contact_id:
        return obj.case.contact
    if obj.customer_id is None:
        return None
    return (
        Contact.objects.filter(customer_id=obj.customer_id, is_active=True).order_by("pk").first()
    )


def _send_link(obj: Appointment) -> None:
    contact = _recipient(obj)
    if contact is None:
        return
    url = link_url(obj)
    body = str(PROPOSAL_BODY % {"customer": obj.customer.name if obj.customer else "", "url": url})
    for channel, address in (("sms", contact.phone), ("email", contact.email)):
        if address:
            notify_enqueue(
                channel=channel,
                address=address,
                subject=str(PROPOSAL_SUBJECT),
                body=body,
                kind="appointment_proposal",
                ref_type="appointment",
                ref_id=str(obj.pk),
                dedupe_key=f"appointment-proposal:{obj.pk}:{url[-27:]}:{channel}",
            )


def _clean_slots(
    slots: Sequence[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    if not 2 <= len(slots) <= 3:
        raise Invalid(SLOT_COUNT, field="slots")
    return sorted(check_times(s, e, field="slots") for s, e in slots)


def _offer(obj: Appointment, slots: list[tuple[dt.datetime, dt.datetime]], by: User) -> None:
    engineer = obj.engineer
    for starts_at, ends_at in slots:
        _ensure_free(engineer, starts_at, ends_at, place_of(obj), exclude=obj.pk)
    # Slots no longer offered go: the timeline keeps what was proposed, and old links die.
    obj.slots.filter(chosen=False).delete()
    ProposedSlot.objects.bulk_create(
        ProposedSlot(appointment=obj, starts_at=s, ends_at=e) for s, e in slots
    )
    # The appointment holds the first slot of the engineer's time until the customer picks.
    obj.starts_at, obj.ends_at = slots[0]
    obj.status = AppointmentStatus.PROPOSED
    obj.save(update_fields=["starts_at", "ends_at", "status", "updated_at"])
    timeline.record(
        subject=obj,
        kind=AppointmentEventKind.PROPOSED,
        actor=by,
        text=", ".join(f"{_when(s)}–{_when(e)}" for s, e in slots),
        data={"slots": [[s.isoformat(), e.isoformat()] for s, e in slots]},
    )
    _send_link(obj)


def appointment_propose(
    *,
    appointment: Appointment,
    by: User,
    slots: Sequence[tuple[dt.datetime, dt.datetime]],
) -> Appointment:
    """Offer the customer two or three slots (each free for the engineer) and send the link."""
    access.can_propose.enforce_who(by, appointment)
    cleaned = _clean_slots(slots)
    with transaction.atomic():
        _lock_engineers(appointment.engineer)
        obj = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("engineer", "customer")
            .get(pk=appointment.pk)
        )
        access.can_propose.enforce(by, obj)
        _offer(obj, cleaned, by)
    return obj


def appointment_propose_new(
    *,
    by: User,
    engineer: User | str | int,
    slots: Sequence[tuple[dt.datetime, dt.datetime]],
    case: Case | str | None = None,
    customer: Customer | str | None = None,
    site: Site | int | None = None,
    address: str = "",
    notes: str = "",
) -> Appointment:
    """A new appointment offered to the customer in two or three slots."""
    access.can_book.enforce_who(by, None)
    cleaned = _clean_slots(slots)
    with transaction.atomic():
        obj, _created = appointment_book(
            by=by,
            engineer=engineer,
            starts_at=cleaned[0][0],
            ends_at=cleaned[0][1],
            case=case,
            customer=customer,
            site=site,
            address=address,
            notes=notes,
            status=AppointmentStatus.PROPOSED,
        )
        _offer(obj, cleaned, by)
    return obj


def appointment_choose(
    *, appointment: Appointment, slot_id: int, by: User | None = None
) -> Appointment:
    """The customer picks a slot (by = None: through the signed link); the slot is checked
    against the engineer's calendar again, since it may have filled up meanwhile."""
    if by is not None:
        access.can_choose.enforce_who(by, appointment)
    with transaction.atomic():
        _lock_engineers(appointment.engineer)
        obj = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("engineer")
            .get(pk=appointment.pk)
        )
        error = access.can_choose.refusal(obj)
        if error is not None:
            raise error
        slot = obj.slots.filter(pk=slot_id).first()
        if slot is None:
            raise Invalid(UNKNOWN_SLOT, field="slot")
        _ensure_free(obj.engineer, slot.starts_at, slot.ends_at, place_of(obj), exclude=obj.pk)
        obj.slots.update(chosen=False)
        slot.chosen = True
        slot.save(update_fields=["chosen"])
        obj.starts_at, obj.ends_at = slot.starts_at, slot.ends_at
        obj.status = AppointmentStatus.CONFIRMED
        obj.save(update_fields=["starts_at", "ends_at", "status", "updated_at"])
        timeline.record(
            subject=obj,
            kind=AppointmentEventKind.CONFIRMED,
            actor=by,
            text=f"{_when(slot.starts_at)}–{_when(slot.ends_at)}",
        )
    return obj


def appointment_ask_reschedule(
    *, appointment: Appointment, by: User | None = None, text: str = ""
) -> Appointment:
    """The customer asks for other times; the seat proposes again."""
    text = bounded_text((text or "").strip(), field="text", limit=LONG_TEXT_MAX)
    if by is not None:
        access.can_ask_reschedule.enforce_who(by, appointment)
    with transaction.atomic():
        obj = Appointment.objects.select_for_update().get(pk=appointment.pk)
        error = access.can_ask_reschedule.refusal(obj)
        if error is not None:
            raise error
        obj.status = AppointmentStatus.RESCHEDULE
        obj.save(update_fields=["status", "updated_at"])
        activity = timeline.record(
            subject=obj, kind=AppointmentEventKind.RESCHEDULE, actor=by, text=text
        )
        _tell_seat_of_reschedule(obj, activity.pk, text)
    return obj


def _tell_seat_of_reschedule(obj: Appointment, activity_id: int, text: str) -> None:
    """The seat who booked hears it under the bell, in their own language."""
    seat = obj.created_by
    if seat is None or not seat.is_active:
        return
    with translation.override(seat.language):
        title = _("The customer asks to reschedule the appointment of %(when)s") % {
            "when": timezone.localtime(obj.starts_at).strftime("%Y-%m-%d %H:%M")
        }
    notice_create(
        user=seat,
        kind="appointment.reschedule",
        title=f"{title}: {text}"[:255] if text else title,
        ref_type="appointment",
        ref_id=str(obj.pk),
        dedupe_key=f"appointment.reschedule:{activity_id}",
    )


# --- onsite ------------------------------------------------------------------------------------

CASE_STEP = {
    DEPART: case_services.case_depart,
    ARRIVE: case_services.case_arrive,
    FINISH: case_services.case_finish,
}


def _out_of_order(obj: Appointment, step: str) -> bool:
    if step == DEPART:
        return obj.departed_at is not None or obj.arrived_at is not None
    if step == ARRIVE:
        return obj.arrived_at is not None
    return obj.arrived_at is None or obj.finished_at is not None


def _step_done_with_key(obj: Appointment, key: str | None) -> bool:
    if key is None:
        return False
    rows = timeline.for_subject("appointment", obj.pk, include_internal=True)
    return rows.filter(data__client_key=key).exists()


def appointment_step(
    *,
    appointment: Appointment,
    by: User,
    step: str,
    at: dt.datetime | None = None,
    text: str = "",
    client_key: str | None = None,
) -> Appointment:
    """Departed, arrived or finished (finished makes it done). On a case appointment the case's
    own onsite step is taken too (arrival meets its onsite promise). A retry with the same
    `client_key` changes nothing and returns the appointment."""
    if step not in STEPS:
        raise NotFound(UNKNOWN_STEP)
    text = bounded_text((text or "").strip(), field="text", limit=LONG_TEXT_MAX)
    key = _clean_key(client_key)
    access.can_record_step.enforce_who(by, appointment)
    with transaction.atomic():
        obj = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=appointment.pk)
        )
        if _step_done_with_key(obj, key):
            return obj
        access.can_record_step.enforce(by, obj)
        if _out_of_order(obj, step):
            raise Conflict(OUT_OF_ORDER % {"step": STEP_EVENT[step].label})
        previous = obj.arrived_at or obj.departed_at
        moment = recorded_moment(at, now=timezone.now(), previous=previous)
        if obj.case_id is not None:
            CASE_STEP[step](case=obj.case, by=by, at=at, text=text)
        setattr(obj, STEP_FIELD[step], moment)
        fields = [STEP_FIELD[step], "updated_at"]
        if step == FINISH:
            obj.status = AppointmentStatus.DONE
            fields.append("status")
        obj.save(update_fields=fields)
        timeline.record(
            subject=obj,
            kind=STEP_EVENT[step],
            actor=by,
            text=text,
            at=moment,
            data={"client_key": key} if key else {},
        )
    return obj
