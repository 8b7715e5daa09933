"""GET /api/v1/reports/at-risk: running promises by their chance of being missed."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from aftersales.accounts.endpoint_access import STAFF, access
from aftersales.core.openapi import documented
from aftersales.reports import risk
from aftersales.reports.filters import parse_filter
from aftersales.reports.schemas import DimensionParams

router = Router(tags=["reports"])


class AtRiskParams(DimensionParams):
    limit: int = Field(risk.DEFAULT_LIMIT, ge=1, le=risk.MAX_LIMIT)
    min: float = Field(0.0, ge=0, le=1, description="Smallest probability listed, 0–1")


class AtRiskItemOut(Schema):
    subject_kind: str
    subject_id: int
    subject: str = Field(description="The subject's number or name")
    url: str
    target: str
    target_label: str
    priority: str
    due_at: dt.datetime
    probability: float = Field(description="Chance of being missed, 0–1")
    reasons: list[str]


class AtRiskOut(Schema):
    items: list[AtRiskItemOut]


@router.get("/reports/at-risk", response=AtRiskOut, openapi_extra=documented(403, 404, 422))
@access(STAFF)
def at_risk_json(request: HttpRequest, params: Query[AtRiskParams]):
    """Running promises, highest chance of being missed first, each explained in words.
    Holders of reports.view_reports see all; other staff the promises on their own
    subjects (403 when asking for another engineer's); customer contacts 404."""
    raw = params.dict(exclude={"limit", "min"})
    f = parse_filter(raw)
    rows = risk.at_risk(
        request.auth, f, now=timezone.now(), limit=params.limit, min_probability=params.min
    )
    return {
        "items": [
            {
                "subject_kind": r.promise.subject_kind,
                "subject_id": r.promise.subject_id,
                "subject": r.subject,
                "url": r.url,
                "target": r.promise.target,
                "target_label": r.target_label,
                "priority": r.promise.priority,
                "due_at": r.promise.due_at,
                "probability": round(r.probability, 4),
                "reasons": r.reasons,
            }
            for r in rows
        ]
    }
