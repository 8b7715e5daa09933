"""Reads of promises across every subject kind: the promise list (API) and the "due next" board.

Only sla rows and the registry of subject kinds (sla.subjects) are read here: each kind names,
links and assigns its own subjects, so the engine imports no app above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member, scope_to_customer
from aftersales.core.subjects import subject_label
from aftersales.registry.models import Customer, Engineer
from aftersales.sla.models import Promise
from aftersales.sla.selectors import minutes_text
from aftersales.sla.subjects import SubjectKind, kind_of, kinds, subject_labels, subject_urls


class PromiseState(TextChoices):
    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")
    MET = "met", _("met")
    MISSED = "missed", _("missed")
    STOPPED = "stopped", _("stopped")


def promise_state(promise: Promise, now: dt.datetime) -> str:
    """running | paused | met | missed | stopped; a recorded breach stays missed (penalties)."""
    if promise.breached_at is not None:
        return PromiseState.MISSED
    if promise.completed_at is not None:
        return PromiseState.MET
    if promise.paused_at is not None:
        return PromiseState.PAUSED
    if promise.stopped_at is not None or promise.due_at is None:
        return PromiseState.STOPPED
    # Past due but not yet swept: already missed for whoever looks.
    return PromiseState.MISSED if promise.due_at <= now else PromiseState.RUNNING


def state_q(state: str, now: dt.datetime) -> Q:
    """The rows promise_state() calls `state`, as a filter (keep the two in step)."""
    open_ = Q(breached_at__isnull=True, completed_at__isnull=True)
    if state == PromiseState.MISSED:
        late = Q(paused_at__isnull=True, stopped_at__isnull=True, due_at__lte=now)
        return Q(breached_at__isnull=False) | (open_ & late)
    if state == PromiseState.MET:
        return Q(breached_at__isnull=True, completed_at__isnull=False)
    if state == PromiseState.PAUSED:
        return open_ & Q(paused_at__isnull=False)
    if state == PromiseState.STOPPED:
        return open_ & Q(paused_at__isnull=True) & (Q(stopped_at__isnull=False) | Q(due_at=None))
    return open_ & Q(paused_at__isnull=True, stopped_at__isnull=True, due_at__gt=now)


def _staff_sees(user: Any, kind: SubjectKind) -> bool:
    return not kind.view_perm or can(user, kind.view_perm)


def promises_for_user(user: Any) -> QuerySet[Promise]:
    """Promises of every kind the user may see: staff by each kind's view permission, a contact
    their organisation's (kinds hidden from contacts left out); Forbidden for anyone else."""
    registered = [kind_of(code) for code in kinds()]
    if is_staff_member(user):
        shown = [k.code for k in registered if _staff_sees(user, k)]
    else:
        shown = [k.code for k in registered if k.contacts_see]
    return scope_to_customer(
        Promise.objects.filter(subject_kind__in=shown), user, staff_sees_all=bool(shown)
    )


# The contract's public names of subject kinds stored under a longer name: the callback
# programme's promises live on its items ("callback_item"), but a script asks for "callback".
_KIND_ALIASES: dict[str, str] = {}


def register_kind_alias(public: str, stored: str) -> None:
    """Let the promise filter `subject_kind=<public>` find promises stored as `stored`."""
    _KIND_ALIASES[public] = stored


@dataclass(frozen=True)
class PromiseFilters:
    state: str = ""
    due_before: dt.datetime | None = None
    customer: str = ""
    subject_kind: str = ""


def promise_search(*, user: Any, filters: PromiseFilters, now: dt.datetime) -> QuerySet[Promise]:
    """The user's promises matching the filters, soonest due first (undated last), then by id."""
    qs = promises_for_user(user)
    if filters.state:
        qs = qs.filter(state_q(filters.state, now))
    if filters.due_before is not None:
        qs = qs.filter(due_at__lt=filters.due_before)
    if filters.customer:
        qs = qs.filter(customer_id__in=Customer.objects.filter(code=filters.customer).values("pk"))
    if filters.subject_kind:
        kinds_asked = {filters.subject_kind, _KIND_ALIASES.get(filters.subject_kind, "")}
        qs = qs.filter(subject_kind__in=kinds_asked - {""})
    return qs.order_by(F("due_at").asc(nulls_last=True), "id")


def _customer_codes(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(Customer.objects.filter(pk__in=wanted).values_list("pk", "code"))


def promise_items(promises: Sequence[Promise], now: dt.datetime) -> list[dict]:
    """API items of a page of promises: one query per subject kind plus one for customers."""
    names = subject_labels((p.subject_kind, p.subject_id) for p in promises)
    codes = _customer_codes(p.customer_id for p in promises)
    return [
        {
            "subject_kind": p.subject_kind,
            "subject": names.get((p.subject_kind, p.subject_id), str(p.subject_id)),
            "target": p.target,
            "due_at": p.due_at,
            "state": promise_state(p, now),
            "customer": codes.get(p.customer_id) if p.customer_id is not None else None,
        }
        for p in promises
    ]


# --- the "due next" board of the staff home page ------------------------------------------

BOARD_HOURS = (1, 2, 4, 8, 24)
BOARD_DEFAULT_HOURS = 4
BOARD_SCOPES = (("mine", _("Mine")), ("team", _("My team")), ("all", _("All")))
BOARD_DEFAULT_SCOPE = "mine"
# Rows per section: a board to glance at, not a report (the API lists everything).
BOARD_LIMIT = 50


@dataclass(frozen=True)
class BoardRow:
    kind: str
    subject: str
    url: str
    target: str
    due_at: dt.datetime | None
    state: str
    customer: str
    # Wall-clock time to the due moment, negative when late.
    left: dt.timedelta | None

    @property
    def left_text(self) -> str:
        return "" if self.left is None else minutes_text(abs(self.left.total_seconds()) / 60)


@dataclass(frozen=True)
class Board:
    hours: int
    scope: str
    due: list[BoardRow]
    breached: list[BoardRow]
    hour_choices: tuple[int, ...] = BOARD_HOURS
    scope_choices: tuple = BOARD_SCOPES


def _team_of(user: Any) -> list[int]:
    """The user and the engineers of the user's region (the cases queue's "team" too)."""
    region = Engineer.objects.filter(user=user).values_list("region", flat=True).first()
    if not region:
        return [user.pk]
    return [user.pk, *Engineer.objects.filter(region=region).values_list("user_id", flat=True)]


def _assigned(user_ids: Sequence[int]) -> Q:
    """Promises on subjects assigned to any of the users, across the kinds that assign."""
    found = Q(pk__in=[])
    for code in kinds():
        kind = kind_of(code)
        if kind.assigned_to is not None:
            found |= Q(subject_kind=code, subject_id__in=kind.assigned_to(user_ids))
    return found


def _board_rows(promises: Sequence[Promise], now: dt.datetime) -> list[BoardRow]:
    pairs = [(p.subject_kind, p.subject_id) for p in promises]
    names, links = subject_labels(pairs), subject_urls(pairs)
    codes = _customer_codes(p.customer_id for p in promises)
    return [
        BoardRow(
            kind=subject_label(p.subject_kind),
            subject=names.get((p.subject_kind, p.subject_id), str(p.subject_id)),
            url=links.get((p.subject_kind, p.subject_id), ""),
            target=str(kind_of(p.subject_kind).target_label(p.target)),
            due_at=p.due_at,
            state=promise_state(p, now),
            customer=codes.get(p.customer_id, "") if p.customer_id is not None else "",
            left=p.due_at - now if p.due_at is not None else None,
        )
        for p in promises
    ]


def due_board(*, user: Any, hours: int, scope: str, now: dt.datetime) -> Board:
    """What falls due in the next `hours` and what is missed but not done, for mine/team/all.

    Staff only: a customer contact gets an empty board (the home page sends them to the portal).
    """
    if not is_staff_member(user):
        return Board(hours=hours, scope=scope, due=[], breached=[])
    qs = promises_for_user(user)
    if scope == "mine":
        qs = qs.filter(_assigned([user.pk]))
    elif scope == "team":
        qs = qs.filter(_assigned(_team_of(user)))
    until = now + dt.timedelta(hours=hours)
    due = qs.filter(state_q(PromiseState.RUNNING, now), due_at__lte=until)
    # Missed and still owed: a completed (late) or stopped promise needs nobody's attention.
    missed = qs.filter(state_q(PromiseState.MISSED, now)).filter(
        completed_at__isnull=True, stopped_at__isnull=True
    )
    order = (F("due_at").asc(nulls_last=True), "id")
    return Board(
        hours=hours,
        scope=scope,
        due=_board_rows(list(due.order_by(*order)[:BOARD_LIMIT]), now),
        breached=_board_rows(list(missed.order_by(*order)[:BOARD_LIMIT]), now),
    )
