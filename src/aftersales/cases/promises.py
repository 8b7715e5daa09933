"""The case as a subject of the promise engine: its targets, its ladder's actions, its fields.

Registers the subject kind "case" with sla (CasesConfig.ready). Chooses the service level (the
covering contract's, else the default), turns it into promises per target, and keeps the
case's denormalised due fields (response/diagnosis/resolution due, sla_due_at,
next_sla_check_at) in step with them. Only cases code writes Case: the SLA reassignment goes
through cases.services (lock, version, activity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases.models import (
    OPEN_STATUSES,
    ActivityKind,
    Case,
    Priority,
    ServiceMode,
    Status,
)
from aftersales.contracts.models import ServiceContract
from aftersales.contracts.selectors import contract_covering
from aftersales.core import timeline
from aftersales.registry.models import Engineer, Skill
from aftersales.sla import clockwork
from aftersales.sla.calendar import CompiledCalendar, next_service_moment
from aftersales.sla.escalation import People, Step, Writes
from aftersales.sla.models import Promise, SlaPolicy, Target
from aftersales.sla.subjects import SubjectKind, register_kind

KIND = "case"
FALLBACK_CALENDAR = clockwork.FALLBACK_CALENDAR
# Case field holding each promise's due moment (the API's "sla"), and the moment it was met.
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
TARGET_LABELS = {
    Target.RESPONSE: gettext_noop("first response"),
    Target.DIAGNOSIS: gettext_noop("diagnosis"),
    Target.RESOLUTION: gettext_noop("resolution"),
    Target.ONSITE: gettext_noop("onsite arrival"),
}


def target_label(target: str) -> str:
    return _(TARGET_LABELS.get(target, target))


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- policy ---------------------------------------------------------------------------------


def policy_for(case: Case) -> tuple[SlaPolicy | None, ServiceContract | None]:
    """The covering contract's service level on the case's creation day, else the default."""
    on = timezone.localdate(case.created_at)
    contract = contract_covering(customer=case.customer, asset=case.asset, on=on)
    if contract is not None:
        return contract.sla_policy, contract
    return clockwork.default_policy(), None


def target_minutes(policy: SlaPolicy | None, case: Case) -> dict[str, int]:
    """Promised service minutes per target for the case's priority; missing means no promise."""
    row = clockwork.policy_target(policy, case.priority)
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
    return clockwork.calendar_for(case.sla_calendar or FALLBACK_CALENDAR)


def _active(case: Case) -> bool:
    return case.status in OPEN_STATUSES


def promises_of(case: Case) -> list[Promise]:
    return clockwork.promises_of(KIND, case.pk)


# --- the case's denormalised fields --------------------------------------------------------


def sync_fields(case: Case, promises: Sequence[Promise], *, save: bool = True) -> None:
    """Copy the promises' due moments onto the case and its earliest next sweep check."""
    by_target = {p.target: p for p in promises}
    for target, field in DUE_FIELD.items():
        promise = by_target.get(target)
        setattr(case, field, promise.due_at if promise is not None else None)
    case.sla_due_at = min(
        (p.due_at for p in promises if p.running_since is not None and p.due_at is not None),
        default=None,
    )
    case.next_sla_check_at = min(
        (p.next_check_at for p in promises if p.next_check_at is not None), default=None
    )
    if save:
        Case.objects.filter(pk=case.pk).update(**{f: getattr(case, f) for f in CASE_SLA_FIELDS})


def _save_sla_fields(cases: list[Case], names: Sequence[str] = tuple(CASE_SLA_FIELDS)) -> None:
    """Write many cases' SLA fields: one UPDATE … FROM (VALUES …) on PostgreSQL.

    Django's bulk_update builds a CASE per field and row, which PostgreSQL plans slowly for a
    batch of a hundred; SQLite takes one cheap UPDATE per case.
    """
    if not cases:
        return
    if connection.vendor != "postgresql":
        for case in cases:
            Case.objects.filter(pk=case.pk).update(**{name: getattr(case, name) for name in names})
        return
    fields = [Case._meta.get_field(name) for name in names]
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


# --- lifecycle (called by cases.deadlines with the case row locked) -------------------------


def prepare(case: Case, now: dt.datetime) -> list[Promise]:
    """Before the new case is saved: choose the policy, compute the promises (unsaved)."""
    policy, contract = policy_for(case)
    case.sla_policy, case.contract = policy, contract
    case.sla_calendar = policy.calendar.code if policy is not None else FALLBACK_CALENDAR
    cal = calendar_of(case)
    promises = [
        clockwork.new_promise(
            kind=KIND,
            target=target,
            minutes=minutes,
            now=now,
            cal=cal,
            priority=case.priority,
            customer_id=case.customer_id,
            contract_id=case.contract_id,
        )
        for target, minutes in target_minutes(policy, case).items()
    ]
    clockwork.plan_checks(promises, cal=cal, fired={}, active=_active(case))
    sync_fields(case, promises, save=False)
    return promises


def start(case: Case, promises: list[Promise]) -> None:
    """After the new case is saved: store its promises (prepare planned their checks)."""
    clockwork.start(promises, subject_id=case.pk, cal=calendar_of(case), planned=True)


def pause(case: Case, now: dt.datetime) -> None:
    promises = promises_of(case)
    clockwork.pause(promises, cal=calendar_of(case), now=now, active=_active(case))
    sync_fields(case, promises)


def resume(case: Case, now: dt.datetime) -> None:
    promises = promises_of(case)
    clockwork.resume(promises, cal=calendar_of(case), now=now, active=_active(case))
    sync_fields(case, promises)


def complete(case: Case, targets: Sequence[str], now: dt.datetime) -> None:
    promises = promises_of(case)
    clockwork.complete(promises, targets, cal=calendar_of(case), now=now, active=_active(case))
    sync_fields(case, promises)


def stop(case: Case, now: dt.datetime) -> None:
    promises = promises_of(case)
    clockwork.stop(promises, cal=calendar_of(case), now=now, active=_active(case))
    sync_fields(case, promises)


def reopen(case: Case, now: dt.datetime) -> None:
    """Resolution rejected or case reopened: the resolution promise and stopped ones run again."""
    promises = promises_of(case)
    clockwork.reopen(
        promises,
        completed_targets=[Target.RESOLUTION],
        cal=calendar_of(case),
        now=now,
        active=_active(case),
    )
    sync_fields(case, promises)


def recompute(case: Case, now: dt.datetime) -> bool:
    """Apply the current policy/priority to the unfinished, unbroken promises; True if changed.

    Writes the case's policy, contract and calendar (cases code writes Case).
    """
    policy, contract = policy_for(case)
    calendar_code = policy.calendar.code if policy is not None else FALLBACK_CALENDAR
    case.sla_policy, case.contract, case.sla_calendar = policy, contract, calendar_code
    Case.objects.filter(pk=case.pk).update(
        sla_policy=policy, contract=contract, sla_calendar=calendar_code
    )
    cal = calendar_of(case)

    def make(target: str, minutes: int) -> Promise | None:
        if getattr(case, DONE_FIELD.get(target, ""), None) is not None:
            return None  # already done before the promise existed
        promise = clockwork.new_promise(
            kind=KIND,
            subject_id=case.pk,
            target=target,
            minutes=minutes,
            now=case.created_at,
            cal=cal,
        )
        if case.status == Status.WAITING:
            clockwork.bank(cal, promise, now)
            promise.paused_at, promise.due_at = now, None
        return promise

    promises, changed = clockwork.retarget(
        promises_of(case),
        wanted=target_minutes(policy, case),
        cal=cal,
        now=now,
        make=make,
        stamp={
            "priority": case.priority,
            "contract_id": case.contract_id,
            "customer_id": case.customer_id,
        },
        active=_active(case),
    )
    sync_fields(case, promises)
    return changed


# --- the ladder's actions on a case ----------------------------------------------------------


def seats(case: Case, people: People) -> list[User]:
    """Whoever opened the case if staff (the seat), else every active dispatcher."""
    creator = case.created_by
    if creator is not None and creator.is_active and people.is_staff(creator):
        return [creator]
    return people.dispatchers()


def notify_not_before(
    *, user: User, case: Case, now: dt.datetime, people: People | None = None
) -> dt.datetime | None:
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


def _tell(step: Step, user: User, *, kind: str, subject: str, body: str) -> int:
    case = step.subject
    not_before = notify_not_before(user=user, case=case, now=step.now, people=step.people)
    return step.tell(
        user,
        kind=kind,
        subject=subject,
        body=body,
        ref=("case", case.number),
        not_before=not_before,
    )


def _summary(case: Case) -> str:
    return _("%(number)s [%(priority)s] %(customer)s: %(title)s") % {
        "number": case.number,
        "priority": case.priority,
        "customer": case.customer.name,
        "title": case.title,
    }


def _late_note(late: bool) -> str:
    return ("\n\n" + _("(Sent late: the SLA sweep was behind.)")) if late else ""


def remind(step: Step) -> int:
    case, promise, sent = step.subject, step.promise, 0
    recipients = ([case.assignee] if case.assignee_id else []) + seats(case, step.people)
    seen: set[int] = set()
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        with translation.override(user.language):
            due = _local(promise.due_at) if promise.due_at else "—"
            subject = _("Reminder: case %(number)s, %(target)s due %(due)s") % {
                "number": case.number,
                "target": target_label(promise.target),
                "due": due,
            }
            body = _(
                "%(summary)s\nThe %(target)s is due at %(due)s and not recorded yet. "
                "Please act now."
            ) % {"summary": _summary(case), "target": target_label(promise.target), "due": due}
            sent += _tell(
                step, user, kind="sla.reminder", subject=subject, body=body + _late_note(step.late)
            )
    step.writes.add(
        _notice(
            case,
            at=step.now,
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


def reassign(step: Step) -> int:
    from aftersales.cases.services import case_reassign_overdue

    case, now, sent = step.subject, step.now, 0
    engineer = next_engineer(case)
    if engineer is None:
        for user in seats(case, step.people):
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
        step.writes.add(
            _notice(
                case,
                at=now,
                text=_("No engineer available for automatic reassignment."),
                data={"sla_rule": step.rule.pk, "late": step.late},
            )
        )
        return sent
    locked, previous = case_reassign_overdue(
        case=case, engineer=engineer, now=now, rule_id=step.rule.pk, late=step.late
    )
    for name in ("assignee", "assigned_at", "status", "version", "updated_at"):
        setattr(case, name, getattr(locked, name))
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


def notify_managers(step: Step) -> int:
    case, promise, sent = step.subject, step.promise, 0
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
                    % {"number": case.number, "target": target_label(promise.target)},
                    body=_("%(summary)s\nThe %(target)s was due at %(due)s and is not recorded.")
                    % {
                        "summary": _summary(case),
                        "target": target_label(promise.target),
                        "due": _local(promise.breached_at or promise.due_at or step.moment),
                    }
                    + ("\n" + _("Please respond by %(ack)s.") % {"ack": _local(ack)} if ack else "")
                    + _late_note(step.late),
                )
    step.writes.add(
        _notice(
            case,
            at=step.now,
            text=_("Escalated to management: %(rule)s") % {"rule": step.rule.name},
            data={"sla_rule": step.rule.pk, "late": step.late, "to": told},
        )
    )
    return sent


def _notice(case: Case, *, at: dt.datetime, text: str, data: dict) -> timeline.Activity:
    """An internal SLA notice on the case's timeline, for the sweep's bulk write."""
    return timeline.entry(
        subject_kind=KIND,
        subject_id=case.pk,
        customer_id=case.customer_id,
        at=at,
        kind=ActivityKind.NOTICE,
        internal=True,
        text=text,
        data=data,
    )


def breached(case: Case, promise: Promise, now: dt.datetime, writes: Writes) -> None:
    writes.add(
        _notice(
            case,
            at=now,
            text=_("SLA: %(target)s target missed (due %(due)s).")
            % {"target": target_label(promise.target), "due": _local(promise.due_at)},
            data={"sla_breach": promise.target},
        )
    )


def note(subject_id: int, *, at: dt.datetime, actor: User | None, text: str, data: dict) -> None:
    """An internal timeline note on the case (penalty waivers, escalation answers)."""
    timeline.record(
        subject_kind=KIND,
        subject_id=subject_id,
        at=at,
        actor=actor,
        kind=ActivityKind.NOTICE,
        internal=True,
        text=text,
        data=data,
    )


def load(ids: Sequence[int]) -> dict[int, Case]:
    cases = (
        Case.objects.filter(pk__in=ids)
        .select_related("customer", "assignee", "created_by")
        # Long texts are never needed here; skipping them halves the rows to parse.
        .defer("description", "fault_symptom", "resolution", "search_text")
    )
    return {case.pk: case for case in cases}


def changed(cases: list[Case], promises: dict[int, list[Promise]]) -> None:
    """After a sweep batch: each case's next check follows its promises.

    The sweep moves only next checks and breaches, never a due moment, so only
    next_sla_check_at changes; the other promises of the cases are read as two columns.
    """
    if not cases:
        return
    swept = {p.pk for ps in promises.values() for p in ps}
    checks: dict[int, list[dt.datetime]] = {case.pk: [] for case in cases}
    for ps in promises.values():
        for p in ps:
            if p.next_check_at is not None and p.subject_id in checks:
                checks[p.subject_id].append(p.next_check_at)
    others = (
        Promise.objects.filter(subject_kind=KIND, subject_id__in=list(checks))
        .exclude(pk__in=swept)
        .filter(next_check_at__isnull=False)
        .values_list("subject_id", "next_check_at")
    )
    for subject_id, moment in others:
        checks[subject_id].append(moment)
    for case in cases:
        case.next_sla_check_at = min(checks[case.pk], default=None)
    _save_sla_fields(cases, ["next_sla_check_at"])


def labels(ids: Sequence[int]) -> dict[int, str]:
    return dict(Case.objects.filter(pk__in=ids).values_list("pk", "number"))


def url(subject_id: int) -> str:
    number = Case.objects.filter(pk=subject_id).values_list("number", flat=True).first()
    return reverse("cases:detail", args=[number]) if number else ""


def urls(ids: Sequence[int]) -> dict[int, str]:
    numbers = Case.objects.filter(pk__in=ids).values_list("pk", "number")
    return {pk: reverse("cases:detail", args=[number]) for pk, number in numbers}


def assigned_to(user_ids: Sequence[int]) -> QuerySet:
    return Case.objects.filter(assignee_id__in=user_ids).values("pk")


CASE_KIND = SubjectKind(
    code=KIND,
    load=load,
    is_active=_active,
    labels=labels,
    url=url,
    urls=urls,
    assigned_to=assigned_to,
    view_perm="cases.view_case",
    name=lambda case: case.number,
    target_label=target_label,
    remind=remind,
    reassign=reassign,
    notify_managers=notify_managers,
    breached=breached,
    note=note,
    changed=changed,
)


def register() -> None:
    register_kind(CASE_KIND)
