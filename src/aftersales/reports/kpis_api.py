"""The KPI and appraisal endpoints (contract.md, "Reports"): thin, the figures live in
reports.kpis and reports.appraisal."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from aftersales.accounts.endpoint_access import STAFF, access, scoped
from aftersales.core.openapi import documented
from aftersales.reports.appraisal import Appraisal, Row, appraisal_for_user
from aftersales.reports.filters import VIEW_REPORTS
from aftersales.reports.kpis import Compliance, Kpis, Ratio, Spread, kpis_for_user
from aftersales.reports.schemas import FilterParams

router = Router(tags=["reports"])


class AppraisalParams(Schema):
    week: str = Field("", description="YYYY-Www (ISO week); default this week")
    from_: str = Field("", alias="from", description="YYYY-MM-DD (instead of week)")
    to: str = ""
    team: str = ""
    engineer: str = Field("", description="username")


def _raw(params: Schema) -> dict[str, str]:
    return params.model_dump(by_alias=True)


def _spread(spread: Spread, unit: str = "") -> dict[str, Any]:
    if unit:
        return {"count": spread.count, f"median_{unit}": spread.median, f"p90_{unit}": spread.p90}
    return {"count": spread.count, "median": spread.median, "p90": spread.p90}


def _ratio(ratio: Ratio | None, part: str, whole: str) -> dict[str, Any] | None:
    if ratio is None:
        return None
    return {part: ratio.part, whole: ratio.whole, "ratio": ratio.ratio}


def _compliance(c: Compliance) -> dict[str, Any]:
    return {"met": c.met, "missed": c.missed, "ratio": c.ratio}


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def kpis_payload(k: Kpis) -> dict[str, Any]:
    """The KPIs as JSON: ratios 0..1, minutes and hours as numbers, money as CNY strings."""
    f = k.filter
    by_priority: dict[str, dict[str, float | None]] = {}
    for (target, priority), c in k.compliance_by_priority.items():
        by_priority.setdefault(target, {})[priority or "-"] = c.ratio
    p = k.penalties
    return {
        "filter": f.query(),
        "as_of": k.as_of.isoformat(),
        "cases_opened": k.cases_opened,
        "cases_closed": k.cases_closed,
        "compliance": {target: c.ratio for target, c in k.compliance.items()},
        "compliance_detail": {target: _compliance(c) for target, c in k.compliance.items()},
        "compliance_by_priority": by_priority,
        "response_minutes": _spread(k.service_minutes["response"]),
        "diagnosis_minutes": _spread(k.service_minutes["diagnosis"]),
        "resolution_minutes": _spread(k.service_minutes["resolution"]),
        "wall_minutes": {target: _spread(s) for target, s in k.wall_minutes.items()},
        "first_contact_resolution": _ratio(k.first_contact, "first_contact", "closed"),
        "reopen_rate": _ratio(k.reopen, "reopened", "resolved"),
        "backlog": {**_spread(k.backlog, "hours"), "at": k.backlog_at.isoformat()},
        "callback_coverage": k.callback_coverage.ratio,
        "callbacks": _ratio(k.callback_coverage, "contacted", "due"),
        "inspection_compliance": k.inspections.ratio if k.inspections else None,
        "inspections": None
        if k.inspections is None
        else {**_ratio(k.inspections, "done", "decided"), "due": k.inspections_due},
        "complaints": k.complaints,
        "complaint_rate": k.complaint_rate,
        "complaint_answer_minutes": _spread(k.complaint_answer_minutes),
        "csat": k.csat,
        "nps": k.nps,
        "survey_responses": k.survey_responses,
        "rma_ship_on_time": k.rma_ship_on_time,
        "rma_compliance": {target: _compliance(c) for target, c in k.rma_compliance.items()},
        "faulty_part_return_rate": k.faulty_return.ratio,
        "faulty_parts": _ratio(k.faulty_return, "returned", "due"),
        "stock_outs": k.stock_outs,
        "below_reorder_point": k.below_reorder,
        "penalties": _money(p.incurred) if p else None,
        "penalties_waived": _money(p.waived) if p else None,
        "penalties_payable": _money(p.payable) if p else None,
    }


def _row(row: Row) -> dict[str, Any]:
    return {
        "engineer": row.username,
        "name": row.name,
        "team": row.team,
        "handled": row.handled,
        "resolved": row.resolved,
        "resolution_rate": row.resolution_rate,
        "minutes": row.minutes,
        "satisfaction": row.satisfaction,
        "rated": row.rated,
        "breaches": row.breaches,
    }


def appraisal_payload(a: Appraisal) -> dict[str, Any]:
    teams = [{k: v for k, v in _row(t).items() if k not in ("engineer", "name")} for t in a.teams]
    return {
        "from": a.start.isoformat(),
        "to": a.end.isoformat(),
        "week": a.week,
        "engineers": [_row(r) for r in a.rows],
        "teams": teams,
    }


@router.get("/reports/kpis", openapi_extra=documented(403, 422))
@access(scoped(VIEW_REPORTS))
def report_kpis(request: HttpRequest, params: Query[FilterParams]):
    """Every KPI of docs/kpis.md for the period and dimensions. A customer's contact gets
    their own organisation's figures; staff need reports.view_reports unless engineer is
    themselves. Penalties (CNY strings) are null for anyone without sla.view_penalties."""
    found = kpis_for_user(user=request.auth, raw=_raw(params), now=timezone.now())
    return kpis_payload(found)


@router.get("/reports/appraisal", openapi_extra=documented(404, 422))
@access(STAFF)
def report_appraisal(request: HttpRequest, params: Query[AppraisalParams]):
    """Per engineer: handled, resolved, resolution rate, minutes, satisfaction, breaches and
    team, with per-team totals. Without reports.view_appraisal only one's own row."""
    found = appraisal_for_user(user=request.auth, raw=_raw(params), now=timezone.now())
    return appraisal_payload(found)
