"""SLA endpoints: answering an escalation (penalties are served by contracts.penalty_api)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from aftersales.accounts.endpoint_access import STAFF, access, scoped
from aftersales.core.pagination import page
from aftersales.sla import promises, services
from aftersales.sla.schemas import AcknowledgeIn, EscalationOut, PromiseListParams, PromisePage
from aftersales.sla.subjects import kind_of

router = Router(tags=["sla"])


@router.post("/escalations/{firing_id}/acknowledge", response=EscalationOut)
@access(STAFF)
def escalation_acknowledge(request: HttpRequest, firing_id: int, payload: AcknowledgeIn):
    firing = services.escalation_acknowledge(
        firing_id=firing_id, by=request.auth, text=payload.text
    )
    return {
        "id": firing.pk,
        "case": kind_of(firing.promise.subject_kind)
        .labels([firing.promise.subject_id])
        .get(firing.promise.subject_id, str(firing.promise.subject_id)),
        "rule": firing.rule.name,
        "fired_at": firing.fired_at,
        "late": firing.late,
        "ack_due_at": firing.ack_due_at,
        "acknowledged_at": firing.acknowledged_at,
        "acknowledged_by": str(firing.acknowledged_by) if firing.acknowledged_by else None,
    }


@router.get("/promises", response=PromisePage)
@access(scoped("cases.view_case"))
def promise_list(request: HttpRequest, params: Query[PromiseListParams]):
    """Promises of every subject kind the caller may see, soonest due first."""
    now = timezone.now()
    due_before = params.due_before
    if due_before is not None and timezone.is_naive(due_before):
        due_before = timezone.make_aware(due_before)
    filters = promises.PromiseFilters(
        state=params.state,
        due_before=due_before,
        customer=params.customer,
        subject_kind=params.subject_kind,
    )
    qs = promises.promise_search(user=request.auth, filters=filters, now=now)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = promises.promise_items(result["items"], now)
    return result
