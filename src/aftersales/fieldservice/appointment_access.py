"""Who may do what to an appointment (维修预约), and when: one predicate per action.

The seat, service managers, managers and admins book and change appointments
(`fieldservice.add_appointment` / `change_appointment`) and see every engineer
(`fieldservice.dispatch`); an engineer sees and works only their own; the active regional
representative (区域代表) of a region also sees its engineers and its customers'
appointments; a customer's contact sees their own customer's appointments and picks a slot.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, customer_id_of, is_staff_member
from aftersales.accounts.predicates import Predicate, in_states, is_customer_of, staff_with
from aftersales.core.errors import Forbidden
from aftersales.fieldservice.models import (
    BOOKED_STATUSES,
    Appointment,
    AppointmentStatus,
    RegionalRepresentative,
)

VIEW = "fieldservice.view_appointment"
ADD = "fieldservice.add_appointment"
CHANGE = "fieldservice.change_appointment"
DISPATCH = "fieldservice.dispatch"

NOT_IN_STATE = _("Not possible while the appointment is “%(status)s”.")


def represented_regions(user: Any) -> list[str]:
    """The regions whose active representative `user` is (usually none or one)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_represented_regions", None)
    if cached is None:
        cached = list(
            RegionalRepresentative.objects.filter(user=user, is_active=True).values_list(
                "region", flat=True
            )
        )
        user._represented_regions = cached
    return cached


def sees_all(user: Any) -> bool:
    """The seat and managers: every engineer's appointments and the whole board."""
    return is_staff_member(user) and can(user, DISPATCH)


def appointments_for_user(user: Any) -> QuerySet[Appointment]:
    """The appointments `user` may see (else Forbidden): all for dispatchers; an engineer's
    own; a representative's region; a contact's own customer's."""
    qs = Appointment.objects.all()
    if is_staff_member(user):
        if sees_all(user):
            return qs
        regions = represented_regions(user)
        if regions:
            return qs.filter(
                Q(engineer=user)
                | Q(region__in=regions)
                | Q(customer__region__in=regions)
                | Q(engineer__engineer__region__in=regions)
            )
        if can(user, VIEW):
            return qs.filter(engineer=user)
        raise Forbidden(NOT_ALLOWED)
    customer_id = customer_id_of(user)
    if customer_id is None:
        raise Forbidden(NOT_ALLOWED)
    return qs.filter(customer_id=customer_id)


def board_regions(user: Any) -> list[str] | None:
    """The regions of the dispatch board `user` sees: None for all, else the represented
    ones; Forbidden for anyone else."""
    if sees_all(user):
        return None
    regions = represented_regions(user) if is_staff_member(user) else []
    if not regions:
        raise Forbidden(NOT_ALLOWED)
    return regions


def _booker(user: Any, obj: Any) -> bool:
    return staff_with(ADD)(user, obj)


def _changer(user: Any, obj: Any) -> bool:
    return staff_with(CHANGE)(user, obj)


def _own_engineer_or_changer(user: Any, obj: Appointment) -> bool:
    return (is_staff_member(user) and obj.engineer_id == user.pk) or _changer(user, obj)


def _customer_or_changer(user: Any, obj: Appointment) -> bool:
    return is_customer_of(user, obj) or _changer(user, obj)


_BOOKED = in_states(NOT_IN_STATE, *BOOKED_STATUSES)

# Book an engineer (obj: the engineer's user).
can_book = Predicate(_booker)
can_cancel = Predicate(_changer, _BOOKED)
can_move = Predicate(_changer, _BOOKED)
can_propose = Predicate(_changer, _BOOKED)
# Pick one of the proposed slots: the customer (portal or link) or the seat on the phone.
can_choose = Predicate(
    _customer_or_changer,
    in_states(NOT_IN_STATE, AppointmentStatus.PROPOSED, AppointmentStatus.RESCHEDULE),
)
can_ask_reschedule = Predicate(
    _customer_or_changer,
    in_states(NOT_IN_STATE, AppointmentStatus.PROPOSED, AppointmentStatus.CONFIRMED),
)
# Departed / arrived / finished: the engineer on it (or the seat for them), once confirmed.
can_record_step = Predicate(
    _own_engineer_or_changer, in_states(NOT_IN_STATE, AppointmentStatus.CONFIRMED)
)
# A part used on the job, from the engineer's car stock: also after finishing.
can_use_part = Predicate(
    _own_engineer_or_changer,
    in_states(NOT_IN_STATE, AppointmentStatus.CONFIRMED, AppointmentStatus.DONE),
)
# A photo taken on the job: the engineer on it (or the seat), while confirmed or just done.
can_add_photo = Predicate(
    _own_engineer_or_changer,
    in_states(NOT_IN_STATE, AppointmentStatus.CONFIRMED, AppointmentStatus.DONE),
)
# Set a region's representative (obj: None).
can_set_representative = Predicate(staff_with(DISPATCH))

ACTIONS: dict[str, Predicate] = {
    "choose": can_choose,
    "reschedule": can_ask_reschedule,
    "propose": can_propose,
    "move": can_move,
    "cancel": can_cancel,
}


def available_actions(user: Any, obj: Appointment) -> list[str]:
    """The changes `user` may make to the appointment now, in the table's order."""
    return [name for name, allowed in ACTIONS.items() if allowed(user, obj)]
