"""Penalties (违约金) computed from stored breaches, explained line by line.

A line is one missed promise (of any subject kind, read from the sla engine) under one penalty
rule of the promise's contract for that kind and target; its id is "<promise id>-<rule id>".
Per occurrence: percent × contract value. Per day late: percent × contract value × each
started 24 hours past the due moment (wall time: the contracts speak of days), counted up to
the completion, the close, or now while still late. Money is Decimal, rounded half up to the
fen.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.accounts.models import User
from aftersales.contracts.models import PenaltyRule, PenaltyWaiver, ServiceContract
from aftersales.core import timeline
from aftersales.core.errors import Conflict, Forbidden, Invalid, NotFound
from aftersales.sla.models import Promise
from aftersales.sla.subjects import kind_of, subject_labels

VIEW_PENALTIES = "sla.view_penalties"
WAIVE_PENALTY = "sla.waive_penalty"
CONTRACT_NOT_FOUND = gettext_lazy("No contract with this number.")
NO_REASON = gettext_lazy("Give the reason for the waiver.")
LINE_NOT_FOUND = gettext_lazy("No such penalty line.")
ALREADY_WAIVED = gettext_lazy("This penalty line is already waived.")

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
DAY = dt.timedelta(days=1)

# The defaults of domain.md: 1% of the contract value per missed response; 1% per day past the
# restore (resolution) deadline.
DEFAULT_RULES = [
    (PenaltyRule.Target.RESPONSE, PenaltyRule.Basis.PER_OCCURRENCE, Decimal("1.00")),
    (PenaltyRule.Target.RESOLUTION, PenaltyRule.Basis.PER_DAY_LATE, Decimal("1.00")),
]

TARGET_WORDS = {
    "response": "response",
    "diagnosis": "diagnosis",
    "resolution": "resolution",
    "onsite": "onsite arrival",
}


def money(amount: Decimal) -> str:
    return f"¥{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def human_span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": mins}
    return _("%(m)d min") % {"m": mins}


@dataclass(frozen=True)
class PenaltyLine:
    id: str
    case_number: str
    target: str
    basis: str
    percent: Decimal
    contract_value: Decimal
    due_at: dt.datetime
    late_by: dt.timedelta
    days: int
    amount: Decimal
    running: bool
    explanation: str
    waiver: PenaltyWaiver | None = None

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    @property
    def payable(self) -> Decimal:
        return Decimal("0.00") if self.waived else self.amount

    @property
    def amount_text(self) -> str:
        return money(self.amount)


@dataclass
class PenaltyStatement:
    contract: ServiceContract
    start: dt.date | None
    end: dt.date | None
    lines: list[PenaltyLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def waived_total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.waived), Decimal("0.00"))

    @property
    def payable_total(self) -> Decimal:
        return self.total - self.waived_total


def _line(
    clock: Promise, rule: PenaltyRule, value: Decimal, now: dt.datetime, waiver, name: str
) -> PenaltyLine:
    end = clock.completed_at or clock.stopped_at or now
    late = max(end - clock.breached_at, dt.timedelta(0))
    running = clock.completed_at is None and clock.stopped_at is None
    share = value * rule.percent_of_value / HUNDRED
    words = {
        "case": name,
        "target": _(TARGET_WORDS[clock.target])
        if clock.target in TARGET_WORDS
        else kind_of(clock.subject_kind).target_label(clock.target),
        "late": human_span(late),
        "pct": percent(rule.percent_of_value),
        "value": money(value),
    }
    if rule.basis == PenaltyRule.Basis.PER_DAY_LATE:
        days = max(1, math.ceil(late / DAY))
        amount = (share * days).quantize(CENT, rounding=ROUND_HALF_UP)
        words |= {"days": days, "amount": money(amount)}
        text = (
            _(
                "%(case)s %(target)s late by %(late)s (%(days)d started days): "
                "%(pct)s × %(days)d × %(value)s = %(amount)s"
            )
            % words
        )
    else:
        days = 0
        amount = share.quantize(CENT, rounding=ROUND_HALF_UP)
        words["amount"] = money(amount)
        text = _("%(case)s %(target)s missed by %(late)s: %(pct)s × %(value)s = %(amount)s") % words
    if running:
        text += " " + _("(still late: grows until done)")
    if waiver is not None:
        text += " — " + _("waived by %(who)s on %(when)s: %(why)s") % {
            "who": waiver.waived_by,
            "when": timezone.localtime(waiver.waived_at).strftime("%Y-%m-%d"),
            "why": waiver.reason,
        }
    return PenaltyLine(
        id=f"{clock.pk}-{rule.pk}",
        case_number=name,
        target=clock.target,
        basis=rule.basis,
        percent=rule.percent_of_value,
        contract_value=value,
        due_at=clock.breached_at,
        late_by=late,
        days=days,
        amount=amount,
        running=running,
        explanation=text,
        waiver=waiver,
    )


def _lines(contract: ServiceContract, clocks, now: dt.datetime) -> list[PenaltyLine]:
    rules = list(contract.penalty_rules.all())
    clocks = list(clocks)
    waivers = {
        (w.promise_id, w.rule_id): w
        for w in PenaltyWaiver.objects.filter(promise__in=clocks).select_related("waived_by")
    }
    names = subject_labels((c.subject_kind, c.subject_id) for c in clocks)
    lines = []
    for clock in clocks:
        name = names.get((clock.subject_kind, clock.subject_id), str(clock.subject_id))
        for rule in rules:
            if rule.subject_kind == clock.subject_kind and rule.target == clock.target:
                waiver = waivers.get((clock.pk, rule.pk))
                lines.append(_line(clock, rule, contract.value, now, waiver, name))
    lines.sort(key=lambda line: (line.due_at, line.case_number, line.target))
    return lines


def _breached(qs):
    return qs.filter(breached_at__isnull=False).order_by("breached_at", "subject_id", "target")


def penalty_statement(
    *,
    contract: ServiceContract,
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
) -> PenaltyStatement:
    """Every penalty line of the contract whose due moment was missed in [start, end] (local)."""
    now = now or timezone.now()
    clocks = Promise.objects.filter(contract_id=contract.pk)
    tz = timezone.get_current_timezone()
    if start is not None:
        clocks = clocks.filter(breached_at__gte=dt.datetime.combine(start, dt.time(), tz))
    if end is not None:
        clocks = clocks.filter(
            breached_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz)
        )
    return PenaltyStatement(contract, start, end, _lines(contract, _breached(clocks), now))


CONTRACTS_WITH_BREACHES_MAX = 50


def contracts_with_breaches(*, user: User) -> list[ServiceContract]:
    """Contracts with missed promises, most missed first (`missed`): where a manager looks first."""
    require_penalty_reader(user)
    missed = (
        Promise.objects.filter(contract_id=OuterRef("pk"), breached_at__isnull=False)
        .order_by()
        .values("contract_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    found = (
        ServiceContract.objects.select_related("customer")
        .annotate(missed=Subquery(missed, output_field=IntegerField()))
        .filter(missed__gt=0)
        .order_by("-missed", "number")
    )
    return list(found[:CONTRACTS_WITH_BREACHES_MAX])


def penalty_lines_for_subject(
    *, kind: str, subject_id: int, now: dt.datetime | None = None
) -> list[PenaltyLine]:
    """The penalty lines of one subject's missed promises under their contract's rules."""
    clocks = list(_breached(Promise.objects.filter(subject_kind=kind, subject_id=subject_id)))
    lines: list[PenaltyLine] = []
    for contract_id in sorted({c.contract_id for c in clocks if c.contract_id}):
        contract = ServiceContract.objects.filter(pk=contract_id).first()
        if contract is not None:
            mine = [c for c in clocks if c.contract_id == contract_id]
            lines += _lines(contract, mine, now or timezone.now())
    return lines


def penalty_lines_for_case(*, case, now: dt.datetime | None = None) -> list[PenaltyLine]:
    """The case's lines (a case is the subject kind "case")."""
    return penalty_lines_for_subject(kind="case", subject_id=case.pk, now=now)


# --- writes ---------------------------------------------------------------------------------


@transaction.atomic
def penalty_rules_default(*, contract: ServiceContract) -> list[PenaltyRule]:
    """Give a contract without penalty rules the defaults of domain.md; returns its rules."""
    if not contract.penalty_rules.exists():
        PenaltyRule.objects.bulk_create(
            PenaltyRule(contract=contract, target=target, basis=basis, percent_of_value=pct)
            for target, basis, pct in DEFAULT_RULES
        )
    return list(contract.penalty_rules.order_by("pk"))


def _require_penalty_permission(user: User, permission: str) -> None:
    if can(user, permission):
        return
    if is_staff_member(user):
        raise Forbidden(NOT_ALLOWED)
    raise NotFound(LINE_NOT_FOUND)


@transaction.atomic
def penalty_waive(*, line_id: str, by: User, reason: str) -> PenaltyLine:
    """Waive one penalty line with a reason; the waiver row and a timeline note audit it."""
    _require_penalty_permission(by, WAIVE_PENALTY)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(NO_REASON, field="reason")
    clock_id, _sep, rule_id = str(line_id).partition("-")
    if not (clock_id.isdigit() and rule_id.isdigit()):
        raise NotFound(LINE_NOT_FOUND)
    clock = (
        Promise.objects.select_for_update()
        .filter(pk=int(clock_id), breached_at__isnull=False)
        .first()
    )
    rule = PenaltyRule.objects.filter(pk=int(rule_id)).first()
    if (
        clock is None
        or rule is None
        or clock.contract_id != rule.contract_id
        or rule.target != clock.target
        or rule.subject_kind != clock.subject_kind
    ):
        raise NotFound(LINE_NOT_FOUND)
    if PenaltyWaiver.objects.filter(promise=clock, rule=rule).exists():
        raise Conflict(ALREADY_WAIVED)
    now = timezone.now()
    waiver = PenaltyWaiver.objects.create(
        promise=clock, rule=rule, reason=reason, waived_by=by, waived_at=now
    )
    target = (
        PenaltyRule.Target(clock.target).label
        if clock.target in PenaltyRule.Target.values
        else kind_of(clock.subject_kind).target_label(clock.target)
    )
    timeline.record(
        subject_kind=clock.subject_kind,
        subject_id=clock.subject_id,
        customer_id=clock.customer_id,
        at=now,
        actor=by,
        kind="notice",
        internal=True,
        text=_("Penalty waived (%(target)s): %(reason)s") % {"target": target, "reason": reason},
        data={"penalty_line": f"{clock.pk}-{rule.pk}", "waiver": waiver.pk},
    )
    return next(
        line
        for line in penalty_lines_for_subject(
            kind=clock.subject_kind, subject_id=clock.subject_id, now=now
        )
        if line.id == f"{clock.pk}-{rule.pk}"
    )


# --- reads for penalty readers ---------------------------------------------------------------


def require_penalty_reader(user: User) -> None:
    """Managers and admins; other staff get 403, customers 404 (they must not learn of it)."""
    if can(user, VIEW_PENALTIES):
        return
    if is_staff_member(user):
        raise Forbidden(NOT_ALLOWED)
    raise NotFound(CONTRACT_NOT_FOUND)


def penalty_statement_for_user(
    *, user: User, number: str, start: dt.date | None = None, end: dt.date | None = None
) -> PenaltyStatement:
    """The contract's penalty lines in [start, end] for a penalty reader."""
    require_penalty_reader(user)
    contract = ServiceContract.objects.filter(number=(number or "").strip()).first()
    if contract is None:
        raise NotFound(CONTRACT_NOT_FOUND, field="contract")
    return penalty_statement(contract=contract, start=start, end=end)
