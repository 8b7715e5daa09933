"""Deflection (自助解决): what a customer saw and did while typing a new case, counted.

"shown": matching articles appeared under the form; "opened": the customer opened one of them;
"solved": the article solved it and no case was sent; "submitted": a case was sent anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from aftersales.accounts.access import NOT_ALLOWED, can, customer_id_of, is_staff_member
from aftersales.core.errors import Forbidden
from aftersales.kb.models import Article, Deflection, DeflectionKind

QUERY_CHARS = 200
VIEW = "kb.view_article"


@transaction.atomic
def deflection_record(
    *, user: Any, kind: str, query: str = "", article: Article | None = None
) -> Deflection:
    """Count one step of a customer's self-service (the caller checked what they may see)."""
    if kind not in DeflectionKind.values:
        raise ValueError(kind)
    return Deflection.objects.create(
        kind=kind,
        customer_id=customer_id_of(user),
        user=user if getattr(user, "is_authenticated", False) else None,
        query=(query or "").strip()[:QUERY_CHARS],
        article=article,
        created_at=timezone.now(),
    )


def deflection_counts(
    *, user: Any, since: dt.datetime, until: dt.datetime | None = None
) -> dict[str, Any]:
    """Counts per kind in [since, until) and the share of shown suggestions that ended without
    a case (solved / (solved + submitted)), None when nothing was decided. Staff only."""
    if not (is_staff_member(user) and can(user, VIEW)):
        raise Forbidden(NOT_ALLOWED)
    rows = Deflection.objects.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    counts = {kind: 0 for kind in DeflectionKind.values}
    counts.update(dict(rows.values_list("kind").annotate(n=Count("id")).order_by()))
    decided = counts[DeflectionKind.SOLVED] + counts[DeflectionKind.SUBMITTED]
    rate = round(counts[DeflectionKind.SOLVED] / decided, 4) if decided else None
    return {"counts": counts, "deflection_rate": rate}
