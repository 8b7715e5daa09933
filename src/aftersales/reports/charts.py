"""The service dashboard's chart series, over the filter's period and dimensions.

Each chart is categories (the x axis, or the bars) and one or more named series of numbers;
the page draws it with ECharts and prints the same numbers as a table. Every series is one
grouped query (bucketed in the database), whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as When_
from django.db.models import Count, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.cases.models import OPEN_STATUSES, CaseType
from aftersales.core.errors import ApplicationError
from aftersales.feedback import survey_selectors
from aftersales.registry.models import ProductModel, Region, Vendor
from aftersales.reports import kpis
from aftersales.reports.filters import ReportFilter, cases, promises
from aftersales.reports.kpis import Compliance
from aftersales.sla.models import Target
from aftersales.sla.subjects import any_target_label

DAY = dt.timedelta(days=1)
# Histogram buckets of wall time (minutes): [0, 15), [15, 30), ... and 3 days or more.
BUCKETS = (15, 30, 60, 120, 240, 480, 1440, 4320)
GROUP_ROWS = 12  # bars per "cases by" chart; the rest add up in "Other"

TITLES = {
    "backlog": _("Backlog: open cases at the end of each day"),
    "compliance": _("Promise compliance per target, by week (%)"),
    "durations": _("Time to response, diagnosis and resolution (cases opened in the period)"),
    "by_type": _("Cases opened by type"),
    "by_product": _("Cases opened by product"),
    "by_vendor": _("Cases opened by vendor"),
    "by_region": _("Cases opened by region"),
    "csat": _("Customer satisfaction (CSAT %), by month"),
}
KINDS = {"backlog": "line", "compliance": "line", "durations": "bar", "csat": "line"}
SERIES_NAMES = {
    "open": _("Open cases"),
    "cases": _("Cases"),
    "response": _("Response"),
    "diagnosis": _("Diagnosis"),
    "resolution": _("Resolution"),
    "csat": _("CSAT %"),
}
OTHER = pgettext_lazy("chart", "Other")
NONE = pgettext_lazy("chart", "None")


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    data: list[float | int | None]


@dataclass(frozen=True)
class Chart:
    key: str
    categories: list[str]
    series: list[Series]

    @property
    def title(self) -> str:
        return str(TITLES[self.key])

    @property
    def kind(self) -> str:
        return KINDS.get(self.key, "bar")

    @property
    def rows(self) -> list[tuple[str, list[float | int | None]]]:
        """The table fallback: one row per category, one cell per series."""
        return [
            (category, [s.data[i] for s in self.series])
            for i, category in enumerate(self.categories)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "categories": self.categories,
            "series": [{"key": s.key, "name": s.name, "data": s.data} for s in self.series],
        }


def _name(key: str) -> str:
    return str(SERIES_NAMES.get(key, key))


def _days(f: ReportFilter) -> list[dt.date]:
    return [f.start + dt.timedelta(days=i) for i in range((f.end - f.start).days + 1)]


def _local_day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def finished_at() -> When_:
    """When a case stopped counting as open: its (latest) resolution, else its close; None
    while it is open (a reopened case counts as open from its creation: its earlier
    resolution is not kept)."""
    return When_(
        When(status__in=OPEN_STATUSES, then=Value(None)),
        default=Coalesce("resolved_at", "closed_at"),
    )


def backlog(f: ReportFilter, now: dt.datetime, open_now: int | None = None) -> Chart:
    """Open cases at the end of each day of the period (days after today: none).

    backlog(t) = open now − opened since t + finished since t: three grouped queries over
    the days from the period's start to now, instead of a count per day (two when the caller
    already counted the open cases under the same filter).
    """
    tz = timezone.get_current_timezone()
    qs = cases(f)
    if open_now is None:
        open_now = qs.filter(status__in=OPEN_STATUSES).count()
    opened = dict(
        qs.filter(created_at__gte=f.since)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by()
        .values_list("day")
        .annotate(n=Count("*"))
    )
    finished = dict(
        qs.exclude(status__in=OPEN_STATUSES)
        .annotate(done=Coalesce("resolved_at", "closed_at"))
        .filter(done__gte=f.since)
        .annotate(day=TruncDate("done", tzinfo=tz))
        .order_by()
        .values_list("day")
        .annotate(n=Count("*"))
    )
    opened = {_local_day(k): v for k, v in opened.items()}
    finished = {_local_day(k): v for k, v in finished.items()}
    today = timezone.localdate(now)
    data: list[float | int | None] = []
    for day in _days(f):
        if day > today:
            data.append(None)
            continue
        later_opened = sum(n for d, n in opened.items() if d > day)
        later_finished = sum(n for d, n in finished.items() if d > day)
        data.append(open_now - later_opened + later_finished)
    categories = [d.isoformat() for d in _days(f)]
    return Chart("backlog", categories, [Series("open", _name("open"), data)])


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def compliance_trend(f: ReportFilter) -> Chart:
    """Per target, met / decided (%) of the promises decided in each week (Monday first) of
    the period: a week's missed promises by their breach, met ones by their completion."""
    weeks: list[dt.date] = []
    week = _week_start(f.start)
    while week <= f.end:
        weeks.append(week)
        week += dt.timedelta(days=7)
    found = _compliance_by_week(f, weeks)
    by_target: dict[str, dict[dt.date, float | None]] = defaultdict(dict)
    for (moment, target), compliance in found.items():
        ratio = compliance.ratio
        by_target[target][_local_day(moment)] = None if ratio is None else round(ratio * 100, 1)
    series = [
        Series(target, _target_name(target), [values.get(w) for w in weeks])
        for target, values in sorted(by_target.items())
    ]
    return Chart("compliance", [w.isoformat() for w in weeks], series)


def _compliance_by_week(f: ReportFilter, weeks: list[dt.date]) -> dict[tuple[Any, str], Compliance]:
    """kpis.compliance_by(…, "week", "target") as two grouped queries, the met ones by their
    completion and the missed ones by their breach: each reads one covering partial index
    (sla.Promise Meta) instead of a bitmap OR over the table. A row's week is found by
    comparing its moment with the weeks' local midnights (computed here, in the zone), not
    by converting every row to local time."""
    tz = timezone.get_current_timezone()
    starts = [dt.datetime.combine(w, dt.time(), tz) for w in weeks[1:]]
    met, missed = kpis.decided_in(promises(f), f)
    counts: dict[tuple[Any, str], list[int]] = defaultdict(lambda: [0, 0])
    for i, (cond, moment) in enumerate(((met, "completed_at"), (missed, "breached_at"))):
        whens = [When(**{f"{moment}__lt": start}, then=Value(n)) for n, start in enumerate(starts)]
        week = When_(*whens, default=Value(len(starts)), output_field=IntegerField())
        rows = (
            promises(f)
            .filter(cond)
            .annotate(week=week)
            .order_by()
            .values_list("week", "target")
            .annotate(n=Count("*"))
        )
        for n, target, count in rows:
            counts[(weeks[n], target)][i] += count
    return {key: Compliance(met=m, missed=x) for key, (m, x) in counts.items()}


def _target_name(target: str) -> str:
    if target in Target.values:
        return str(Target(target).label)
    return any_target_label(target).replace("_", " ")


def bucket_labels() -> list[str]:
    def text(minutes: int) -> str:
        if minutes % 1440 == 0:
            return _("%(n)d d") % {"n": minutes // 1440}
        if minutes % 60 == 0:
            return _("%(n)d h") % {"n": minutes // 60}
        return _("%(n)d min") % {"n": minutes}

    bounds = (0, *BUCKETS)
    labels = [
        f"{text(lo) if lo else '0'}–{text(hi)}" for lo, hi in zip(bounds, BUCKETS, strict=False)
    ]
    return [*labels, f"≥ {text(BUCKETS[-1])}"]


def _bucket(column: str) -> When_:
    """The histogram bucket (0…len(BUCKETS)) of `column` − created_at; None when not there."""
    whens = [When(**{f"{column}__isnull": True}, then=Value(None))]
    whens += [
        When(**{f"{column}__lt": F("created_at") + dt.timedelta(minutes=hi)}, then=Value(i))
        for i, hi in enumerate(BUCKETS)
    ]
    return When_(*whens, default=Value(len(BUCKETS)), output_field=IntegerField())


DURATION_COLUMNS = {"response": "responded_at", "diagnosis": "diagnosed_at"}
DURATION_COLUMNS["resolution"] = "resolved_at"


def durations(f: ReportFilter) -> Chart:
    """How long cases opened in the period took to their first response, diagnosis and
    resolution (wall time), in buckets; cases not there yet are left out. One query grouped
    by the three buckets (at most a thousand groups), each row's bucket found once."""
    qs = cases(f).filter(created_at__gte=f.since, created_at__lt=f.until)
    buckets = {f"{key}_bucket": _bucket(column) for key, column in DURATION_COLUMNS.items()}
    rows = qs.annotate(**buckets).order_by().values_list(*buckets).annotate(n=Count("*"))
    data = {key: [0] * (len(BUCKETS) + 1) for key in DURATION_COLUMNS}
    for *found, n in rows:
        for key, bucket in zip(DURATION_COLUMNS, found, strict=True):
            if bucket is not None:
                data[key][bucket] += n
    series = [Series(key, _name(key), list(values)) for key, values in data.items()]
    return Chart("durations", bucket_labels(), series)


def _grouped(key: str, counts: dict[Any, int], labels: dict | None = None) -> Chart:
    """Most cases first, ties by value (empty values last, as PostgreSQL sorts them)."""
    rows = sorted(counts.items(), key=lambda r: (-r[1], r[0] is None, r[0] or ""))
    shown, rest = rows[:GROUP_ROWS], rows[GROUP_ROWS:]
    categories = [str((labels or {}).get(v, v)) if v else str(NONE) for v, _n in shown]
    data: list[float | int | None] = [n for _v, n in shown]
    if rest:
        categories.append(str(OTHER))
        data.append(sum(n for _v, n in rest))
    return Chart(key, categories, [Series("cases", _name("cases"), data)])


def cases_by(f: ReportFilter) -> list[Chart]:
    """Cases opened in the period by type, product model, vendor and customer region: one
    query grouped by the ids (a few hundred rows, hashed on integers), then summed per chart
    under each id's name (two ids of one name count as one bar, as grouping by name did)."""
    qs = cases(f).filter(created_at__gte=f.since, created_at__lt=f.until)
    rows = list(
        qs.order_by()
        .values_list("case_type_id", "product_model_id", "vendor_id", "customer__region")
        .annotate(n=Count("*"))
    )
    names = [
        _names(CaseType, {r[0] for r in rows}),
        _names(ProductModel, {r[1] for r in rows}),
        _names(Vendor, {r[2] for r in rows}),
        None,
    ]
    keys = ("by_type", "by_product", "by_vendor", "by_region")
    counts: dict[str, dict[Any, int]] = {key: defaultdict(int) for key in keys}
    for *values, n in rows:
        for key, value, named in zip(keys, values, names, strict=True):
            counts[key][named.get(value) if named is not None else value] += n
    regions = {r.value: r.label for r in Region}
    return [_grouped(key, counts[key], regions if key == "by_region" else None) for key in keys]


def _names(model: Any, ids: set[int | None]) -> dict[int | None, str]:
    return dict(
        model.objects.filter(pk__in=[i for i in ids if i is not None]).values_list("pk", "name")
    )


def _months(f: ReportFilter) -> list[str]:
    out, year, month = [], f.start.year, f.start.month
    while (year, month) <= (f.end.year, f.end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def csat_trend(user: Any, f: ReportFilter) -> Chart | None:
    """CSAT per month of the surveys answered in the period (feedback.survey_selectors), for
    those allowed to read survey results (None for anyone else). Surveys know the customer and
    the engineer of the filter, not its other dimensions."""
    filters = survey_selectors.ResultFilters(
        date_from=f.start, date_to=f.end, customer=f.customer, engineer=f.engineer
    )
    try:
        found = survey_selectors.survey_results(user=user, filters=filters, group="month")
    except ApplicationError:
        return None
    by_month = {g["key"]: g for g in found.get("groups", [])}
    months = _months(f)
    csat = [by_month[m]["csat"] if m in by_month else None for m in months]
    responses = [by_month[m]["responses"] if m in by_month else 0 for m in months]
    return Chart(
        "csat",
        months,
        [Series("csat", _name("csat"), csat), Series("responses", str(_("Responses")), responses)],
    )


def dashboard_charts(
    *, user: Any, f: ReportFilter, now: dt.datetime, open_now: int | None = None
) -> list[Chart]:
    """Every chart of the dashboard, in the page's order (`open_now`: the open cases under
    the filter, when the caller counted them already)."""
    charts = [backlog(f, now, open_now), compliance_trend(f), durations(f), *cases_by(f)]
    csat = csat_trend(user, f)
    if csat is not None:
        charts.append(csat)
    return charts
