"""The weekly engineer report (工程师周报): what one engineer did in one ISO week, read from the
timeline (core.Activity) and the work log.

- activities: every timeline row the engineer wrote in the week (any subject kind), in order;
- handled cases: the cases among those rows, plus cases assigned to the engineer in the week
  (the seat wrote that row, naming the engineer in data["to"]);
- resolved: cases with a "resolved" row by the engineer in the week;
- time: work-log minutes on days of the week, voided entries left out (cases.worklog).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.accounts.models import User
from aftersales.cases.models import ActivityKind, Case, WorkLog
from aftersales.cases.worklog import minutes_by_user
from aftersales.core.errors import Forbidden, Invalid, NotFound
from aftersales.core.models import Activity
from aftersales.core.timeline import kind_label
from aftersales.reports.quarterly import FIRST_YEAR, LAST_YEAR, VIEW_REPORTS, Period, local_text
from aftersales.reports.rendering import Document, Section, parse_format, render_document

BAD_WEEK = gettext_lazy("Give the week as YYYY-Www, e.g. 2026-W07.")
ENGINEER_NOT_FOUND = gettext_lazy("No such engineer.")
CASE = "case"

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(raw: Any) -> Period:
    """ "2026-W07" → its Monday..Sunday (ISO 8601 weeks); else Invalid naming "week"."""
    match = _WEEK.match(str(raw or "").strip().upper())
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise Invalid(BAD_WEEK, field="week", loc="query")
    try:
        monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise Invalid(BAD_WEEK, field="week", loc="query") from None
    return Period(f"{match[1]}-W{match[2]}", monday, monday + dt.timedelta(days=6))


def engineer_for_report(*, user: Any, username: str) -> User:
    """The engineer whose week the user may read: themselves, or anyone with view_reports.

    Contacts and unknown usernames get 404; other staff 403.
    """
    if not is_staff_member(user):
        raise NotFound(ENGINEER_NOT_FOUND)
    name = str(username or "").strip()[:150]
    if name != user.get_username() and not can(user, VIEW_REPORTS):
        raise Forbidden(NOT_ALLOWED)
    engineer = User.objects.filter(username=name).first()
    if engineer is None or not is_staff_member(engineer):
        raise NotFound(ENGINEER_NOT_FOUND)
    return engineer


@dataclass
class HandledCase:
    case: Case
    actions: int  # timeline rows by the engineer on it this week
    assigned: bool  # assigned to the engineer this week
    resolved: bool  # resolved by the engineer this week
    minutes: int  # work logged on it on days of this week


@dataclass
class WeeklyReport:
    engineer: User
    period: Period
    activities: list[Activity]
    cases: list[HandledCase]
    minutes: int

    @property
    def resolved(self) -> int:
        return sum(1 for c in self.cases if c.resolved)

    @property
    def assigned(self) -> int:
        return sum(1 for c in self.cases if c.assigned)


def weekly_report(*, engineer: User, period: Period) -> WeeklyReport:
    """The engineer's week: their timeline rows, the cases they handled, the time they logged."""
    in_week = Q(at__gte=period.since, at__lt=period.until)
    activities = list(Activity.objects.filter(in_week, actor=engineer).order_by("at", "id"))
    assigned_ids = set(
        Activity.objects.filter(
            in_week,
            subject_kind=CASE,
            kind=ActivityKind.ASSIGNED,
            data__to=engineer.get_username(),
        ).values_list("subject_id", flat=True)
    )
    actions: dict[int, int] = defaultdict(int)
    resolved_ids: set[int] = set()
    for row in activities:
        if row.subject_kind == CASE:
            actions[row.subject_id] += 1
            if row.kind == ActivityKind.RESOLVED:
                resolved_ids.add(row.subject_id)
    after = period.end + dt.timedelta(days=1)
    logged = dict(
        WorkLog.objects.filter(
            user=engineer,
            worked_on__gte=period.start,
            worked_on__lt=after,
            voided_at__isnull=True,
        )
        .values_list("case_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    ids = set(actions) | assigned_ids | set(logged)
    cases = Case.objects.filter(pk__in=ids).select_related("customer").order_by("number")
    handled = [
        HandledCase(
            case=case,
            actions=actions.get(case.pk, 0),
            assigned=case.pk in assigned_ids,
            resolved=case.pk in resolved_ids,
            minutes=logged.get(case.pk, 0),
        )
        for case in cases
    ]
    minutes = minutes_by_user(start=period.start, end=after).get(engineer.pk, 0)
    return WeeklyReport(engineer, period, activities, handled, minutes)


def weekly_report_file(*, user: Any, username: str, week: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the engineer's week; access first, then 422s."""
    engineer = engineer_for_report(user=user, username=username)
    period, fmt = parse_week(week), parse_format(fmt)
    return render_document(weekly_document(weekly_report(engineer=engineer, period=period)), fmt)


def _subject_text(row: Activity, numbers: dict[int, str]) -> str:
    if row.subject_kind == CASE and row.subject_id in numbers:
        return numbers[row.subject_id]
    return f"{row.subject_kind} #{row.subject_id}"


def weekly_document(report: WeeklyReport) -> Document:
    engineer, period = report.engineer, report.period
    name = engineer.get_full_name() or engineer.get_username()
    numbers = dict(
        Case.objects.filter(
            pk__in={a.subject_id for a in report.activities if a.subject_kind == CASE}
        ).values_list("pk", "number")
    )
    meta = [
        (_("Engineer"), f"{name} ({engineer.get_username()})"),
        (
            pgettext("period", "Week"),
            f"{period.key}: {period.start.isoformat()} – {period.end.isoformat()}",
        ),
        (_("Cases handled"), str(len(report.cases))),
        (_("Cases assigned"), str(report.assigned)),
        (_("Cases resolved"), str(report.resolved)),
        (_("Time logged (minutes)"), str(report.minutes)),
        (_("Activities"), str(len(report.activities))),
    ]
    cases = Section(
        "cases",
        _("Cases handled"),
        [
            _("Case number"),
            _("Title"),
            _("Customer"),
            _("Priority"),
            _("Status"),
            _("Actions"),
            _("Assigned this week"),
            _("Resolved this week"),
            _("Minutes logged"),
        ],
        [
            [
                h.case.number,
                h.case.title,
                h.case.customer.name,
                h.case.priority,
                str(h.case.get_status_display()),
                h.actions,
                pgettext("report column", "yes") if h.assigned else "",
                pgettext("report column", "yes") if h.resolved else "",
                h.minutes,
            ]
            for h in report.cases
        ],
        empty=_("No case was handled this week."),
        totals=[
            _("Total"),
            len(report.cases),
            "",
            "",
            "",
            sum(h.actions for h in report.cases),
            report.assigned,
            report.resolved,
            sum(h.minutes for h in report.cases),
        ],
    )
    activities = Section(
        "activities",
        _("Activities"),
        [
            pgettext("report column", "At"),
            pgettext("report column", "Subject"),
            _("Action"),
            pgettext("report column", "Text"),
        ],
        [
            [
                local_text(row.at),
                _subject_text(row, numbers),
                str(kind_label(row.subject_kind, row.kind)),
                row.text[:300],
            ]
            for row in report.activities
        ],
        empty=_("No activity this week."),
    )
    stem = f"weekly-{engineer.get_username()}-{period.key}"
    return Document("工程师周报", _("Weekly engineer report"), meta, [cases, activities], stem)
