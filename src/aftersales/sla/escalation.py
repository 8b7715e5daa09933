"""The escalation ladder at work: the periodic sweep over the promises of every subject kind.

The sweep reads only promises whose indexed `next_check_at` is due, so its cost does not grow
with closed subjects (rule 2). Each step is an EscalationFiring row inserted before anything is
sent, in the same transaction as the notifications (outbox rows) and activity rows the
subject's kind writes for it: the UNIQUE (promise, rule) constraint makes a step fire once
however many sweeps run (rule 5). A sweep that was down fires each missed step once, marked
late. What a step does to a subject (remind, reassign, notify managers) belongs to the
subject's kind (sla.subjects); the engine imports no app above it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from aftersales.accounts.access import has_role, is_staff_member
from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.notify.services import address_for_user, notify_enqueue_many
from aftersales.registry.models import Engineer
from aftersales.sla.calendar import CompiledCalendar
from aftersales.sla.clockwork import active_rules, fire_moment, next_check, pending_rules
from aftersales.sla.models import EscalationAction, EscalationFiring, EscalationRule, Promise
from aftersales.sla.selectors import compiled_calendar
from aftersales.sla.subjects import SubjectKind, kind_of

logger = logging.getLogger(__name__)

# A step fired this long after its moment counts as late (the sweep runs every minute).
LATE_AFTER = dt.timedelta(minutes=5)
# People's working hours for quiet hours: the built-in 5×8 calendar (PRC holidays included).
WORKING_HOURS_CALENDAR = "5x8"
BATCH = 100


# --- people ---------------------------------------------------------------------------------


class People:
    """Per-sweep caches of roles, engineer profiles, addresses, dispatchers and managers."""

    def __init__(self) -> None:
        self._profiles: dict[int, Engineer | None] = {}
        self._addresses: dict[tuple[int, str], str] = {}
        self._staff: dict[int, bool] = {}
        self._working_hours: CompiledCalendar | None = None
        self._dispatchers: list[User] | None = None
        self._managers: dict[str, list[User]] = {}

    def working_hours(self) -> CompiledCalendar:
        if self._working_hours is None:
            self._working_hours = compiled_calendar(WORKING_HOURS_CALENDAR)
        return self._working_hours

    def is_staff(self, user: User) -> bool:
        if user.pk not in self._staff:
            self._staff[user.pk] = is_staff_member(user)
        return self._staff[user.pk]

    def profile(self, user: User) -> Engineer | None:
        if user.pk not in self._profiles:
            self._profiles[user.pk] = Engineer.objects.filter(user_id=user.pk).first()
        return self._profiles[user.pk]

    def address(self, user: User, channel: str) -> str:
        key = (user.pk, channel)
        if key not in self._addresses:
            self._addresses[key] = address_for_user(channel=channel, user=user)
        return self._addresses[key]

    def dispatchers(self) -> list[User]:
        if self._dispatchers is None:
            self._dispatchers = list(
                User.objects.filter(is_active=True, groups__name=Role.DISPATCHER).distinct()
            )
        return self._dispatchers

    def managers(self, level: str) -> list[User]:
        if level not in self._managers:
            self._managers[level] = list(
                User.objects.filter(is_active=True, manager_level=level).order_by("pk")
            )
        return self._managers[level]


@dataclass
class Writes:
    """What a batch of steps writes, flushed in bulk at the end of the batch's transaction."""

    rows: list[Model] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)

    def add(self, row: Model) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        by_model: dict[type, list[Model]] = defaultdict(list)
        for row in self.rows:
            by_model[type(row)].append(row)
        for model, rows in by_model.items():
            model.objects.bulk_create(rows)
        if self.messages:
            notify_enqueue_many(messages=self.messages)
        self.rows, self.messages = [], []


# --- the steps --------------------------------------------------------------------------------


@dataclass
class Step:
    subject: Any
    rule: EscalationRule
    promise: Promise
    moment: dt.datetime
    firing: EscalationFiring
    now: dt.datetime
    people: People
    writes: Writes

    @property
    def late(self) -> bool:
        return self.firing.late

    def tell(
        self,
        user: User,
        *,
        kind: str,
        subject: str,
        body: str,
        ref: tuple[str, str],
        not_before: dt.datetime | None = None,
    ) -> int:
        """Queue the message on each channel of the rule; returns how many were queued."""
        for channel in self.rule.channels:
            self.writes.messages.append(
                {
                    "channel": channel,
                    "to_user": user,
                    "address": self.people.address(user, channel),
                    "subject": subject,
                    "body": body,
                    "kind": kind,
                    "ref_type": ref[0],
                    "ref_id": ref[1],
                    "not_before": not_before,
                }
            )
        return len(self.rule.channels)


def _action(kind: SubjectKind, action: str):
    return {
        EscalationAction.REMIND: kind.remind,
        EscalationAction.REASSIGN: kind.reassign,
        EscalationAction.NOTIFY_MANAGERS: kind.notify_managers,
    }[action]


# --- the sweep ----------------------------------------------------------------------------


@dataclass
class SweepReport:
    promises: int = 0
    breaches: int = 0
    fired: int = 0
    late: int = 0
    messages: int = 0
    steps: list[tuple[str, int]] = field(default_factory=list)

    @property
    def cases(self) -> int:
        """Promises claimed (the name the case-only sweep had)."""
        return self.promises

    def merge(self, other: SweepReport) -> None:
        self.breaches += other.breaches
        self.fired += other.fired
        self.late += other.late
        self.messages += other.messages
        self.steps += other.steps


def _claim(now: dt.datetime, batch: int) -> list[Promise]:
    due = Promise.objects.filter(next_check_at__lte=now).order_by("next_check_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: rows another sweep holds are skipped, so sweeps share the work.
        return list(due.select_for_update(skip_locked=True)[:batch])
    # SQLite runs IMMEDIATE transactions, one writer at a time; the conditional UPDATE makes
    # "another sweep got there first" a clean miss all the same.
    claimed = []
    for promise in due[:batch]:
        if Promise.objects.filter(pk=promise.pk, next_check_at=promise.next_check_at).update(
            next_check_at=None
        ):
            claimed.append(promise)
    return claimed


def _insert_firings(firings: list[EscalationFiring]) -> list[EscalationFiring]:
    """Insert the firing rows; those another sweep inserted first are left out (rule 5)."""
    try:
        with transaction.atomic():
            return EscalationFiring.objects.bulk_create(firings)
    except IntegrityError:
        won = []
        for firing in firings:
            try:
                with transaction.atomic():
                    firing.save(force_insert=True)
            except IntegrityError:
                continue
            won.append(firing)
        return won


def _fired(promises: list[Promise]) -> dict[int, set[int]]:
    fired: dict[int, set[int]] = {p.pk: set() for p in promises}
    pairs = EscalationFiring.objects.filter(promise_id__in=fired).values_list(
        "promise_id", "rule_id"
    )
    for promise_id, rule_id in pairs:
        fired[promise_id].add(rule_id)
    return fired


def _handle(promises: list[Promise], *, calendar, rules, people, now, report) -> None:
    """Breaches, steps and next checks of a batch of claimed promises, written in bulk."""
    writes = Writes()
    by_kind: dict[str, list[Promise]] = defaultdict(list)
    for promise in promises:
        by_kind[promise.subject_kind].append(promise)
    subjects: dict[tuple[str, int], Any] = {}
    for code, mine in by_kind.items():
        loaded = kind_of(code).load(sorted({p.subject_id for p in mine}))
        subjects.update({(code, sid): s for sid, s in loaded.items()})
    fired = _fired(promises)
    order = {key: i for i, key in enumerate(dict.fromkeys(subjects))}
    breached: list[Promise] = []
    planned = []
    active: dict[int, bool] = {}
    for promise in promises:
        key = (promise.subject_kind, promise.subject_id)
        subject = subjects.get(key)
        kind = kind_of(promise.subject_kind)
        active[promise.pk] = subject is not None and kind.is_active(subject)
        if not active[promise.pk] or promise.running_since is None:
            continue
        if promise.breached_at is None and promise.due_at is not None and promise.due_at <= now:
            promise.breached_at = promise.due_at
            breached.append(promise)
            kind.breached(subject, promise, now, writes)
        cal = calendar(promise)
        for rule in pending_rules(promise, rules, fired[promise.pk]):
            moment = fire_moment(cal, promise, rule)
            if moment is not None and moment <= now:
                planned.append((order[key], moment, rule.sort_order, rule.pk, rule, promise))
    planned.sort(key=lambda s: s[:4])
    firings = [
        EscalationFiring(
            promise=promise,
            rule=rule,
            due_at=moment,
            fired_at=now,
            late=now - moment > LATE_AFTER,
            ack_due_at=(
                now + dt.timedelta(minutes=rule.manager_response_minutes)
                if rule.manager_response_minutes
                else None
            ),
        )
        for _o, moment, _s, _pk, rule, promise in planned
    ]
    won = {(f.promise_id, f.rule_id): f for f in _insert_firings(firings)}
    for _o, moment, _s, _pk, rule, promise in planned:
        fired[promise.pk].add(rule.pk)
        firing = won.get((promise.pk, rule.pk))
        if firing is None:
            continue  # another sweep fired this step first: nothing to send
        kind = kind_of(promise.subject_kind)
        subject = subjects[(promise.subject_kind, promise.subject_id)]
        step = Step(subject, rule, promise, moment, firing, now, people, writes)
        report.messages += _action(kind, rule.action)(step)
        report.fired += 1
        report.late += firing.late
        report.steps.append((kind.name(subject), rule.pk))
    for promise in promises:
        promise.next_check_at = next_check(
            calendar(promise), promise, rules, fired[promise.pk], active=active[promise.pk]
        )
    _save_checks(promises)
    report.breaches += len(breached)
    for code, mine in by_kind.items():
        changed: dict[int, list[Promise]] = defaultdict(list)
        for promise in mine:
            changed[promise.subject_id].append(promise)
        loaded = [subjects[(code, sid)] for sid in changed if (code, sid) in subjects]
        kind_of(code).changed(loaded, dict(changed))
    writes.flush()


def _save_checks(promises: list[Promise]) -> None:
    """Write breached_at and next_check_at: one UPDATE … FROM (VALUES …) on PostgreSQL.

    Django's bulk_update builds a CASE per field and row, which PostgreSQL plans slowly for a
    batch of a hundred; SQLite takes one cheap UPDATE per promise.
    """
    if not promises:
        return
    if connection.vendor != "postgresql":
        for promise in promises:
            Promise.objects.filter(pk=promise.pk).update(
                breached_at=promise.breached_at, next_check_at=promise.next_check_at
            )
        return
    row = "(%s::bigint, %s::timestamptz, %s::timestamptz)"
    params: list = []
    for promise in promises:
        params += [promise.pk, promise.breached_at, promise.next_check_at]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Promise._meta.db_table} AS p SET breached_at = v.b, next_check_at = v.n "
            f"FROM (VALUES {', '.join([row] * len(promises))}) AS v(id, b, n) "
            "WHERE p.id = v.id",
            params,
        )


def sla_sweep(*, now: dt.datetime | None = None, limit: int = 5000) -> SweepReport:
    """Record breaches and fire due escalation steps on up to `limit` promises; safe to run twice.

    Claims promises in batches (skip-locked on PostgreSQL) whose next check is due and writes
    each batch in bulk. A batch that fails is redone promise by promise, and a promise that
    fails on its own is put back an hour later, so one bad subject cannot stop the others.
    """
    now = now or timezone.now()
    report = SweepReport()
    rules = active_rules()
    people = People()
    calendars: dict[str, CompiledCalendar] = {}

    def calendar(promise: Promise) -> CompiledCalendar:
        code = promise.calendar or WORKING_HOURS_CALENDAR
        if code not in calendars:
            calendars[code] = compiled_calendar(code)
        return calendars[code]

    options = {"calendar": calendar, "rules": rules, "people": people, "now": now}
    for _batch in range((limit + BATCH - 1) // BATCH):
        with transaction.atomic():
            promises = _claim(now, min(BATCH, limit - report.promises))
            if not promises:
                break
            report.promises += len(promises)
            try:
                with transaction.atomic():
                    attempt = SweepReport()
                    _handle(promises, report=attempt, **options)
                report.merge(attempt)
                continue
            except Exception:
                logger.exception("SLA sweep batch failed; retrying its promises one by one")
            for promise in promises:
                try:
                    with transaction.atomic():
                        attempt = SweepReport()
                        fresh = Promise.objects.filter(pk=promise.pk).first()
                        _handle([fresh] if fresh else [], report=attempt, **options)
                    report.merge(attempt)
                except Exception:
                    logger.exception("SLA sweep failed on promise %s", promise.pk)
                    Promise.objects.filter(pk=promise.pk).update(
                        next_check_at=now + dt.timedelta(hours=1)
                    )
        if report.promises >= limit:
            break
    return report


# --- manager response ------------------------------------------------------------------------


def has_manager_level(user: User, rule: EscalationRule) -> bool:
    return user.manager_level in rule.levels or has_role(user, Role.ADMIN)
