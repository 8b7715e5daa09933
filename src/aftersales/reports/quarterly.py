"""The maintenance summary per customer (维护总结报告), quarterly and yearly, optionally for one
contract: cases, promise compliance, inspections, parts replaced, penalties, recommendations.

Definitions (docs: /work/notes/decisions-documents.md):
- cases of the period: the customer's cases opened in it, exactly the console's case list
  filtered by that customer and the period's days (merged duplicates included and marked);
- compliance: reports.kpis.compliance_by over every promise of the customer (or contract);
- inspections: the visit promises due in the period (fieldservice.visit_compliance);
- parts replaced: the stock ledger's issues in the period for the customer's RMAs, onsite
  appointments and repair orders (a spare sent, a part fitted from car stock or the bench);
- penalties: contracts.penalties.penalty_statement per contract, only for penalty readers.

The printed copy summarises the cases (by month, priority, type and product model) and lists at
most CASE_LISTING_MAX of them, the most important first; the workbook lists every case
(docs: /work/notes/decisions-perfdoc.md). The queries are bounded: none per case.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from aftersales.accounts.access import NOT_ALLOWED, can, customer_id_of, is_staff_member
from aftersales.cases.models import OPEN_STATUSES, Case, Priority, Status
from aftersales.contracts.models import ServiceContract
from aftersales.contracts.penalties import VIEW_PENALTIES, PenaltyStatement, penalty_statement
from aftersales.core.errors import Forbidden, Invalid, NotFound
from aftersales.fieldservice.inspection_selectors import visit_compliance
from aftersales.fieldservice.models import Appointment
from aftersales.inventory.models import MoveKind, StockMove
from aftersales.registry.models import Customer
from aftersales.repairs.models import RepairOrder
from aftersales.reports import filters
from aftersales.reports.kpis import Compliance, compliance_by
from aftersales.reports.rendering import Document, Section, parse_format, render_document
from aftersales.rma.models import Rma
from aftersales.sla.models import Promise
from aftersales.sla.subjects import any_target_label

VIEW_REPORTS = filters.VIEW_REPORTS
QUARTERLY, YEARLY = "quarterly", "yearly"
FIRST_YEAR, LAST_YEAR = 2000, 2099
# A product model with this many fault cases in one period earns a recommendation.
REPEATED_FAULTS = 3
FAULT_TYPE = "fault"
# The printed copy lists at most this many cases (the most important first); the workbook has all.
CASE_LISTING_MAX = 100
# The printed breakdown by product model names this many models; the rest share one row.
MODELS_LISTED = 15

BAD_QUARTER = gettext_lazy("Give the quarter as YYYY-Qn, e.g. 2026-Q3.")
BAD_YEAR = gettext_lazy("Give the year as YYYY, e.g. 2026.")
CUSTOMER_NOT_FOUND = gettext_lazy("No such customer.")
CONTRACT_NOT_FOUND = gettext_lazy("This customer has no contract with this number.")
LISTING_CAPPED = gettext_lazy(
    "Listed: the %(listed)s most important of %(total)s cases (major requests first, then cases "
    "with a missed promise, cases still open, the newest). Cases not listed here: %(more)s. "
    "The XLSX file of this report lists every case."
)

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    """A report's period: local dates, `end` inclusive; `key` as the URL names it."""

    key: str
    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), timezone.get_current_timezone())

    @property
    def until(self) -> dt.datetime:
        after = self.end + dt.timedelta(days=1)
        return dt.datetime.combine(after, dt.time(), timezone.get_current_timezone())

    def report_filter(self, **dimensions: str) -> filters.ReportFilter:
        return filters.ReportFilter(start=self.start, end=self.end, **dimensions)


def _year_in_range(year: int, message: Any, name: str) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(message, field=name, loc="query")
    return year


def parse_quarter(raw: Any) -> Period:
    """ "2026-Q3" → 2026-07-01..2026-09-30; anything else is Invalid naming "quarter"."""
    match = _QUARTER.match(str(raw or "").strip().upper())
    if not match:
        raise Invalid(BAD_QUARTER, field="quarter", loc="query")
    year = _year_in_range(int(match[1]), BAD_QUARTER, "quarter")
    quarter = int(match[2])
    start = dt.date(year, 3 * quarter - 2, 1)
    next_start = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return Period(f"{year}-Q{quarter}", start, next_start - dt.timedelta(days=1))


def parse_year(raw: Any) -> Period:
    """ "2026" → the calendar year; anything else is Invalid naming "year"."""
    match = _YEAR.match(str(raw or "").strip())
    if not match:
        raise Invalid(BAD_YEAR, field="year", loc="query")
    year = _year_in_range(int(match[1]), BAD_YEAR, "year")
    return Period(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))


# --- who may read which customer's summary --------------------------------------------------


def customer_for_report(*, user: Any, code: str, contract: str = "") -> tuple[Customer, Any]:
    """(customer, contract or None) the user may report on.

    A contact: their own organisation only (another's, or an unknown code: 404). Staff need
    reports.view_reports (403); an unknown customer is 404, a contract that is not the
    customer's is 404 as well.
    """
    own = customer_id_of(user)
    staff = is_staff_member(user)
    customer = Customer.objects.filter(code=str(code or "").strip()[:40]).first()
    if not staff:
        if own is None or customer is None or customer.pk != own:
            raise NotFound(CUSTOMER_NOT_FOUND)
    elif not can(user, VIEW_REPORTS):
        raise Forbidden(NOT_ALLOWED)
    elif customer is None:
        raise NotFound(CUSTOMER_NOT_FOUND)
    chosen = None
    number = str(contract or "").strip()
    if number:
        chosen = ServiceContract.objects.filter(number=number[:40], customer=customer).first()
        if chosen is None:
            raise NotFound(CONTRACT_NOT_FOUND, field="contract")
    return customer, chosen


# --- the figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class PartRow:
    at: dt.datetime
    part_number: str
    name: str
    quantity: int
    serial: str
    source: str  # "rma", "appointment" or "repair"
    reference: str  # the RMA, appointment or repair order
    case_number: str


@dataclass(frozen=True, slots=True)
class CaseRow:
    """What the summary reads of one case: a row, not a model (thousands are read at once)."""

    pk: int
    number: str
    title: str
    priority: str
    status: str
    is_major: bool
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    merged_into: str  # the number of the case it was merged into; "" when none
    product_model: str  # the model's name; "" when none
    case_type: str  # the type's code; "" when none
    case_type_name: str

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass
class CustomerSummary:
    kind: str  # QUARTERLY or YEARLY
    customer: Customer
    contract: ServiceContract | None
    period: Period
    cases: list[CaseRow]  # the period's cases, oldest first
    compliance: dict[str, Compliance]
    inspections: dict[str, int]
    parts: list[PartRow]
    penalties: list[PenaltyStatement] | None  # None: not shown to this reader
    recommendations: list[str] = field(default_factory=list)
    # case id → its missed (breached) promises, for the cases of the period that have any
    missed_by_case: dict[int, int] = field(default_factory=dict)

    @property
    def open_cases(self) -> int:
        return sum(1 for case in self.cases if case.is_open)

    @property
    def resolved_cases(self) -> int:
        return sum(1 for case in self.cases if case.resolved_at is not None)

    @property
    def payable(self) -> Decimal:
        return sum((s.payable_total for s in self.penalties or []), Decimal("0.00"))


def period_cases(customer: Customer, period: Period, contract: Any = None) -> QuerySet[Case]:
    """The customer's cases opened in the period: the console list's rows, oldest first."""
    qs = Case.objects.filter(
        customer_id=customer.pk, created_at__gte=period.since, created_at__lt=period.until
    )
    if contract is not None:
        qs = qs.filter(contract_id=contract.pk)
    return qs.order_by("created_at", "id")


def case_rows(customer: Customer, period: Period, contract: Any = None) -> list[CaseRow]:
    """The period's cases as rows, oldest first: one query however many there are."""
    rows = period_cases(customer, period, contract).values_list(
        "pk",
        "number",
        "title",
        "priority",
        "status",
        "is_major",
        "created_at",
        "resolved_at",
        "closed_at",
        "merged_into__number",
        "product_model__name",
        "case_type__code",
        "case_type__name",
    )
    return [CaseRow(*row[:9], *(value or "" for value in row[9:])) for row in rows]


def missed_by_case(customer: Customer, period: Period, contract: Any = None) -> dict[int, int]:
    """{case id: missed promises} for the period's cases with any (breached, whenever)."""
    rows = (
        Promise.objects.filter(
            subject_kind="case",
            subject_id__in=period_cases(customer, period, contract).order_by().values("pk"),
            breached_at__isnull=False,
        )
        .order_by()
        .values("subject_id")
        .annotate(n=Count("pk"))
    )
    return {row["subject_id"]: row["n"] for row in rows}


def parts_replaced(customer: Customer, period: Period, contract: Any = None) -> list[PartRow]:
    """Stock issued in the period for the customer's RMAs, onsite jobs and repair orders."""
    rmas = Rma.objects.filter(customer_id=customer.pk)
    jobs = Appointment.objects.filter(customer_id=customer.pk)
    repairs = RepairOrder.objects.filter(customer_id=customer.pk)
    if contract is not None:
        rmas = rmas.filter(case__contract_id=contract.pk)
        jobs = jobs.filter(case__contract_id=contract.pk)
        repairs = repairs.filter(case__contract_id=contract.pk)
    moves = list(
        StockMove.objects.filter(kind=MoveKind.ISSUE, at__gte=period.since, at__lt=period.until)
        .filter(
            Q(ref_kind="rma", ref_id__in=rmas.values("pk"))
            | Q(ref_kind="appointment", ref_id__in=jobs.values("pk"))
            | Q(ref_kind="repair", ref_id__in=repairs.values("pk"))
        )
        .annotate(quantity=F("on_hand_delta") * -1)
        .select_related("part")
        .order_by("at", "id")
    )
    wanted: dict[str, set[int]] = {"rma": set(), "appointment": set(), "repair": set()}
    for move in moves:
        wanted[move.ref_kind].add(move.ref_id)
    labels: dict[tuple[str, int], tuple[str, str]] = {}
    for rma in Rma.objects.filter(pk__in=wanted["rma"]).select_related("case"):
        labels["rma", rma.pk] = (rma.number, rma.case.number if rma.case_id else "")
    for job in Appointment.objects.filter(pk__in=wanted["appointment"]).select_related("case"):
        labels["appointment", job.pk] = (f"#{job.pk}", job.case.number if job.case_id else "")
    for order in RepairOrder.objects.filter(pk__in=wanted["repair"]).select_related("case"):
        labels["repair", order.pk] = (order.number, order.case.number)
    return [
        PartRow(
            at=move.at,
            part_number=move.part.part_number,
            name=move.part.name,
            quantity=move.quantity,
            serial=move.serial,
            source=move.ref_kind,
            reference=labels[move.ref_kind, move.ref_id][0],
            case_number=labels[move.ref_kind, move.ref_id][1],
        )
        for move in moves
    ]


def _contracts(customer: Customer, contract: Any) -> list[ServiceContract]:
    if contract is not None:
        return [contract]
    return list(ServiceContract.objects.filter(customer=customer).order_by("number"))


target_label = any_target_label


def recommendations(summary: CustomerSummary) -> list[str]:
    """Rule-based advice from the figures, most pressing first; one sentence when all is well."""
    advice: list[str] = []
    for target, figures in summary.compliance.items():
        if figures.missed:
            advice.append(
                _(
                    "%(missed)s of %(decided)s %(target)s promises were missed: review staffing "
                    "and the escalation ladder for this target."
                )
                % {
                    "missed": figures.missed,
                    "decided": figures.decided,
                    "target": target_label(target),
                }
            )
    if summary.inspections.get("missed"):
        advice.append(
            _("%(missed)s inspection visits were not done on time: reschedule them now.")
            % {"missed": summary.inspections["missed"]}
        )
    faults = Counter(
        case.product_model
        for case in summary.cases
        if case.product_model and case.case_type == FAULT_TYPE and not case.merged_into
    )
    for model, count in sorted(faults.items(), key=lambda kv: (-kv[1], kv[0])):
        if count >= REPEATED_FAULTS:
            advice.append(
                _(
                    "%(model)s had %(count)s faults in this period: plan a preventive check or "
                    "replacement of this model."
                )
                % {"model": model, "count": count}
            )
    if summary.open_cases:
        advice.append(
            _("%(count)s cases opened in this period are still open: follow them up.")
            % {"count": summary.open_cases}
        )
    if summary.penalties and summary.payable:
        advice.append(
            _("Penalties of CNY %(amount)s are payable: agree the statement with the customer.")
            % {"amount": summary.payable}
        )
    return advice or [_("Every promise of the period was kept: no action is needed.")]


def customer_summary(
    *,
    customer: Customer,
    period: Period,
    kind: str = QUARTERLY,
    contract: ServiceContract | None = None,
    with_penalties: bool = True,
    now: dt.datetime | None = None,
) -> CustomerSummary:
    """The figures of one customer's (or one contract's) maintenance summary for the period."""
    now = now or timezone.now()
    f = period.report_filter(
        customer=customer.code, contract=contract.number if contract is not None else ""
    )
    inspections = visit_compliance(
        start=period.since,
        end=period.until,
        contract_id=contract.pk if contract is not None else None,
        customer_id=customer.pk,
        by="customer",
        now=now,
    ).get(customer.pk, {"due": 0, "done": 0, "missed": 0, "open": 0})
    penalties = None
    if with_penalties:
        penalties = [
            penalty_statement(contract=c, start=period.start, end=period.end, now=now)
            for c in _contracts(customer, contract)
        ]
    summary = CustomerSummary(
        kind=kind,
        customer=customer,
        contract=contract,
        period=period,
        cases=case_rows(customer, period, contract),
        compliance=compliance_by(filters.promises(f), f, "target"),
        inspections=inspections,
        parts=parts_replaced(customer, period, contract),
        penalties=penalties,
        missed_by_case=missed_by_case(customer, period, contract),
    )
    summary.recommendations = recommendations(summary)
    return summary


def customer_report_file(
    *, user: Any, code: str, kind: str, period: str, fmt: str, contract: str = ""
) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the customer's quarterly or yearly summary.

    Access first (404/403 as customer_for_report), then the period and format (422).
    """
    customer, chosen = customer_for_report(user=user, code=code, contract=contract)
    parsed = parse_year(period) if kind == YEARLY else parse_quarter(period)
    fmt = parse_format(fmt)
    summary = customer_summary(
        customer=customer,
        period=parsed,
        kind=kind,
        contract=chosen,
        with_penalties=can(user, VIEW_PENALTIES),
    )
    return render_document(summary_document(summary), fmt)


# --- the document -------------------------------------------------------------------------


def local_text(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _status_labels() -> dict[str, str]:
    """Each status's label, translated once per document rather than once per case."""
    return {value: str(label) for value, label in Status.choices}


def _case_status(case: CaseRow, labels: dict[str, str]) -> str:
    status = labels.get(case.status, case.status)
    if case.merged_into:
        return _("%(status)s (merged into %(number)s)") % {
            "status": status,
            "number": case.merged_into,
        }
    return status


def _open_at_end(case: CaseRow, until: dt.datetime) -> bool:
    """Neither resolved nor closed before the period's end (whatever happened since)."""
    done = [moment for moment in (case.resolved_at, case.closed_at) if moment is not None]
    return not done or min(done) >= until


def importance(case: CaseRow, missed: dict[int, int]) -> tuple:
    """Sort key, most important first: major requests, missed promises, still open, newest."""
    return (
        not case.is_major,
        not missed.get(case.pk),
        not case.is_open,
        -case.created_at.timestamp(),
        -case.pk,
    )


def listed_cases(summary: CustomerSummary) -> list[CaseRow]:
    """The cases the printed copy lists: all of them in order when within CASE_LISTING_MAX,
    else the CASE_LISTING_MAX most important, most important first."""
    if len(summary.cases) <= CASE_LISTING_MAX:
        return summary.cases
    ranked = sorted(summary.cases, key=lambda case: importance(case, summary.missed_by_case))
    return ranked[:CASE_LISTING_MAX]


def _case_section(summary: CustomerSummary) -> Section:
    labels, missed = _status_labels(), summary.missed_by_case
    tz = timezone.get_current_timezone()  # read once: thousands of rows

    def local(moment: dt.datetime | None) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""

    def row(case: CaseRow) -> list[Any]:
        return [
            case.number,
            case.title,
            case.priority,
            local(case.created_at),
            local(case.resolved_at),
            _case_status(case, labels),
            missed.get(case.pk, 0),
        ]

    total = len(summary.cases)
    listed = listed_cases(summary)
    note = ""
    if len(listed) < total:
        note = LISTING_CAPPED % {
            "listed": len(listed),
            "total": total,
            "more": total - len(listed),
        }
    return Section(
        "cases",
        _("Cases"),
        [
            _("Case number"),
            _("Title"),
            _("Priority"),
            _("Opened"),
            _("Resolved"),
            _("Status"),
            _("Missed promises"),
        ],
        [row(case) for case in summary.cases],
        empty=_("No case was opened in this period."),
        totals=[
            _("Total"),
            total,
            "",
            "",
            summary.resolved_cases,
            "",
            sum(missed.values()),
        ],
        print_rows=None if listed is summary.cases else [row(case) for case in listed],
        print_note=note,
        print_widths=[13, 31, 6, 13, 13, 15, 9],
    )


def _facts(summary: CustomerSummary) -> dict[int, tuple[int, ...]]:
    """Per case, once: (opened, resolved, open at the period's end, still open, missed)."""
    until, missed = summary.period.until, summary.missed_by_case
    return {
        case.pk: (
            1,
            case.resolved_at is not None,
            _open_at_end(case, until),
            case.is_open,
            bool(missed.get(case.pk)),
        )
        for case in summary.cases
    }


def _breakdown(
    facts: dict[int, tuple[int, ...]],
    key: str,
    title: str,
    header: str,
    groups: Iterable[tuple[str, list[CaseRow]]],
) -> Section:
    """One row per group: opened, resolved, open at the period's end, still open, missed."""

    def figures(cases: Iterable[CaseRow]) -> list[Any]:
        return [sum(column) for column in zip(*(facts[case.pk] for case in cases), strict=True)]

    rows = [[label, *figures(cases)] for label, cases in groups if cases]
    totals = [sum(column) for column in zip(*facts.values(), strict=True)]
    return Section(
        key,
        title,
        [
            header,
            _("Cases opened"),
            _("Cases resolved"),
            _("Open at period end"),
            _("Cases still open"),
            _("With a missed promise"),
        ],
        rows,
        empty=_("No case was opened in this period."),
        totals=[_("Total"), *totals] if rows else None,
    )


def _grouped(cases: list[CaseRow], key: Callable[[CaseRow], Any]) -> dict[Any, list[CaseRow]]:
    groups: dict[Any, list[CaseRow]] = defaultdict(list)
    for case in cases:
        groups[key(case)].append(case)
    return groups


def _breakdowns(summary: CustomerSummary) -> list[Section]:
    """The cases summarised by month, priority, type and product model."""
    cases, facts, tz = summary.cases, _facts(summary), timezone.get_current_timezone()
    by_month = _grouped(cases, lambda case: case.created_at.astimezone(tz).strftime("%Y-%m"))
    by_priority = _grouped(cases, lambda case: case.priority)
    by_type = _grouped(cases, lambda case: case.case_type_name)
    by_model = _grouped(cases, lambda case: case.product_model)
    priorities = {value: str(label) for value, label in Priority.choices}
    no_type, no_model = _("No type"), _("No product model")
    models = sorted(
        ((name, group) for name, group in by_model.items() if name),
        key=lambda kv: (-len(kv[1]), kv[0]),
    )
    model_rows = models[:MODELS_LISTED]
    others = [case for _name, group in models[MODELS_LISTED:] for case in group]
    model_rows += [(_("Other models"), others), (no_model, by_model.get("", []))]
    return [
        _breakdown(
            facts,
            "by_month",
            _("Cases by month"),
            _("Month"),
            sorted(by_month.items()),
        ),
        _breakdown(
            facts,
            "by_priority",
            _("Cases by priority"),
            _("Priority"),
            [(priorities.get(p, p), by_priority[p]) for p in sorted(by_priority)],
        ),
        _breakdown(
            facts,
            "by_type",
            _("Cases by type"),
            _("Type"),
            sorted(
                ((name or no_type, group) for name, group in by_type.items()),
                key=lambda kv: (-len(kv[1]), kv[0]),
            ),
        ),
        _breakdown(facts, "by_model", _("Cases by product model"), _("Product model"), model_rows),
    ]


def summary_document(summary: CustomerSummary) -> Document:
    """The summary as a document of sections (PDF or XLSX): the cases summarised, the promise,
    inspection, parts and penalty figures, the recommendations, then the case listing (capped
    in the PDF at CASE_LISTING_MAX, every case in the XLSX)."""
    yearly = summary.kind == YEARLY
    title = "客户维护年度总结报告" if yearly else "客户维护季度总结报告"
    subtitle = _("Yearly maintenance summary") if yearly else _("Quarterly maintenance summary")
    customer, period = summary.customer, summary.period
    meta = [
        (_("Customer"), f"{customer.name} ({customer.code})"),
        (_("Contract"), summary.contract.number if summary.contract else _("All contracts")),
        (
            pgettext("report column", "Period"),
            f"{period.key}: {period.start.isoformat()} – {period.end.isoformat()}",
        ),
        (_("Cases opened"), str(len(summary.cases))),
        (_("Cases resolved"), str(summary.resolved_cases)),
        (_("Cases still open"), str(summary.open_cases)),
    ]
    sections = [
        *_breakdowns(summary),
        _compliance_section(summary.compliance),
        _inspection_section(summary.inspections),
        _parts_section(summary.parts),
    ]
    if summary.penalties is not None:
        sections.append(_penalty_section(summary.penalties))
    sections.append(
        Section(
            "recommendations",
            _("Recommendations"),
            [_("Recommendation")],
            [[text] for text in summary.recommendations],
        )
    )
    sections.append(_case_section(summary))
    stem = f"{summary.kind}-{customer.code}-{period.key}"
    if summary.contract:
        stem += f"-{summary.contract.number}"
    return Document(title, subtitle, meta, sections, stem)


def _compliance_section(compliance: dict[str, Compliance]) -> Section:
    rows: list[list[Any]] = [
        [target_label(t), c.met, c.missed, c.decided, c.ratio] for t, c in compliance.items()
    ]
    met = sum(c.met for c in compliance.values())
    missed = sum(c.missed for c in compliance.values())
    total = Compliance(met, missed)
    return Section(
        "compliance",
        _("Promise compliance"),
        [
            _("Target"),
            pgettext("report column", "Met"),
            pgettext("report column", "Missed"),
            pgettext("report column", "Decided"),
            _("Compliance"),
        ],
        rows,
        empty=_("No promise was due in this period."),
        totals=[_("Total"), met, missed, total.decided, total.ratio],
    )


def _inspection_section(figures: dict[str, int]) -> Section:
    return Section(
        "inspections",
        _("Inspections"),
        [
            pgettext("report column", "Due"),
            _("Done on time"),
            pgettext("report column", "Missed"),
            _("Not yet due"),
        ],
        [[figures["due"], figures["done"], figures["missed"], figures["open"]]],
    )


def _parts_section(parts: list[PartRow]) -> Section:
    sources = {"rma": _("RMA"), "appointment": _("Onsite job"), "repair": _("Repair order")}
    return Section(
        "parts",
        _("Parts replaced"),
        [
            _("Date"),
            _("Part number"),
            pgettext("report column", "Part"),
            _("Quantity"),
            _("Serial number"),
            pgettext("report column", "Source"),
            _("Reference"),
            _("Case number"),
        ],
        [
            [
                local_text(p.at),
                p.part_number,
                p.name,
                p.quantity,
                p.serial,
                sources.get(p.source, p.source),
                p.reference,
                p.case_number,
            ]
            for p in parts
        ],
        empty=_("No part was replaced in this period."),
        totals=[_("Total"), "", "", sum(p.quantity for p in parts), "", "", "", ""],
    )


def _penalty_section(statements: list[PenaltyStatement]) -> Section:
    rows: list[list[Any]] = [
        [s.contract.number, len(s.lines), s.total, s.waived_total, s.payable_total]
        for s in statements
    ]
    return Section(
        "penalties",
        _("Penalties"),
        [_("Contract"), _("Missed promises"), _("Incurred"), _("Waived"), _("Payable")],
        rows,
        empty=_("No contract."),
        totals=[
            _("Total"),
            sum(len(s.lines) for s in statements),
            sum((s.total for s in statements), Decimal("0.00")),
            sum((s.waived_total for s in statements), Decimal("0.00")),
            sum((s.payable_total for s in statements), Decimal("0.00")),
        ],
    )
