"""Build the call list (电话询检 / 回访) of a period: one set-based statement per rule.

Each rule is one `INSERT INTO feedback_callback … SELECT … ON CONFLICT DO NOTHING` (SQLite and
PostgreSQL alike): the database picks the population, the partial unique constraints on
Callback ((rule, period, asset) and (rule, case)) skip what is listed already, so a rerun adds
nothing and two workers at once do no harm. No Python loop runs per asset or case.

Periods are "YYYY-MM" (a month) or "YYYY-Qn" (a quarter), local (Asia/Shanghai) dates. The
rules (CallbackRule.kind, the defaults of domain.md "Customer voice"):
- warranty_quarterly ("YYYY-Qn"): every active top-level asset with final acceptance on or
  before the quarter's last day that is in warranty (contracts.entitlement's rule: its own
  months, else the most specific active warranty term, else the model's default, counted from
  acceptance or delivery) or covered by an active contract on at least one day of the quarter
  (contracts.selectors' rule: a contract naming the asset, its project, or neither). Due dates
  are spread by asset id over the business days of the quarter's first two months (the third
  is left for retries).
- commissioned_monthly ("YYYY-MM"): active top-level assets accepted, else installed, that
  month; due the next business day after that day.
- onsite_monthly ("YYYY-MM"): cases closed that month that had onsite support (service mode
  onsite, or an engineer's "arrived" visit on the case's timeline); one per case, due the next
  business day after the close.
- after_case ("YYYY-MM" of the due day): every closed case, due `days_after` days after its
  local close day (moved to the next business day when that is a day off); one per case.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.cases.models import Case as ServiceCase
from aftersales.cases.models import ServiceMode
from aftersales.cases.models import Status as CaseStatus
from aftersales.contracts.models import ServiceContract, WarrantyTerm
from aftersales.core.errors import Invalid
from aftersales.core.models import Activity
from aftersales.feedback.models import Callback, CallbackKind, CallbackRule, CallbackStatus
from aftersales.registry.models import Asset
from aftersales.sla import clockwork
from aftersales.sla.calendar import CompiledCalendar
from aftersales.sla.rules import is_business_day, next_business_day

CALENDAR = "5x8"
BAD_PERIOD = _("Give the period as YYYY-MM (a month) or YYYY-Qn (a quarter).")
FIRST_YEAR, LAST_YEAR = 2000, 2100
PERIOD_RE = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")
QUARTERLY_KINDS = (CallbackKind.WARRANTY_QUARTERLY,)
# The case's visit step recorded by cases.services.onsite (ActivityKind.ARRIVED).
ARRIVED = "arrived"
PARTS = (ExtractYear, ExtractMonth, ExtractDay)
COLUMNS = (
    "rule_id",
    "period",
    "customer_id",
    "asset_id",
    "case_id",
    "due_on",
    "status",
    "attempts",
    "notes",
    "created_at",
)


@dataclass(frozen=True)
class Period:
    code: str  # "2026-12" or "2026-Q4"
    first: dt.date
    last: dt.date

    @property
    def quarterly(self) -> bool:
        return "Q" in self.code

    def start(self) -> dt.datetime:
        """The period's first local moment (aware)."""
        return local_midnight(self.first)

    def end(self) -> dt.datetime:
        """The first local moment after the period (aware, exclusive)."""
        return local_midnight(self.last + dt.timedelta(days=1))


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_default_timezone())


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def month_period(day: dt.date) -> Period:
    return Period(f"{day:%Y-%m}", day.replace(day=1), _month_end(day.year, day.month))


def quarter_period(day: dt.date) -> Period:
    quarter = (day.month - 1) // 3 + 1
    first_month = 3 * quarter - 2
    return Period(
        f"{day.year}-Q{quarter}",
        dt.date(day.year, first_month, 1),
        _month_end(day.year, first_month + 2),
    )


def parse_period(value: str, *, field: str = "period", loc: str = "body") -> Period:
    """ "YYYY-MM" or "YYYY-Qn" as a Period; anything else 422 naming `field`."""
    match = PERIOD_RE.match(value or "")
    if match is None or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise Invalid(BAD_PERIOD, field=field, loc=loc)
    year = int(match[1])
    if match[2]:
        return month_period(dt.date(year, int(match[2]), 1))
    return quarter_period(dt.date(year, 3 * int(match[3]) - 2, 1))


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    for offset in range((last - first).days + 1):
        yield first + dt.timedelta(days=offset)


# --- due days: pure functions of the operations calendar ---------------------------------------


def quarter_call_days(cal: CompiledCalendar, period: Period) -> list[dt.date]:
    """The business days of the quarter's first two months: the quarterly calls' due days."""
    third = period.first.replace(month=period.first.month + 2)
    return [d for d in _days(period.first, third - dt.timedelta(days=1)) if is_business_day(cal, d)]


def after_case_due(cal: CompiledCalendar, closed_on: dt.date, days_after: int) -> dt.date:
    """`days_after` calendar days after the close, or the next business day from there."""
    day = closed_on + dt.timedelta(days=days_after)
    return day if is_business_day(cal, day) else next_business_day(cal, day)


def after_case_close_days(
    cal: CompiledCalendar, period: Period, days_after: int
) -> dict[dt.date, dt.date]:
    """{local close day: due day} of every close day whose after-case call falls due in the
    period (the due day never moves back, so the close days are one contiguous run)."""
    # A long holiday (Spring Festival, National Day: at most ~10 days off) can push the due
    # day forward: look that far back before the period's first day.
    first = period.first - dt.timedelta(days=days_after + 20)
    found = {}
    for day in _days(first, period.last):
        due = after_case_due(cal, day, days_after)
        if period.first <= due <= period.last:
            found[day] = due
    return found


# --- the SQL -----------------------------------------------------------------------------------


def _insert(queryset: QuerySet, *, rule: CallbackRule, period: Period, now: dt.datetime) -> int:
    """INSERT the rows `queryset` selects (`c_customer`, `c_asset` or `c_case`, `c_due`) as
    due callbacks of the rule and period; conflicts with listed ones are skipped."""
    names = queryset.query.annotation_select
    select = queryset.order_by()
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    asset = "sub.c_asset" if "c_asset" in names else "NULL"
    case = "sub.c_case" if "c_case" in names else "NULL"
    created = connection.ops.adapt_datetimefield_value(now)
    # The literals stand in the outer SELECT so each takes its column's type from the INSERT;
    # "WHERE 1 = 1" keeps SQLite's parser from reading ON CONFLICT as a join's ON.
    statement = (
        f"INSERT INTO {quote(Callback._meta.db_table)} ({', '.join(map(quote, COLUMNS))}) "
        f"SELECT %s, %s, sub.c_customer, {asset}, {case}, sub.c_due, %s, 0, '', %s "
        f"FROM ({sql}) sub WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [rule.pk, period.code, CallbackStatus.DUE, created, *params])
        return max(cursor.rowcount, 0)


def _date(day: dt.date) -> Value:
    return Value(day, output_field=DateField())


def _sampled(queryset: QuerySet, rule: CallbackRule) -> QuerySet:
    """Rules promising less than 100 % call a stable share of the population (by id)."""
    if rule.coverage_percent >= 100:
        return queryset
    share = ExpressionWrapper(F("pk") * 7919 % 100, output_field=IntegerField())
    return queryset.alias(c_share=share).filter(c_share__lt=rule.coverage_percent)


def _term_condition(term: WarrantyTerm) -> Q:
    if term.product_model_id and term.kind:
        return Q(product_model_id=term.product_model_id, product_model__kind=term.kind)
    if term.product_model_id:
        return Q(product_model_id=term.product_model_id)
    return Q(product_model__kind=term.kind)


def _terms_by_precedence() -> list[WarrantyTerm]:
    """Active terms as contracts.selectors.warranty_term_for tries them: model and kind, then
    model, then kind alone; the newest first within each."""
    terms = list(WarrantyTerm.objects.filter(is_active=True).order_by("-updated_at", "-id"))
    return (
        [t for t in terms if t.product_model_id and t.kind]
        + [t for t in terms if t.product_model_id and not t.kind]
        + [t for t in terms if not t.product_model_id and t.kind]
    )


def in_warranty_during(first: dt.date) -> tuple[Q, ExpressionWrapper]:
    """The condition "the warranty (contracts.entitlement.asset_warranty) ends on or after
    `first`" over the alias `c_end_key`, and that alias's expression.

    The last day is add_months(start, months) - 1 day, so it is on or after the 1st of a month
    exactly when the start's month index plus the months passes that month's, or meets it with
    a start day after the 1st (add_months keeps the day, clipped to the month's length ≥ 28).
    """
    terms = _terms_by_precedence()
    months = Coalesce(
        F("warranty_months"),
        Case(
            *[When(_term_condition(t), then=Value(t.months)) for t in terms],
            default=F("product_model__warranty_months"),
            output_field=IntegerField(),
        ),
    )
    delivery = Coalesce(F("installed_on"), F("accepted_on"))
    start = Case(
        *[
            When(
                _term_condition(t),
                then=delivery if t.starts_from == "delivery" else F("accepted_on"),
            )
            for t in terms
        ],
        default=F("accepted_on"),
        output_field=DateField(),
    )
    # PostgreSQL's EXTRACT answers numeric: whole numbers keep a million rows' sums cheap.
    year, month, day = (Cast(part(start), IntegerField()) for part in PARTS)
    month_index = year * 12 + month - 1
    end_key = ExpressionWrapper((month_index + months) * 32 + day, output_field=IntegerField())
    first_key = ((first.year * 12 + first.month - 1) * 32) + 1
    return Q(c_end_key__gt=first_key), end_key


def covered_by_contract(first: dt.date, last: dt.date) -> Exists:
    """An active contract of the asset's customer in force on a day of [first, last] that names
    the asset, its project, or neither (the whole customer): contracts.selectors' rule."""
    named = ServiceContract.assets.through.objects.filter(servicecontract_id=OuterRef("pk"))
    in_project = ServiceContract.projects.through.objects.filter(servicecontract_id=OuterRef("pk"))
    scope = (
        (~Exists(named) & ~Exists(in_project))
        | Exists(named.filter(asset_id=OuterRef(OuterRef("pk"))))
        | Exists(in_project.filter(project_id=OuterRef(OuterRef("project_id"))))
    )
    contracts = ServiceContract.objects.filter(
        customer_id=OuterRef("customer_id"), is_active=True, starts_on__lte=last, ends_on__gte=first
    ).filter(scope)
    return Exists(contracts)


def warranty_population(period: Period) -> QuerySet[Asset]:
    """The assets the quarter's warranty calls are due for (annotated; see the module doc)."""
    condition, end_key = in_warranty_during(period.first)
    return (
        Asset.objects.filter(
            is_active=True,
            parent__isnull=True,
            accepted_on__isnull=False,
            accepted_on__lte=period.last,
        )
        .alias(c_end_key=end_key)
        .filter(condition | covered_by_contract(period.first, period.last))
    )


def _spread(days: list[dt.date]) -> Case:
    """The due day of each asset: one of `days`, by its id."""
    return Case(
        *[When(c_slot=i, then=_date(day)) for i, day in enumerate(days)],
        output_field=DateField(),
    )


def _build_warranty(rule: CallbackRule, period: Period, cal: CompiledCalendar, now) -> int:
    days = quarter_call_days(cal, period)
    slot = ExpressionWrapper(F("pk") % len(days), output_field=IntegerField())
    qs = _sampled(warranty_population(period), rule).alias(c_slot=slot)
    qs = qs.values(c_customer=F("customer_id"), c_asset=F("pk"), c_due=_spread(days))
    return _insert(qs, rule=rule, period=period, now=now)


def commissioned_population(period: Period) -> QuerySet[Asset]:
    accepted = Q(accepted_on__gte=period.first, accepted_on__lte=period.last)
    installed = Q(installed_on__gte=period.first, installed_on__lte=period.last)
    return Asset.objects.filter(accepted | installed, is_active=True, parent__isnull=True)


def _build_commissioned(rule: CallbackRule, period: Period, cal: CompiledCalendar, now) -> int:
    days = list(_days(period.first, period.last))
    # Accepted that month wins over installed: the call follows the final acceptance.
    due = Case(
        *[When(accepted_on=d, then=_date(next_business_day(cal, d))) for d in days],
        *[When(installed_on=d, then=_date(next_business_day(cal, d))) for d in days],
        output_field=DateField(),
    )
    qs = _sampled(commissioned_population(period), rule)
    qs = qs.values(c_customer=F("customer_id"), c_asset=F("pk"), c_due=due)
    return _insert(qs, rule=rule, period=period, now=now)


def _closed_between(start: dt.datetime, end: dt.datetime) -> QuerySet[ServiceCase]:
    return ServiceCase.objects.filter(
        status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end
    )


def _due_by_close_day(mapping: dict[dt.date, dt.date]) -> Case:
    """The due day of each case, by the local day it was closed on."""
    return Case(
        *[
            When(
                closed_at__gte=local_midnight(day),
                closed_at__lt=local_midnight(day + dt.timedelta(days=1)),
                then=_date(due),
            )
            for day, due in mapping.items()
        ],
        output_field=DateField(),
    )


def onsite_population(period: Period) -> QuerySet[ServiceCase]:
    arrived = Activity.objects.filter(subject_kind="case", subject_id=OuterRef("pk"), kind=ARRIVED)
    return _closed_between(period.start(), period.end()).filter(
        Q(service_mode=ServiceMode.ONSITE) | Exists(arrived)
    )


def _build_onsite(rule: CallbackRule, period: Period, cal: CompiledCalendar, now) -> int:
    mapping = {d: next_business_day(cal, d) for d in _days(period.first, period.last)}
    qs = _sampled(onsite_population(period), rule)
    qs = qs.values(c_customer=F("customer_id"), c_case=F("pk"), c_due=_due_by_close_day(mapping))
    return _insert(qs, rule=rule, period=period, now=now)


def after_case_population(
    period: Period, days_after: int, cal: CompiledCalendar
) -> tuple[QuerySet[ServiceCase], dict[dt.date, dt.date]]:
    mapping = after_case_close_days(cal, period, days_after)
    if not mapping:
        return ServiceCase.objects.none(), mapping
    first, last = min(mapping), max(mapping)
    qs = _closed_between(local_midnight(first), local_midnight(last + dt.timedelta(days=1)))
    return qs, mapping


def _build_after_case(rule: CallbackRule, period: Period, cal: CompiledCalendar, now) -> int:
    qs, mapping = after_case_population(period, rule.days_after, cal)
    if not mapping:
        return 0
    qs = _sampled(qs, rule)
    qs = qs.values(c_customer=F("customer_id"), c_case=F("pk"), c_due=_due_by_close_day(mapping))
    return _insert(qs, rule=rule, period=period, now=now)


BUILDERS = {
    CallbackKind.WARRANTY_QUARTERLY: _build_warranty,
    CallbackKind.COMMISSIONED_MONTHLY: _build_commissioned,
    CallbackKind.ONSITE_MONTHLY: _build_onsite,
    CallbackKind.AFTER_CASE: _build_after_case,
}


def periods_to_build(period: Period) -> list[Period]:
    """A month builds its monthly lists and its quarter's warranty list; a quarter only its
    warranty list (its months are built month by month)."""
    if period.quarterly:
        return [period]
    return [period, quarter_period(period.first)]


def callbacks_generate(*, period: Period, now: dt.datetime | None = None) -> dict[str, int]:
    """Build the call lists of `period` (see periods_to_build) for every active rule;
    {"created": rows added, "existing": rows of those rules and periods already listed}."""
    now = now or timezone.now()
    cal = clockwork.calendar_for(CALENDAR)
    created = existing = 0
    rules = list(CallbackRule.objects.filter(active=True))
    for target in periods_to_build(period):
        for rule in rules:
            if (rule.kind in QUARTERLY_KINDS) != target.quarterly:
                continue
            with transaction.atomic():
                added = BUILDERS[rule.kind](rule, target, cal, now)
                total = Callback.objects.filter(rule=rule, period=target.code).count()
            created += added
            existing += total - added
    return {"created": created, "existing": existing}


def callbacks_generate_current(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The worker's daily run: this month (and its quarter) and the month before (and its
    quarter), so what was recorded late — a case closed at 23:59 on the last day, an
    acceptance entered the next morning — is still listed in its own period."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    previous = today.replace(day=1) - dt.timedelta(days=1)
    totals = {"created": 0, "existing": 0}
    for day in (previous, today):
        result = callbacks_generate(period=month_period(day), now=now)
        totals = {key: totals[key] + result[key] for key in totals}
    return totals
