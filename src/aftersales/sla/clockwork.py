"""The promises of one subject: due moments, pauses, met and breached, next checks (rule 2).

Generic over subject kinds: a module (cases, ...) calls these inside its own action's
transaction with its subject row locked, and keeps its own denormalised fields in step from
the promises returned. Due moments are stored, never recomputed on read. A promise's state:
running (`running_since` set), paused (`paused_at` set), completed or stopped. A breached
promise keeps running through a pause: the promise was already broken before the wait, so its
lateness keeps counting (docs/decisions.md). Each promise carries its own next sweep check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

from aftersales.core.db import bulk_insert
from aftersales.core.memo import ConfigMemo
from aftersales.sla.calendar import (
    CompiledCalendar,
    add_service_minutes,
    next_service_moment,
    service_time_between,
)
from aftersales.sla.models import (
    DueRule,
    EscalationAnchor,
    EscalationFiring,
    EscalationRule,
    Promise,
    SlaPolicy,
    SlaTarget,
)
from aftersales.sla.rules import due_by_rule
from aftersales.sla.selectors import compiled_calendar

FALLBACK_CALENDAR = "5x8"
# Read by every new subject and every sweep; the rows are shared, never changed by readers.
_config = ConfigMemo("sla", SlaPolicy, SlaTarget, EscalationRule)

ALL_FIELDS = [
    "minutes",
    "priority",
    "calendar",
    "contract_id",
    "customer_id",
    "running_since",
    "used",
    "due_at",
    "paused_at",
    "completed_at",
    "stopped_at",
    "breached_at",
    "met",
    "next_check_at",
]


# --- configuration ------------------------------------------------------------------------------


def default_policy() -> SlaPolicy | None:
    return _config.get("default", _default_policy)


def _default_policy() -> SlaPolicy | None:
    return SlaPolicy.objects.select_related("calendar").filter(is_default=True).first()


def policy_target(policy: SlaPolicy | None, priority: str) -> SlaTarget | None:
    """The policy's row of service minutes for a priority (memoised), or None."""
    if policy is None:
        return None
    return _config.get(
        ("target", policy.pk, priority),
        lambda: SlaTarget.objects.filter(policy=policy, priority=priority).first(),
    )


def active_rules() -> list[EscalationRule]:
    return _config.get("rules", _active_rules)


def _active_rules() -> list[EscalationRule]:
    return list(EscalationRule.objects.filter(is_active=True).order_by("sort_order", "id"))


def calendar_for(code: str | None) -> CompiledCalendar:
    return compiled_calendar(code or FALLBACK_CALENDAR)


# --- arithmetic on one promise (no queries) --------------------------------------------------


def due(cal: CompiledCalendar, promise: Promise) -> dt.datetime:
    """The due moment of a running promise from its start and the time it has left."""
    if promise.rule != DueRule.SERVICE_MINUTES:
        return due_by_rule(cal, promise.rule, promise.started_at, promise.minutes)
    left = promise.remaining
    if left <= dt.timedelta(0):
        return next_service_moment(cal, promise.running_since)
    return add_service_minutes(cal, promise.running_since, left / dt.timedelta(minutes=1))


def bank(cal: CompiledCalendar, promise: Promise, now: dt.datetime) -> None:
    """Stop the promise running and add the service time it ran to `used`."""
    if promise.running_since is not None:
        promise.used += service_time_between(cal, promise.running_since, now)
        promise.running_since = None


def fire_moment(
    cal: CompiledCalendar, promise: Promise, rule: EscalationRule
) -> dt.datetime | None:
    """When the rule is due on this promise, or None while the promise does not run."""
    if promise.running_since is None:
        return None
    if rule.anchor == EscalationAnchor.SHARE:
        offset = promise.minutes * rule.offset_minutes / 100
    elif rule.anchor == EscalationAnchor.DUE:
        offset = rule.offset_minutes + promise.minutes
    else:
        offset = rule.offset_minutes
    if promise.rule != DueRule.SERVICE_MINUTES:
        # Fixed due moments: steps counted in service time from the start, or from the due.
        if rule.anchor == EscalationAnchor.DUE and promise.due_at is not None:
            return add_service_minutes(cal, promise.due_at, rule.offset_minutes)
        return add_service_minutes(cal, promise.started_at, offset)
    left = dt.timedelta(minutes=offset) - promise.used
    if left <= dt.timedelta(0):
        return promise.running_since
    return add_service_minutes(cal, promise.running_since, left / dt.timedelta(minutes=1))


def pending_rules(
    promise: Promise, rules: Sequence[EscalationRule], fired: set[int]
) -> list[EscalationRule]:
    """The ladder's steps for this promise (kind, target, priority) not fired yet."""
    return [r for r in rules if r.pk not in fired and r.applies_to(promise)]


def next_check(
    cal: CompiledCalendar,
    promise: Promise,
    rules: Sequence[EscalationRule],
    fired: set[int],
    *,
    active: bool = True,
) -> dt.datetime | None:
    """The next moment the sweep has something to do: a breach to record or a step to fire."""
    if not active or promise.running_since is None:
        return None
    moments = []
    if promise.breached_at is None and promise.due_at is not None:
        moments.append(promise.due_at)
    for rule in pending_rules(promise, rules, fired):
        moment = fire_moment(cal, promise, rule)
        if moment is not None:
            moments.append(moment)
    return min(moments, default=None)


def fired_rules(promises: Iterable[Promise]) -> dict[int, set[int]]:
    """{promise id: ids of the rules fired on it} for saved promises (one query)."""
    ids = [p.pk for p in promises if p.pk]
    fired: dict[int, set[int]] = {pk: set() for pk in ids}
    if ids:
        pairs = EscalationFiring.objects.filter(promise_id__in=ids).values_list(
            "promise_id", "rule_id"
        )
        for promise_id, rule_id in pairs:
            fired[promise_id].add(rule_id)
    return fired


def plan_checks(
    promises: Iterable[Promise],
    *,
    cal: CompiledCalendar,
    active: bool = True,
    rules: Sequence[EscalationRule] | None = None,
    fired: Mapping[int, set[int]] | None = None,
) -> None:
    """Set each promise's next sweep check (unsaved)."""
    promises = list(promises)
    rules = active_rules() if rules is None else rules
    fired = fired_rules(promises) if fired is None else fired
    for promise in promises:
        promise.next_check_at = next_check(
            cal, promise, rules, fired.get(promise.pk, set()), active=active
        )


def _save(promises: list[Promise], *, cal: CompiledCalendar, active: bool) -> None:
    plan_checks(promises, cal=cal, active=active)
    Promise.objects.bulk_update([p for p in promises if p.pk], ALL_FIELDS)


# --- lifecycle -------------------------------------------------------------------------------


def promises_of(kind: str, subject_id: int) -> list[Promise]:
    return list(Promise.objects.filter(subject_kind=kind, subject_id=subject_id))


def new_promise(
    *,
    kind: str,
    target: str,
    minutes: int,
    now: dt.datetime,
    cal: CompiledCalendar,
    subject_id: int | None = None,
    rule: str = DueRule.SERVICE_MINUTES,
    priority: str = "",
    customer_id: int | None = None,
    contract_id: int | None = None,
    paused: bool = False,
) -> Promise:
    """A running promise started at `now` with its due moment (unsaved; paused if asked)."""
    promise = Promise(
        subject_kind=kind,
        subject_id=subject_id,
        target=target,
        rule=rule,
        minutes=minutes,
        calendar=cal.code or FALLBACK_CALENDAR,
        priority=priority,
        customer_id=customer_id,
        contract_id=contract_id,
        started_at=now,
        running_since=now,
    )
    if paused and rule == DueRule.SERVICE_MINUTES:
        promise.running_since, promise.paused_at = None, now
    else:
        promise.due_at = due(cal, promise)
    return promise


def start(
    promises: list[Promise], *, subject_id: int, cal: CompiledCalendar, planned: bool = False
) -> list[Promise]:
    """Store new promises of a subject just saved; their next checks planned (no firings yet)
    unless the caller `planned` them before its transaction (less work under the write lock)."""
    for promise in promises:
        promise.subject_id = subject_id
    if not planned:
        plan_checks(promises, cal=cal, fired={})
    return Promise.objects.bulk_create(promises)


def pause(
    promises: list[Promise], *, cal: CompiledCalendar, now: dt.datetime, active: bool = True
) -> None:
    """Waiting for the customer: bank the service time of each running, unbroken promise."""
    for promise in promises:
        if (
            promise.running_since is None
            or promise.breached_at is not None
            or promise.rule != DueRule.SERVICE_MINUTES
        ):
            continue
        bank(cal, promise, now)
        promise.paused_at, promise.due_at = now, None
    _save(promises, cal=cal, active=active)


def resume(
    promises: list[Promise], *, cal: CompiledCalendar, now: dt.datetime, active: bool = True
) -> None:
    """The wait is over: paused promises run again with the service time they had left."""
    for promise in promises:
        if promise.paused_at is None:
            continue
        promise.paused_at, promise.running_since = None, now
        promise.due_at = due(cal, promise)
    _save(promises, cal=cal, active=active)


def complete(
    promises: list[Promise],
    targets: Sequence[str],
    *,
    cal: CompiledCalendar,
    now: dt.datetime,
    active: bool = True,
) -> None:
    """Kept (or late): stop those promises and record met or breached."""
    for promise in promises:
        if promise.target not in targets or promise.completed_at or promise.stopped_at:
            continue
        running_due = promise.due_at if promise.running_since is not None else None
        bank(cal, promise, now)
        if running_due is not None:
            met = now <= running_due
        else:
            met = promise.used <= dt.timedelta(minutes=promise.minutes)
        if not met and promise.breached_at is None:
            promise.breached_at = running_due or now
        promise.met = met and promise.breached_at is None
        promise.completed_at, promise.paused_at = now, None
    _save(promises, cal=cal, active=active)


def stop(
    promises: list[Promise], *, cal: CompiledCalendar, now: dt.datetime, active: bool = False
) -> None:
    """The subject closed: unfinished promises stop; breaches already recorded stay."""
    for promise in promises:
        if promise.completed_at or promise.stopped_at:
            continue
        bank(cal, promise, now)
        promise.stopped_at, promise.paused_at = now, None
    _save(promises, cal=cal, active=active)


def reopen(
    promises: list[Promise],
    *,
    completed_targets: Sequence[str],
    cal: CompiledCalendar,
    now: dt.datetime,
    active: bool = True,
) -> None:
    """Stopped promises, and completed ones of `completed_targets`, run again.

    A promise breached before keeps its old due moment (its lateness counts on); one met
    before continues with the service time it had left.
    """
    for promise in promises:
        again = promise.target in completed_targets and promise.completed_at is not None
        if not (again or promise.stopped_at is not None):
            continue
        promise.completed_at = promise.stopped_at = None
        promise.met = None
        promise.running_since = now
        if promise.breached_at is None:
            promise.due_at = due(cal, promise)
    _save(promises, cal=cal, active=active)


def retarget(
    promises: list[Promise],
    *,
    wanted: Mapping[str, int],
    cal: CompiledCalendar,
    now: dt.datetime,
    make: Callable[[str, int], Promise | None],
    stamp: Mapping[str, object],
    active: bool = True,
) -> tuple[list[Promise], bool]:
    """Apply new targets {target: minutes} to the unfinished, unbroken promises.

    Recorded breaches and completed promises stay as they are: a later downgrade must not
    erase a broken promise. Service time used so far is kept and the rest counted on `cal`.
    `make(target, minutes)` gives a missing promise (or None); `stamp` (contract_id, priority,
    ...) is copied onto every promise. Returns all promises and whether anything changed.
    """
    by_target = {p.target: p for p in promises}
    before = {p.target: (p.minutes, p.due_at, p.stopped_at) for p in promises}
    for promise in promises:
        for name, value in stamp.items():
            setattr(promise, name, value)
        if promise.completed_at or promise.breached_at or promise.stopped_at:
            continue
        promise.calendar = cal.code or FALLBACK_CALENDAR
        if promise.target not in wanted:
            bank(cal, promise, now)
            promise.stopped_at, promise.paused_at, promise.due_at = now, None, None
        else:
            promise.minutes = wanted[promise.target]
            if promise.running_since is not None:
                promise.due_at = due(cal, promise)
    created = []
    for target, minutes in wanted.items():
        if target in by_target:
            continue
        promise = make(target, minutes)
        if promise is not None:
            for name, value in stamp.items():
                setattr(promise, name, value)
            created.append(promise)
    _save(promises, cal=cal, active=active)
    if created:
        plan_checks(created, cal=cal, active=active, fired={})
        Promise.objects.bulk_create(created)
    promises = promises + created
    after = {p.target: (p.minutes, p.due_at, p.stopped_at) for p in promises}
    return promises, before != after


def insert_promises(promises: list[Promise], *, cal: CompiledCalendar) -> list[Promise]:
    """Store many new promises at once (a year of visits), their sweep checks planned."""
    plan_checks(promises, cal=cal, fired={})
    return bulk_insert(Promise, promises)
