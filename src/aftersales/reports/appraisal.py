"""The engineer appraisal (考核): per engineer and week (or any period), read from the case
timeline, the work log, the surveys and the promises; per-team totals make teams comparable.

Definitions (docs/kpis.md, "Appraisal"):
- handled: distinct cases on whose timeline the engineer wrote a row in the period;
- resolved: distinct cases the engineer resolved (a "resolved" row by them) in the period;
- resolution rate: resolved / handled;
- minutes: work log minutes on days in the period, voided entries left out;
- satisfaction: CSAT (overall rating 4–5, %) of the surveys answered in the period that rate
  the engineer;
- breaches: case promises breached in the period on cases the engineer is assigned to now.
Engineers see only their own row unless they hold reports.view_appraisal; contacts see nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member
from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases.models import ActivityKind, Case
from aftersales.cases.worklog import minutes_by_user
from aftersales.core.errors import Invalid, NotFound
from aftersales.core.models import Activity
from aftersales.feedback.models import Dimension, QuestionKind, SurveyAnswer
from aftersales.registry.models import Engineer
from aftersales.reports.filters import ReportFilter, parse_filter
from aftersales.sla.models import Promise

VIEW_APPRAISAL = "reports.view_appraisal"
BAD_WEEK = _("Give the week as YYYY-Www, e.g. 2026-W05.")
NOT_FOUND = _("Not found.")
WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
APPRAISED_ROLES = (Role.ENGINEER, Role.EXPERT)


@dataclass
class Row:
    """One engineer's (or one team's) figures; satisfied/rated carry the CSAT's counts so
    teams add up exactly."""

    username: str
    name: str
    team: str
    handled: int = 0
    resolved: int = 0
    minutes: int = 0
    breaches: int = 0
    satisfied: int = 0
    rated: int = 0

    @property
    def resolution_rate(self) -> float | None:
        return round(self.resolved / self.handled, 4) if self.handled else None

    @property
    def satisfaction(self) -> float | None:
        return round(self.satisfied * 100 / self.rated, 1) if self.rated else None

    def add(self, other: Row) -> None:
        for name in ("handled", "resolved", "minutes", "breaches", "satisfied", "rated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Appraisal:
    start: dt.date
    end: dt.date
    week: str  # "2026-W05" when the period is one ISO week, else ""
    rows: list[Row] = field(default_factory=list)
    teams: list[Row] = field(default_factory=list)  # per-team totals (empty for one's own row)


def parse_week(value: str) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of ISO week "YYYY-Www"; anything else is Invalid naming "week"."""
    found = WEEK.match(value.strip())
    if not found:
        raise Invalid(BAD_WEEK, field="week", loc="query")
    try:
        monday = dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise Invalid(BAD_WEEK, field="week", loc="query") from None
    return monday, monday + dt.timedelta(days=6)


def week_of(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def period_of(raw: Mapping[str, Any], today: dt.date) -> ReportFilter:
    """The period: `week`, else `from`/`to`, else this ISO week; plus `team` and `engineer`."""
    week = str(raw.get("week") or "").strip()
    if week:
        start, end = parse_week(week)
        raw = {**raw, "from": start.isoformat(), "to": end.isoformat()}
    elif not raw.get("from") and not raw.get("to"):
        monday = today - dt.timedelta(days=today.weekday())
        raw = {**raw, "from": monday.isoformat(), "to": (monday + dt.timedelta(6)).isoformat()}
    wanted = parse_filter(raw, today=today)
    return ReportFilter(
        start=wanted.start, end=wanted.end, team=wanted.team, engineer=wanted.engineer
    )


def _people(f: ReportFilter, ids: set[int]) -> dict[int, Row]:
    """The appraised: engineers and experts, and anyone with a figure in the period."""
    if f.engineer:  # named: their row even when empty
        users = User.objects.filter(username=f.engineer)
    else:
        users = User.objects.filter(
            Q(pk__in=ids) | Q(groups__name__in=APPRAISED_ROLES, is_active=True)
        ).distinct()
    if f.team:
        users = users.filter(engineer__team=f.team)
    profiles = dict(Engineer.objects.filter(user__in=users).values_list("user_id", "team"))
    return {
        user.pk: Row(user.username, str(user), profiles.get(user.pk, ""))
        for user in users.order_by("username")
    }


def appraisal(f: ReportFilter) -> Appraisal:
    """Everyone's figures for the period (team and engineer of `f` narrow the rows). Five
    grouped reads plus the people and their teams (seven queries) whatever the number of
    engineers."""
    since, until = f.since, f.until
    in_period = Q(at__gte=since, at__lt=until)
    timeline = Activity.objects.filter(in_period, subject_kind="case", actor__isnull=False)
    handled = dict(
        timeline.order_by()
        .values("actor_id")
        .annotate(n=Count("subject_id", distinct=True))
        .values_list("actor_id", "n")
    )
    resolved = dict(
        timeline.filter(kind=ActivityKind.RESOLVED)
        .order_by()
        .values("actor_id")
        .annotate(n=Count("subject_id", distinct=True))
        .values_list("actor_id", "n")
    )
    minutes = minutes_by_user(start=f.start, end=f.end + dt.timedelta(days=1))
    overall = Q(question__kind=QuestionKind.RATING, question__dimension=Dimension.OVERALL)
    ratings = {
        row["invitation__engineer_id"]: row
        for row in SurveyAnswer.objects.filter(
            overall,
            invitation__answered_at__gte=since,
            invitation__answered_at__lt=until,
            invitation__engineer__isnull=False,
        )
        .order_by()
        .values("invitation__engineer_id")
        .annotate(rated=Count("pk"), satisfied=Count("pk", filter=Q(number__gte=4)))
    }
    assignee = Case.objects.filter(pk=OuterRef("subject_id")).values("assignee_id")[:1]
    breaches = dict(
        Promise.objects.filter(subject_kind="case", breached_at__gte=since, breached_at__lt=until)
        .annotate(owner=Subquery(assignee, output_field=IntegerField()))
        .filter(owner__isnull=False)
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values_list("owner", "n")
    )
    ids = {*handled, *resolved, *minutes, *ratings, *breaches}
    rows = _people(f, ids)
    for pk, row in rows.items():
        row.handled = handled.get(pk, 0)
        row.resolved = resolved.get(pk, 0)
        row.minutes = minutes.get(pk, 0)
        row.breaches = breaches.get(pk, 0)
        row.satisfied = ratings.get(pk, {}).get("satisfied", 0)
        row.rated = ratings.get(pk, {}).get("rated", 0)
    ordered = sorted(rows.values(), key=lambda r: (r.team or "\uffff", r.username))
    teams: dict[str, Row] = {}
    for row in ordered:
        total = teams.setdefault(row.team, Row("", row.team, row.team))
        total.add(row)
    week = week_of(f.start) if f.start.weekday() == 0 and (f.end - f.start).days == 6 else ""
    return Appraisal(f.start, f.end, week, ordered, [teams[t] for t in sorted(teams)])


def appraisal_for_user(*, user: Any, raw: Mapping[str, Any], now: dt.datetime) -> Appraisal:
    """The appraisal as `user` may see it: holders of reports.view_appraisal everyone's (and
    the team totals), other staff their own row only, customers' contacts nothing (404)."""
    if not is_staff_member(user):
        raise NotFound(NOT_FOUND)
    f = period_of(raw, timezone.localdate(now))
    if can(user, VIEW_APPRAISAL):
        return appraisal(f)
    own = ReportFilter(start=f.start, end=f.end, engineer=user.get_username())
    result = appraisal(own)
    result.teams = []
    return result
