"""GET /api/v1/kb/deflection: how often suggested articles kept a customer from opening a case."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.core.errors import Invalid
from aftersales.core.schema_types import Date
from aftersales.kb import deflection

router = Router(tags=["knowledge base"])

VIEW = "kb.view_article"
DEFAULT_DAYS = 30
BAD_PERIOD = _("“until” must come after “since”.")


class DeflectionParams(Schema):
    since: Date | None = None
    until: Date | None = None


class DeflectionCounts(Schema):
    shown: int
    opened: int
    solved: int
    submitted: int


class DeflectionOut(Schema):
    since: dt.date
    until: dt.date
    counts: DeflectionCounts
    deflection_rate: float | None


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@router.get("/kb/deflection", response=DeflectionOut)
@access(staff_perm(VIEW))
def kb_deflection(request: HttpRequest, params: Query[DeflectionParams]):
    """Suggestions shown, opened, solved without a case and cases sent anyway, per period
    (local days, both ends included; default the last 30 days)."""
    until = params.until or timezone.localdate()
    since = params.since or until - dt.timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise Invalid(BAD_PERIOD, field="until", loc="query")
    found = deflection.deflection_counts(
        user=request.auth, since=_start(since), until=_start(until + dt.timedelta(days=1))
    )
    return {"since": since, "until": until, **found}
