"""The escalation ladder at work: the periodic sweep, its steps, and who is told when.

The sweep reads only cases whose indexed `next_sla_check_at` is due, so its cost does not
grow with closed cases (rule 2). Each step is an EscalationFiring row inserted before anything
is sent, in the same transaction as the notifications (outbox rows) and activity rows it
causes: the UNIQUE (case, rule) constraint makes a step fire once however many sweeps run
(rule 5). A sweep that was down fires each missed step once, marked late.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_role, is_staff_member
from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases.models import OPEN_STATUSES, Activity, ActivityKind, Case, Priority, Status
from aftersales.notify.services import address_for_user, notify_enqueue_many
from aftersales.registry.models import Engineer, Skill
from aftersales.sla.calendar import CompiledCalendar, next_service_moment
from aftersales.sla.clockwork import (
    CASE_SLA_FIELDS,
    active_rules,
    fire_moment,
    pending_rules,
    sync_case,
)
from aftersales.sla.models import (
    CaseClock,
    EscalationAction,
    EscalationFiring,
    EscalationRule,
    Target,
)
from aftersales.sla.selectors import compiled_calendar

logger = logging.getLogger(__name__)

# A step fired this long after its moment counts as late (the sweep runs every minute).
LATE_AFTER = dt.timedelta(minutes=5)
# People's working hours for quiet hours: the built-in 5×8 calendar (PRC holidays included).
WORKING_HOURS_CALENDAR = "5x8"
BATCH = 100

TARGET_LABELS = {
    Target.RESPONSE: "first response",
    Target.DIAGNOSIS: "diagnosis",
    Target.RESOLUTION: "resolution",
    Target.ONSITE: "onsite arrival",
}


def _target_label(target: str) -> str:
    return _(TARGET_LABELS.get(target, target))


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- people ---------------------------------------------------------------------------------


class People:
    """Per-sweep caches of roles, engineer profiles, dispatchers and managers."""

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

    def seats(self, case: Case) -> list[User]:
        """Whoever opened the case if staff (the seat), else every active dispatcher."""
        creator = case.created_by
        if creator is not None and creator.is_active and self.is_staff(creator):
            return [creator]
        return self.dispatchers()


def notify_not_before(*, user: User, case: Case, now: dt.datetime, people: People | None = None):
    """When a notification about this case may wake the user: None means now.

    Quiet hours: outside the 5×8 working hours a message waits for the user's next working
    minute, except for P1 cases and for engineers on call (Engineer.on_call).
    """
    if case.priority == Priority.P1:
        return None
    people = people or People()
    profile = people.profile(user)
    if profile is not None and profile.on_call:
        return None
    nxt = next_service_moment(people.working_hours(), now)
    return nxt if nxt > now else None


@dataclass
class Writes:
    """What a batch of steps writes, flushed in bulk at the end of the batch's transaction."""

    activities: list[Activity] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)

    def flush(self) -> None:
        Activity.objects.bulk_create(self.activities)
        if self.messages:
            notify_enqueue_many(messages=self.messages)
        self.activities, self.messages = [], []


def _tell(
    step: Step,
    user: User,
    *,
    kind: str,
    subject: str,
    body: str,
) -> int:
    people, case = step.people, step.case
    not_before = notify_not_before(user=user, case=case, now=step.now, people=people)
    for channel in step.rule.channels:
        step.writes.messages.append(
            {
                "channel": channel,
                "to_user": user,
                "address": people.address(user, channel),
                "subject": subject,
                "body": body,
                "kind": kind,
                "ref_type": "case",
                "ref_id": case.number,
                "not_before": not_before,
            }
        )
    return len(step.rule.channels)


def _summary(case: Case) -> str:
    return _("%(number)s [%(priority)s] %(customer)s: %(title)s") % {
        "number": case.number,
        "priority": case.priority,
        "customer": case.customer.name,
        "title": case.title,
    }


def _late_note(late: bool) -> str:
    return ("\n\n" + _("(Sent late: the SLA sweep was behind.)")) if late else ""


# --- the steps --------------------------------------------------------------------------------


@dataclass
class Step:
    case: Case
    rule: EscalationRule
    clock: CaseClock
    moment: dt.datetime
    firing: EscalationFiring
    now: dt.datetime
    people: People
    writes: Writes

    @property
    def late(self) -> bool:
        return self.firing.late


def _remind(step: Step) -> int:
    case, clock, sent = step.case, step.clock, 0
    recipients = ([case.assignee] if case.assignee_id else []) + step.people.seats(case)
    seen: set[int] = set()
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        with translation.override(user.language):
            subject = _("Reminder: case %(number)s, %(target)s due %(due)s") % {
                "number": case.number,
                "target": _target_label(clock.target),
                "due": _local(clock.due_at) if clock.due_at else "—",
            }
            body = _(
                "%(summary)s\nThe %(target)s is due at %(due)s and not recorded yet. "
                "Please act now."
            ) % {
                "summary": _summary(case),
                "target": _target_label(clock.target),
                "due": _local(clock.due_at) if clock.due_at else "—",
            }
            sent += _tell(
                step, user, kind="sla.reminder", subject=subject, body=body + _late_note(step.late)
            )
    step.writes.activities.append(
        Activity(
            case=case,
            at=step.now,
            kind=ActivityKind.NOTICE,
            internal=True,
            text=_("SLA reminder sent: %(rule)s") % {"rule": step.rule.name},
            data={"sla_rule": step.rule.pk, "late": step.late, "to": sorted(seen)},
        )
    )
    return sent


def next_engineer(case: Case) -> User | None:
    """Next available engineer: active, engineer role, the customer's region, the product
    line's skill when such a skill exists, fewest open cases, not the current assignee."""
    engineers = Engineer.objects.filter(
        user__is_active=True, user__groups__name=Role.ENGINEER
    ).exclude(user_id=case.assignee_id)
    region = case.customer.region
    if region:
        engineers = engineers.filter(region=region)
    line = case.product_model.product_line if case.product_model_id else ""
    if line:
        skill = Skill.objects.filter(Q(code=line) | Q(name=line)).first()
        if skill is not None:
            engineers = engineers.filter(skills=skill)
    engineers = engineers.annotate(
        open_cases=Count(
            "user__assigned_cases",
            filter=Q(user__assigned_cases__status__in=OPEN_STATUSES),
            distinct=True,
        )
    ).order_by("open_cases", "pk")
    profile = engineers.select_related("user").first()
    return profile.user if profile is not None else None


def _reassign(step: Step) -> int:
    case, now, sent = step.case, step.now, 0
    engineer = next_engineer(case)
    if engineer is None:
        for user in step.people.seats(case):
            with translation.override(user.language):
                sent += _tell(
                    step,
                    user,
                    kind="sla.reassign_failed",
                    subject=_("Case %(number)s: no engineer free to take it over")
                    % {"number": case.number},
                    body=_(
                        "%(summary)s\nNo response was recorded in time and no other engineer "
                        "of the region with the right skills is available. Please reassign "
                        "the case by hand."
                    )
                    % {"summary": _summary(case)}
                    + _late_note(step.late),
                )
        step.writes.activities.append(
            Activity(
                case=case,
                at=now,
                kind=ActivityKind.NOTICE,
                internal=True,
                text=_("No engineer available for automatic reassignment."),
                data={"sla_rule": step.rule.pk, "late": step.late},
            )
        )
        return sent
    previous = case.assignee
    case.assignee, case.assigned_at = engineer, now
    if case.status == Status.NEW:
        case.status = Status.ASSIGNED
    Case.objects.filter(pk=case.pk).update(
        assignee=engineer,
        assigned_at=now,
        status=case.status,
        version=F("version") + 1,
        updated_at=now,
    )
    case.version += 1
    case.updated_at = now
    step.writes.activities.append(
        Activity(
            case=case,
            at=now,
            kind=ActivityKind.ASSIGNED,
            text=str(engineer),
            data={
                "to": engineer.username,
                "from": previous.username if previous else None,
                "sla_rule": step.rule.pk,
                "late": step.late,
            },
        )
    )
    with translation.override(engineer.language):
        sent += _tell(
            step,
            engineer,
            kind="sla.reassigned",
            subject=_("Case %(number)s is now yours: respond at once") % {"number": case.number},
            body=_(
                "%(summary)s\nNo response was recorded in time, so the case was reassigned to "
                "you. Please contact the customer%(contact)s at once and record your response."
            )
            % {
                "summary": _summary(case),
                "contact": f" ({case.caller_name} {case.caller_phone})"
                if case.caller_phone
                else "",
            }
            + _late_note(step.late),
        )
    if previous is not None:
        with translation.override(previous.language):
            sent += _tell(
                step,
                previous,
                kind="sla.unassigned",
                subject=_("Case %(number)s reassigned to %(engineer)s")
                % {"number": case.number, "engineer": engineer},
                body=_(
                    "%(summary)s\nNo response was recorded in time; %(engineer)s takes the "
                    "case over."
                )
                % {"summary": _summary(case), "engineer": engineer}
                + _late_note(step.late),
            )
    return sent


def _notify_managers(step: Step) -> int:
    case, clock, sent = step.case, step.clock, 0
    told: list[int] = []
    for level in step.rule.levels:
        for manager in step.people.managers(level):
            if manager.pk in told:
                continue
            told.append(manager.pk)
            with translation.override(manager.language):
                ack = step.firing.ack_due_at
                sent += _tell(
                    step,
                    manager,
                    kind="sla.escalation",
                    subject=_("Escalation: case %(number)s missed its %(target)s target")
                    % {"number": case.number, "target": _target_label(clock.target)},
                    body=_("%(summary)s\nThe %(target)s was due at %(due)s and is not recorded.")
                    % {
                        "summary": _summary(case),
                        "target": _target_label(clock.target),
                        "due": _local(clock.breached_at or clock.due_at or step.moment),
                    }
                    + ("\n" + _("Please respond by %(ack)s.") % {"ack": _local(ack)} if ack else "")
                    + _late_note(step.late),
                )
    step.writes.activities.append(
        Activity(
            case=case,
            at=step.now,
            kind=ActivityKind.NOTICE,
            internal=True,
            text=_("Escalated to management: %(rule)s") % {"rule": step.rule.name},
            data={"sla_rule": step.rule.pk, "late": step.late, "to": told},
        )
    )
    return sent


ACTIONS = {
    EscalationAction.REMIND: _remind,
    EscalationAction.REASSIGN: _reassign,
    EscalationAction.NOTIFY_MANAGERS: _notify_managers,
}


# --- the sweep ----------------------------------------------------------------------------


@dataclass
class SweepReport:
    cases: int = 0
    breaches: int = 0
    fired: int = 0
    late: int = 0
    messages: int = 0
    steps: list[tuple[str, int]] = field(default_factory=list)

    def merge(self, other: SweepReport) -> None:
        self.breaches += other.breaches
        self.fired += other.fired
        self.late += other.late
        self.messages += other.messages
        self.steps += other.steps


def _claim(now: dt.datetime, batch: int) -> list[Case]:
    due = (
        Case.objects.filter(next_sla_check_at__lte=now)
        .select_related("customer", "assignee", "created_by")
        # Long texts are never needed here; skipping them halves the rows to parse.
        .defer("description", "fault_symptom", "resolution", "search_text")
        .order_by("next_sla_check_at", "pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: rows another sweep holds are skipped, so sweeps share the work.
        return list(due.select_for_update(skip_locked=True, of=("self",))[:batch])
    # SQLite runs IMMEDIATE transactions, one writer at a time; the conditional UPDATE makes
    # "another sweep got there first" a clean miss all the same.
    claimed = []
    for case in due[:batch]:
        if Case.objects.filter(pk=case.pk, next_sla_check_at=case.next_sla_check_at).update(
            next_sla_check_at=None
        ):
            claimed.append(case)
    return claimed


def _record_breaches(case: Case, clocks: list[CaseClock], now: dt.datetime, writes: Writes):
    """Clocks whose due moment passed unmet get their breach recorded (saved by the caller)."""
    breached = [
        c
        for c in clocks
        if c.running_since is not None
        and c.breached_at is None
        and c.due_at is not None
        and c.due_at <= now
    ]
    for clock in breached:
        clock.breached_at = clock.due_at
        writes.activities.append(
            Activity(
                case=case,
                at=now,
                kind=ActivityKind.NOTICE,
                internal=True,
                text=_("SLA: %(target)s target missed (due %(due)s).")
                % {"target": _target_label(clock.target), "due": _local(clock.due_at)},
                data={"sla_breach": clock.target},
            )
        )
    return breached


def _due_steps(case, clocks, fired, *, cal, rules, now) -> list[tuple]:
    steps = []
    for clock in clocks:
        for rule in pending_rules(case, clock, rules, fired):
            moment = fire_moment(cal, clock, rule)
            if moment is not None and moment <= now:
                steps.append((moment, rule.sort_order, rule.pk, rule, clock))
    steps.sort(key=lambda s: s[:3])
    return [(case, rule, clock, moment) for moment, _order, _pk, rule, clock in steps]


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


@dataclass
class Batch:
    cases: list[Case]
    clocks: dict[int, list[CaseClock]]
    fired: dict[int, set[int]]


def _load(cases: list[Case]) -> Batch:
    clocks: dict[int, list[CaseClock]] = {c.pk: [] for c in cases}
    for clock in CaseClock.objects.filter(case_id__in=clocks):
        clocks[clock.case_id].append(clock)
    fired: dict[int, set[int]] = {c.pk: set() for c in cases}
    pairs = EscalationFiring.objects.filter(case_id__in=fired).values_list("case_id", "rule_id")
    for case_id, rule_id in pairs:
        fired[case_id].add(rule_id)
    return Batch(cases, clocks, fired)


def _handle(batch: Batch, *, calendar, rules, people, now, report) -> None:
    """Breaches, steps and next checks of a batch of claimed cases, written in bulk."""
    writes = Writes()
    breached: list[CaseClock] = []
    planned = []
    for case in batch.cases:
        clocks = batch.clocks[case.pk]
        breached += _record_breaches(case, clocks, now, writes)
        planned += _due_steps(
            case, clocks, batch.fired[case.pk], cal=calendar(case), rules=rules, now=now
        )
    firings = [
        EscalationFiring(
            case=case,
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
        for case, rule, _clock, moment in planned
    ]
    won = {(f.case_id, f.rule_id): f for f in _insert_firings(firings)}
    for case, rule, clock, moment in planned:
        batch.fired[case.pk].add(rule.pk)
        firing = won.get((case.pk, rule.pk))
        if firing is None:
            continue  # another sweep fired this step first: nothing to send
        step = Step(case, rule, clock, moment, firing, now, people, writes)
        report.messages += ACTIONS[rule.action](step)
        report.fired += 1
        report.late += firing.late
        report.steps.append((case.number, rule.pk))
    CaseClock.objects.bulk_update(breached, ["breached_at"])
    report.breaches += len(breached)
    for case in batch.cases:
        sync_case(
            case,
            batch.clocks[case.pk],
            cal=calendar(case),
            rules=rules,
            fired=batch.fired[case.pk],
            save=False,
        )
    _save_sla_fields(batch.cases)
    writes.flush()


def _save_sla_fields(cases: list[Case]) -> None:
    """Write the cases' SLA fields: one UPDATE … FROM (VALUES …) on PostgreSQL.

    Django's bulk_update builds a CASE per field and row, which PostgreSQL plans slowly for a
    batch of a hundred; SQLite takes one cheap UPDATE per case.
    """
    if connection.vendor != "postgresql":
        for case in cases:
            Case.objects.filter(pk=case.pk).update(
                **{name: getattr(case, name) for name in CASE_SLA_FIELDS}
            )
        return
    fields = [Case._meta.get_field(name) for name in CASE_SLA_FIELDS]
    row = "(%s::bigint, " + ", ".join("%s::timestamptz" for _f in fields) + ")"
    params: list = []
    for case in cases:
        params.append(case.pk)
        params += [getattr(case, f.attname) for f in fields]
    aliases = ", ".join(f"v{i}" for i in range(len(fields)))
    assignments = ", ".join(f"{f.column} = v.v{i}" for i, f in enumerate(fields))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Case._meta.db_table} AS c SET {assignments} "
            f"FROM (VALUES {', '.join([row] * len(cases))}) AS v(id, {aliases}) "
            "WHERE c.id = v.id",
            params,
        )


def sla_sweep(*, now: dt.datetime | None = None, limit: int = 5000) -> SweepReport:
    """Record breaches and fire due escalation steps on up to `limit` cases; safe to run twice.

    Claims cases in batches (skip-locked on PostgreSQL) whose next check is due and writes each
    batch in bulk. A batch that fails is redone case by case, and a case that fails on its own
    is put back an hour later, so one bad case cannot stop the others.
    """
    now = now or timezone.now()
    report = SweepReport()
    rules = active_rules()
    people = People()
    calendars: dict[str, CompiledCalendar] = {}

    def calendar(case: Case) -> CompiledCalendar:
        code = case.sla_calendar or "5x8"
        if code not in calendars:
            calendars[code] = compiled_calendar(code)
        return calendars[code]

    options = {"calendar": calendar, "rules": rules, "people": people, "now": now}
    for _batch in range((limit + BATCH - 1) // BATCH):
        with transaction.atomic():
            cases = _claim(now, min(BATCH, limit - report.cases))
            if not cases:
                break
            report.cases += len(cases)
            try:
                with transaction.atomic():
                    attempt = SweepReport()
                    _handle(_load(cases), report=attempt, **options)
                report.merge(attempt)
                continue
            except Exception:
                logger.exception("SLA sweep batch failed; retrying its cases one by one")
            for case in cases:
                try:
                    with transaction.atomic():
                        attempt = SweepReport()
                        _handle(_load([case]), report=attempt, **options)
                    report.merge(attempt)
                except Exception:
                    logger.exception("SLA sweep failed on case %s", case.number)
                    Case.objects.filter(pk=case.pk).update(
                        next_sla_check_at=now + dt.timedelta(hours=1)
                    )
        if report.cases >= limit:
            break
    return report


# --- manager response ------------------------------------------------------------------------


def has_manager_level(user: User, rule: EscalationRule) -> bool:
    return user.manager_level in rule.levels or has_role(user, Role.ADMIN)
