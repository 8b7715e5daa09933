"""Penalties (违约金) computed from stored breaches, explained line by line.

A line is one breached clock under one penalty rule of the case's contract; its id is
"<clock id>-<rule id>". Per occurrence: percent × contract value. Per day late: percent ×
contract value × each started 24 hours past the due moment (wall time: the contracts speak of
days), counted up to the completion, the close, or now while still late. Money is Decimal,
rounded half up to the fen.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.cases.models import Case
from aftersales.contracts.models import PenaltyRule, ServiceContract
from aftersales.sla.models import CaseClock, PenaltyWaiver

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
    clock: CaseClock, rule: PenaltyRule, value: Decimal, now: dt.datetime, waiver
) -> PenaltyLine:
    end = clock.completed_at or clock.stopped_at or now
    late = max(end - clock.breached_at, dt.timedelta(0))
    running = clock.completed_at is None and clock.stopped_at is None
    share = value * rule.percent_of_value / HUNDRED
    words = {
        "case": clock.case.number,
        "target": _(TARGET_WORDS.get(clock.target, clock.target)),
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
        case_number=clock.case.number,
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
        (w.clock_id, w.rule_id): w
        for w in PenaltyWaiver.objects.filter(clock__in=clocks).select_related("waived_by")
    }
    lines = []
    for clock in clocks:
        for rule in rules:
            if rule.target == clock.target:
                waiver = waivers.get((clock.pk, rule.pk))
                lines.append(_line(clock, rule, contract.value, now, waiver))
    return lines


def _breached(qs):
    return (
        qs.filter(breached_at__isnull=False)
        .select_related("case")
        .order_by("breached_at", "case__number", "target")
    )


def penalty_statement(
    *,
    contract: ServiceContract,
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
) -> PenaltyStatement:
    """Every penalty line of the contract whose due moment was missed in [start, end] (local)."""
    now = now or timezone.now()
    clocks = CaseClock.objects.filter(case__contract=contract)
    tz = timezone.get_current_timezone()
    if start is not None:
        clocks = clocks.filter(breached_at__gte=dt.datetime.combine(start, dt.time(), tz))
    if end is not None:
        clocks = clocks.filter(
            breached_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz)
        )
    return PenaltyStatement(contract, start, end, _lines(contract, _breached(clocks), now))


def penalty_lines_for_case(*, case: Case, now: dt.datetime | None = None) -> list[PenaltyLine]:
    if case.contract_id is None:
        return []
    clocks = _breached(CaseClock.objects.filter(case=case))
    return _lines(case.contract, clocks, now or timezone.now())
