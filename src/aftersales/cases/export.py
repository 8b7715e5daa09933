"""The case queue as CSV or XLSX: streamed in chunks, at most CASE_EXPORT_CAP rows.

The rows come from selectors.case_export (the list's own filters and access); this module only
turns them into cells, in the reader's language and time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice

from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from aftersales.cases.models import Case
from aftersales.cases.selectors import CASE_EXPORT_CAP
from aftersales.core.spreadsheets import FORMATS, safe_cell, spreadsheet_response
from aftersales.sla import selectors as sla_selectors

__all__ = ["FORMATS", "export_response", "rows"]
# Rows fetched per database round trip; the promises of each chunk are one more query.
CHUNK = 500
HEADER = (
    _("Number"),
    _("Title"),
    _("Customer code"),
    _("Customer"),
    _("Status"),
    _("Priority"),
    _("Case type"),
    _("Assignee"),
    _("Created at"),
    _("Next due promise"),
    _("Promise state"),
)
TRUNCATED = _("Only the first %(cap)s rows are exported: narrow the filter to see the rest.")
PROMISE_STATES = {
    "overdue": _("overdue"),
    "at_risk": _("at risk"),
    "on_time": _("on time"),
    "paused": _("paused"),
}
_cell = safe_cell


def _next_promise(views: list) -> tuple[dt.datetime | None, str]:
    """The running promise due first (or else the first paused one) and its state word."""
    # Only a running clock has both a due moment and time left; stopped and met ones have none.
    running = sorted((v for v in views if v.due and v.service_left is not None), key=_due)
    if running:
        view = running[0]
        state = "overdue" if view.overdue else "at_risk" if view.colour == "amber" else "on_time"
        return view.due, f"{view.label}: {PROMISE_STATES[state]}"
    paused = [v for v in views if v.state == "paused"]
    if paused:
        return None, f"{paused[0].label}: {PROMISE_STATES['paused']}"
    return None, ""


def _due(view) -> dt.datetime:
    return view.due


def _case_type_label(case: Case) -> str:
    if (translation.get_language() or "").startswith("en") and case.case_type.name_en:
        return case.case_type.name_en
    return case.case_type.name


def rows(qs: QuerySet[Case], *, tz: dt.tzinfo) -> Iterator[list]:
    """The header, then one list of cells per case (datetimes naive in `tz`), then a note
    when the cap cut the export short."""
    yield [str(h) for h in HEADER]
    cases = qs.iterator(chunk_size=CHUNK)
    sent = 0
    while chunk := list(islice(cases, CHUNK)):
        now = timezone.now()
        views = sla_selectors.promise_views_for("case", [c.pk for c in chunk], now)
        for case in chunk:
            if sent == CASE_EXPORT_CAP:
                yield [str(TRUNCATED % {"cap": f"{CASE_EXPORT_CAP:,}"})]
                return
            sent += 1
            due, state = _next_promise(views.get(case.pk, []))
            yield [
                case.number,
                _cell(case.title),
                case.customer.code,
                _cell(case.customer.name),
                str(case.get_status_display()),
                case.priority,
                _case_type_label(case),
                _cell(str(case.assignee)) if case.assignee_id else "",
                _local(case.created_at, tz),
                _local(due, tz),
                state,
            ]


def _local(moment: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    # openpyxl refuses aware datetimes; both formats show the reader's wall clock.
    return timezone.localtime(moment, tz).replace(tzinfo=None) if moment else None


def export_response(qs: QuerySet[Case], *, fmt: str, filename: str) -> HttpResponseBase:
    """Stream `qs` as `fmt` ("csv" or "xlsx") in the current language and time zone."""
    cells = rows(qs, tz=timezone.get_current_timezone())
    response = spreadsheet_response(cells, fmt=fmt, filename=filename)
    response["X-Export-Cap"] = str(CASE_EXPORT_CAP)
    return response
