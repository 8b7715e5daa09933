"""The clocks of a case: which policy applies, due moments, pauses, met and breached (rule 2).

Called by cases.deadlines inside the case action's transaction, with the case row locked;
writes only clock rows and the case's SLA fields. Due moments are stored, never recomputed on
read. A clock's state: running (`running_since` set), paused (`paused_at` set), completed or
stopped. A breached clock keeps running through a pause: the promise was already broken
before the wait, so its lateness keeps counting (docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.utils import timezone

from aftersales.cases.models import OPEN_STATUSES, Case, ServiceMode, Status
from aftersales.contracts.models import ServiceContract
from aftersales.contracts.selectors import contract_covering
from aftersales.core.memo import ConfigMemo
from aftersales.sla.calendar import (
    CompiledCalendar,
    add_service_minutes,
    next_service_moment,
    service_time_between,
)
from aftersales.sla.models import (
    CaseClock,
    EscalationAnchor,
    EscalationFiring,
    EscalationRule,
    SlaPolicy,
    SlaTarget,
    Target,
)
from aftersales.sla.selectors import compiled_calendar

FALLBACK_CALENDAR = "5x8"
# Case field holding each clock's due moment (the API's "sla"), and the moment it was met.
DUE_FIELD = {
    Target.RESPONSE: "response_due_at",
    Target.DIAGNOSIS: "diagnosis_due_at",
    Target.RESOLUTION: "resolution_due_at",
}
DONE_FIELD = {
    Target.RESPONSE: "responded_at",
    Target.DIAGNOSIS: "diagnosed_at",
    Target.RESOLUTION: "resolved_at",
}
CASE_SLA_FIELDS = [*DUE_FIELD.values(), "sla_due_at", "next_sla_check_at"]
# Read by every new case and every sweep; the rows are shared, never changed by readers.
_config = ConfigMemo("sla", SlaPolicy, SlaTarget, EscalationRule)


# --- policy ---------------------------------------------------------------------------------


def policy_for(case: Case) -> tuple[SlaPolicy | None, ServiceContract | None]:
    """The covering contract's service level on the case's creation day, else the default."""
    on = timezone.localdate(case.created_at)
    contract = contract_covering(customer=case.customer, asset=case.asset, on=on)
    if contract is not None:
        return contract.sla_policy, contract
    return _config.get("default", _default_policy), None


def _default_policy() -> SlaPolicy | None:
    return SlaPolicy.objects.select_related("calendar").filter(is_default=True).first()


def target_minutes(policy: SlaPolicy | None, case: Case) -> dict[str, int]:
    """Promised service minutes per target for the case's priority; missing means no promise."""
    if policy is None:
        return {}
    row = _config.get(
        ("target", policy.pk, case.priority),
        lambda: SlaTarget.objects.filter(policy=policy, priority=case.priority).first(),
    )
    if row is None:
        return {}
    minutes = {
        Target.RESPONSE: row.response_minutes,
        Target.DIAGNOSIS: row.diagnosis_minutes,
        Target.RESOLUTION: row.resolution_minutes,
    }
    # Onsite arrival is promised only when somebody is to go onsite.
    if case.service_mode == ServiceMode.ONSITE:
        minutes[Target.ONSITE] = row.onsite_minutes
    return {target: m for target, m in minutes.items() if m is not None}


def calendar_of(case: Case) -> CompiledCalendar:
    return compiled_calendar(case.sla_calendar or FALLBACK_CALENDAR)


# --- arithmetic on one clock (no queries) ---------------------------------------------------


def _due(cal: CompiledCalendar, clock: CaseClock) -> dt.datetime:
    left = clock.remaining
    if left <= dt.timedelta(0):
        return next_service_moment(cal, clock.running_since)
    return add_service_minutes(cal, clock.running_since, left / dt.timedelta(minutes=1))


def _bank(cal: CompiledCalendar, clock: CaseClock, now: dt.datetime) -> None:
    """Stop the clock running and add the service time it ran to `used`."""
    if clock.running_since is not None:
        clock.used += service_time_between(cal, clock.running_since, now)
        clock.running_since = None


def fire_moment(
    cal: CompiledCalendar, clock: CaseClock, rule: EscalationRule
) -> dt.datetime | None:
    """When the rule is due on this clock, or None while the clock does not run."""
    if clock.running_since is None:
        return None
    offset = rule.offset_minutes
    if rule.anchor == EscalationAnchor.DUE:
        offset += clock.minutes
    left = dt.timedelta(minutes=offset) - clock.used
    if left <= dt.timedelta(0):
        return clock.running_since
    return add_service_minutes(cal, clock.running_since, left / dt.timedelta(minutes=1))


def pending_rules(
    case: Case, clock: CaseClock, rules: Sequence[EscalationRule], fired: set[int]
) -> list[EscalationRule]:
    """The rules on this clock's target that apply to the case and have not fired yet."""
    return [
        r
        for r in rules
        if r.pk not in fired and r.target == clock.target and r.applies_to(case.priority)
    ]


def next_check(
    cal: CompiledCalendar,
    case: Case,
    clocks: Iterable[CaseClock],
    rules: Sequence[EscalationRule],
    fired: set[int],
) -> dt.datetime | None:
    """The next moment the sweep has something to do: a breach to record or a step to fire."""
    if case.status not in OPEN_STATUSES:
        return None
    moments = []
    for clock in clocks:
        if clock.running_since is None:
            continue
        if clock.breached_at is None and clock.due_at is not None:
            moments.append(clock.due_at)
        for rule in pending_rules(case, clock, rules, fired):
            moment = fire_moment(cal, clock, rule)
            if moment is not None:
                moments.append(moment)
    return min(moments, default=None)


def active_rules() -> list[EscalationRule]:
    return _config.get("rules", _active_rules)


def _active_rules() -> list[EscalationRule]:
    return list(EscalationRule.objects.filter(is_active=True).order_by("sort_order", "id"))


def sync_case(
    case: Case,
    clocks: Iterable[CaseClock],
    *,
    cal: CompiledCalendar,
    rules: Sequence[EscalationRule] | None = None,
    fired: set[int] | None = None,
    save: bool = True,
) -> None:
    """Copy the clocks' due moments onto the case and set its next sweep check."""
    clocks = list(clocks)
    by_target = {c.target: c for c in clocks}
    for target, field in DUE_FIELD.items():
        clock = by_target.get(target)
        setattr(case, field, clock.due_at if clock is not None else None)
    case.sla_due_at = min(
        (c.due_at for c in clocks if c.running_since is not None and c.due_at is not None),
        default=None,
    )
    if rules is None:
        rules = active_rules()
    if fired is None:
        fired = (
            set(EscalationFiring.objects.filter(case=case).values_list("rule_id", flat=True))
            if case.pk
            else set()
        )
    case.next_sla_check_at = next_check(cal, case, clocks, rules, fired)
    if save:
        Case.objects.filter(pk=case.pk).update(**{f: getattr(case, f) for f in CASE_SLA_FIELDS})


def _save_clocks(clocks: Iterable[CaseClock], fields: list[str]) -> None:
    CaseClock.objects.bulk_update(list(clocks), fields)


ALL_CLOCK_FIELDS = [
    "minutes",
    "running_since",
    "used",
    "due_at",
    "paused_at",
    "completed_at",
    "stopped_at",
    "breached_at",
    "met",
]


# --- lifecycle -------------------------------------------------------------------------------


def prepare(case: Case, now: dt.datetime) -> list[CaseClock]:
    """Before the new case is saved: choose the policy, compute the clocks (unsaved)."""
    policy, contract = policy_for(case)
    case.sla_policy, case.contract = policy, contract
    case.sla_calendar = policy.calendar.code if policy is not None else FALLBACK_CALENDAR
    cal = calendar_of(case)
    clocks = []
    for target, minutes in target_minutes(policy, case).items():
        clock = CaseClock(target=target, minutes=minutes, started_at=now, running_since=now)
        clock.due_at = _due(cal, clock)
        clocks.append(clock)
    sync_case(case, clocks, cal=cal, fired=set(), save=False)
    return clocks


def start(case: Case, clocks: list[CaseClock]) -> None:
    """After the new case is saved: store its clocks."""
    for clock in clocks:
        clock.case = case
    CaseClock.objects.bulk_create(clocks)


def _clocks(case: Case) -> list[CaseClock]:
    return list(CaseClock.objects.filter(case=case))


def pause(case: Case, now: dt.datetime) -> None:
    """Waiting for the customer: bank the service time of each running, unbroken promise."""
    cal = calendar_of(case)
    clocks = _clocks(case)
    changed = []
    for clock in clocks:
        if clock.running_since is None or clock.breached_at is not None:
            continue
        _bank(cal, clock, now)
        clock.paused_at, clock.due_at = now, None
        changed.append(clock)
    _save_clocks(changed, ["running_since", "used", "paused_at", "due_at"])
    sync_case(case, clocks, cal=cal)


def resume(case: Case, now: dt.datetime) -> None:
    """The customer answered: paused clocks run again with the service time they had left."""
    cal = calendar_of(case)
    clocks = _clocks(case)
    changed = []
    for clock in clocks:
        if clock.paused_at is None:
            continue
        clock.paused_at, clock.running_since = None, now
        clock.due_at = _due(cal, clock)
        changed.append(clock)
    _save_clocks(changed, ["running_since", "paused_at", "due_at"])
    sync_case(case, clocks, cal=cal)


def complete(case: Case, targets: Sequence[str], now: dt.datetime) -> None:
    """Responded, diagnosed, resolved: stop those clocks and record met or breached."""
    cal = calendar_of(case)
    clocks = _clocks(case)
    changed = []
    for clock in clocks:
        if clock.target not in targets or clock.completed_at or clock.stopped_at:
            continue
        running_due = clock.due_at if clock.running_since is not None else None
        _bank(cal, clock, now)
        if running_due is not None:
            met = now <= running_due
        else:
            met = clock.used <= dt.timedelta(minutes=clock.minutes)
        if not met and clock.breached_at is None:
            clock.breached_at = running_due or now
        clock.met = met and clock.breached_at is None
        clock.completed_at, clock.paused_at = now, None
        changed.append(clock)
    _save_clocks(changed, ALL_CLOCK_FIELDS)
    sync_case(case, clocks, cal=cal)


def stop(case: Case, now: dt.datetime) -> None:
    """The case closed: unfinished clocks stop; breaches already recorded stay."""
    cal = calendar_of(case)
    clocks = _clocks(case)
    changed = []
    for clock in clocks:
        if clock.completed_at or clock.stopped_at:
            continue
        _bank(cal, clock, now)
        clock.stopped_at, clock.paused_at = now, None
        changed.append(clock)
    _save_clocks(changed, ["running_since", "used", "stopped_at", "paused_at"])
    sync_case(case, clocks, cal=cal)


def reopen(case: Case, now: dt.datetime) -> None:
    """Resolution rejected or case reopened: the resolution clock and stopped clocks run again.

    A clock breached before keeps its old due moment (its lateness counts on); one met before
    continues with the service time it had left.
    """
    cal = calendar_of(case)
    clocks = _clocks(case)
    changed = []
    for clock in clocks:
        reopened = clock.target == Target.RESOLUTION and clock.completed_at is not None
        if not (reopened or clock.stopped_at is not None):
            continue
        clock.completed_at = clock.stopped_at = None
        clock.met = None
        clock.running_since = now
        if clock.breached_at is None:
            clock.due_at = _due(cal, clock)
        changed.append(clock)
    _save_clocks(changed, ALL_CLOCK_FIELDS)
    sync_case(case, clocks, cal=cal)


def recompute(case: Case, now: dt.datetime) -> bool:
    """Apply the current policy/priority to the unfinished, unbroken clocks; True if it changed.

    Recorded breaches and completed clocks stay as they are: a later downgrade must not erase a
    broken promise. Service time used so far is kept and the rest counted on the new calendar.
    """
    policy, contract = policy_for(case)
    calendar_code = policy.calendar.code if policy is not None else FALLBACK_CALENDAR
    case.sla_policy, case.contract, case.sla_calendar = policy, contract, calendar_code
    Case.objects.filter(pk=case.pk).update(
        sla_policy=policy, contract=contract, sla_calendar=calendar_code
    )
    cal = calendar_of(case)
    wanted = target_minutes(policy, case)
    clocks = _clocks(case)
    by_target = {c.target: c for c in clocks}
    changed, created = [], []
    before = {c.target: (c.minutes, c.due_at, c.stopped_at) for c in clocks}
    for clock in clocks:
        if clock.completed_at or clock.breached_at or clock.stopped_at:
            continue
        if clock.target not in wanted:
            _bank(cal, clock, now)
            clock.stopped_at, clock.paused_at, clock.due_at = now, None, None
        else:
            clock.minutes = wanted[clock.target]
            if clock.running_since is not None:
                clock.due_at = _due(cal, clock)
        changed.append(clock)
    for target, minutes in wanted.items():
        if target in by_target:
            continue
        if getattr(case, DONE_FIELD.get(target, ""), None) is not None:
            continue  # already done before the promise existed
        clock = CaseClock(
            case=case,
            target=target,
            minutes=minutes,
            started_at=case.created_at,
            running_since=case.created_at,
        )
        if case.status == Status.WAITING:
            _bank(cal, clock, now)
            clock.paused_at = now
        else:
            clock.due_at = _due(cal, clock)
        created.append(clock)
    _save_clocks(changed, ALL_CLOCK_FIELDS)
    CaseClock.objects.bulk_create(created)
    clocks += created
    sync_case(case, clocks, cal=cal)
    after = {c.target: (c.minutes, c.due_at, c.stopped_at) for c in clocks}
    return before != after
