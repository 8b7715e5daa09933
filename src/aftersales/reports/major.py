"""The monthly major-request report (重大请求月报): the major requests opened in a month, their
written approvals (《重大请求审批表》), causes, and technical vs business classification.

Classification (from the case type, a configuration row every case has): a request whose type
is fault, installation, upgrade or inspection is a technical problem (something is wrong with,
or done to, the system); any other type (data recovery, consultation, complaint, other) is a
business problem (the customer's business asks for a change of its results or data).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.cases.models import Case, MajorApproval
from aftersales.core.errors import Forbidden, Invalid, NotFound
from aftersales.reports.quarterly import FIRST_YEAR, LAST_YEAR, VIEW_REPORTS, Period, local_text
from aftersales.reports.rendering import Document, Section, parse_format, render_document

BAD_MONTH = gettext_lazy("Give the month as YYYY-MM, e.g. 2026-03.")
NOT_FOUND = gettext_lazy("Not found.")
TECHNICAL, BUSINESS = "technical", "business"
TECHNICAL_TYPES = frozenset({"fault", "installation", "upgrade", "inspection"})
CAUSE_MAX = 300

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(raw: Any) -> Period:
    """ "2026-03" → 2026-03-01..2026-03-31; anything else is Invalid naming "month"."""
    match = _MONTH.match(str(raw or "").strip())
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR or not 1 <= int(match[2]) <= 12:
        raise Invalid(BAD_MONTH, field="month", loc="query")
    year, month = int(match[1]), int(match[2])
    start = dt.date(year, month, 1)
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return Period(f"{year}-{month:02d}", start, following - dt.timedelta(days=1))


def require_report_reader(user: Any) -> None:
    """Staff with reports.view_reports; other staff 403, contacts 404."""
    if not is_staff_member(user):
        raise NotFound(NOT_FOUND)
    if not can(user, VIEW_REPORTS):
        raise Forbidden(NOT_ALLOWED)


def classify(case: Case) -> str:
    """TECHNICAL for a fault, installation, upgrade or inspection; BUSINESS otherwise."""
    code = case.case_type.code if case.case_type_id else ""
    return TECHNICAL if code in TECHNICAL_TYPES else BUSINESS


def cause_of(case: Case) -> str:
    """What caused the request, as recorded: the fault symptom, else the description."""
    text = (case.fault_symptom or case.description or "").strip()
    return text[:CAUSE_MAX]


@dataclass
class MajorRow:
    case: Case
    approvals: list[MajorApproval]
    classification: str
    cause: str

    @property
    def decision(self) -> str:
        """The last recorded decision ("approved"/"refused"), "" while none is recorded."""
        return self.approvals[-1].decision if self.approvals else ""


@dataclass
class MajorReport:
    period: Period
    rows: list[MajorRow]

    def count(self, **match: str) -> int:
        return sum(1 for row in self.rows if all(getattr(row, k) == v for k, v in match.items()))

    @property
    def by_decision(self) -> Counter:
        return Counter(row.decision for row in self.rows)


def major_report(*, period: Period) -> MajorReport:
    """Major requests opened in the month (merged duplicates left out), oldest first."""
    cases = (
        Case.objects.filter(
            is_major=True,
            merged_into__isnull=True,
            created_at__gte=period.since,
            created_at__lt=period.until,
        )
        .select_related("customer", "case_type", "assignee")
        .prefetch_related(
            Prefetch("approvals", queryset=MajorApproval.objects.order_by("recorded_at", "id"))
        )
        .order_by("created_at", "id")
    )
    rows = [MajorRow(c, list(c.approvals.all()), classify(c), cause_of(c)) for c in cases]
    return MajorReport(period, rows)


def major_report_file(*, user: Any, month: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the month's report; access first, then 422s."""
    require_report_reader(user)
    period, fmt = parse_month(month), parse_format(fmt)
    return render_document(major_document(major_report(period=period)), fmt)


def major_document(report: MajorReport) -> Document:
    labels = {TECHNICAL: _("Technical problem"), BUSINESS: _("Business problem")}
    decisions = {"approved": _("Approved"), "refused": _("Refused"), "": _("Not yet decided")}
    period = report.period
    meta = [
        (_("Month"), f"{period.key}: {period.start.isoformat()} – {period.end.isoformat()}"),
        (_("Major requests"), str(len(report.rows))),
        (_("Approved"), str(report.by_decision["approved"])),
        (_("Refused"), str(report.by_decision["refused"])),
        (_("Not yet decided"), str(report.by_decision[""])),
        (_("Technical problems"), str(report.count(classification=TECHNICAL))),
        (_("Business problems"), str(report.count(classification=BUSINESS))),
    ]
    requests = Section(
        "requests",
        _("Major requests"),
        [
            _("Case number"),
            _("Title"),
            _("Customer"),
            _("Case type"),
            _("Classification"),
            _("Opened"),
            _("Status"),
            _("Decision"),
            _("Cause"),
            _("Solution"),
        ],
        [
            [
                row.case.number,
                row.case.title,
                row.case.customer.name,
                str(row.case.case_type) if row.case.case_type_id else "",
                labels[row.classification],
                local_text(row.case.created_at),
                str(row.case.get_status_display()),
                decisions.get(row.decision, row.decision),
                row.cause,
                row.case.resolution[:CAUSE_MAX],
            ]
            for row in report.rows
        ],
        empty=_("No major request was opened this month."),
    )
    approvals = Section(
        "approvals",
        _("Approvals"),
        [_("Case number"), _("Approver"), _("Decision"), _("Decided on"), _("Note")],
        [
            [
                row.case.number,
                approval.approver,
                decisions.get(approval.decision, approval.decision),
                approval.decided_on.isoformat(),
                approval.note[:CAUSE_MAX],
            ]
            for row in report.rows
            for approval in row.approvals
        ],
        empty=_("No approval was recorded."),
    )
    return Document(
        "重大请求月报",
        _("Monthly major-request report"),
        meta,
        [requests, approvals],
        f"major-requests-{period.key}",
    )
