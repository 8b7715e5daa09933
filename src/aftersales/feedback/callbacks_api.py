"""The callback endpoints (contract.md, "Customer voice"): thin, the flow lives in
feedback.callbacks and the reads in feedback.callback_selectors."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.core import timeline
from aftersales.core.api_steps import add_steps
from aftersales.core.openapi import documented
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.schema_types import choice_of
from aftersales.feedback import callback_access, callbacks
from aftersales.feedback import callback_promises as promises
from aftersales.feedback import callback_selectors as selectors
from aftersales.feedback.callback_schemas import (
    CallbackAtIn,
    CallbackAttemptIn,
    CallbackConfirmIn,
    CallbackCoverageOut,
    CallbackGenerateIn,
    CallbackGenerateOut,
    CallbackItemIn,
    CallbackItemOut,
    CallbackItemPage,
    CallbackOut,
    CallbackPage,
    CallbackSolveIn,
)
from aftersales.feedback.models import (
    Callback,
    CallbackItem,
    CallbackItemStatus,
    CallbackStatus,
    Department,
)

router = Router(tags=["callbacks"])

VIEW = staff_perm(callback_access.VIEW)
WORK = staff_perm(callback_access.WORK)
GENERATE = staff_perm(callback_access.GENERATE)
SOLVE = staff_perm(callback_access.SOLVE)

# The statuses a list filters on, with "open" (still to do) and "" (all).
StatusFilter = Literal[tuple(["", selectors.OPEN, *CallbackStatus.values])]  # type: ignore[misc]
ItemStatusFilter = Literal[tuple(["", selectors.OPEN, *CallbackItemStatus.values])]  # type: ignore[misc]


def callback_row(c: Callback) -> dict:
    return {
        "id": c.pk,
        "rule": c.rule.code,
        "period": c.period,
        "customer": c.customer.code,
        "customer_name": c.customer.name,
        "asset": c.asset.serial_number if c.asset_id else None,
        "case": c.case.number if c.case_id else None,
        "due_on": c.due_on,
        "status": c.status,
        "attempts": c.attempts,
        "retry_at": c.retry_at,
    }


def callback_out(c: Callback) -> dict:
    return {
        **callback_row(c),
        "rule_name": c.rule.name,
        "script": c.rule.script,
        "rating": c.rating,
        "engineer_rating": c.engineer_rating,
        "notes": c.notes,
        "completed_at": c.completed_at,
        "calls": [
            {
                "at": a.at,
                "outcome": a.outcome,
                "retry_at": a.retry_at,
                "notes": a.notes,
                "agent": str(a.agent) if a.agent_id else None,
            }
            for a in c.calls.select_related("agent")
        ],
        "items": list(c.items.order_by("raised_at").values_list("number", flat=True)),
        "activities": timeline.activity_rows(selectors.callback_activities(c)),
    }


def item_row(i: CallbackItem) -> dict:
    fields = ["number", "text", "department", "status", "key_problem", "resent_count"]
    return {
        **{name: getattr(i, name) for name in fields},
        "callback": i.callback_id,
        "customer": i.customer.code,
        "raised_at": i.raised_at,
        "next_due_at": i.next_due_at,
    }


def item_out(i: CallbackItem, user: Any) -> dict:
    rows = selectors.item_promise_rows(i, timezone.now())
    told = next((r for r in rows if r["target"] == promises.TOLD), None)
    return {
        **item_row(i),
        "solution": i.solution,
        "solved_at": i.solved_at,
        "told_at": i.told_at,
        "closed_at": i.closed_at,
        "told_due": told["due_at"] if told else None,
        "told_late": told["late"] if told else None,
        "promises": rows,
        "allowed_actions": callback_access.available_item_actions(user, i),
        "activities": timeline.activity_rows(selectors.item_activities(i)),
    }


class CallbackListParams(Schema):
    period: str = Field("", max_length=8)
    status: StatusFilter = ""  # type: ignore[valid-type]
    rule: str = Field("", max_length=40)
    customer: str = Field("", max_length=40)
    q: str = Field("", max_length=200)
    limit: Limit = 50
    offset: Offset = 0


class CallbackCoverageParams(Schema):
    period: str = Field(max_length=8)


class CallbackItemListParams(Schema):
    status: ItemStatusFilter = ""  # type: ignore[valid-type]
    department: choice_of(Department, blank=True) = ""  # type: ignore[valid-type]
    key: bool | None = None
    customer: str = Field("", max_length=40)
    q: str = Field("", max_length=200)
    limit: Limit = 50
    offset: Offset = 0


@router.post("/callbacks/generate", response=CallbackGenerateOut, openapi_extra=documented(422))
@access(GENERATE)
def callback_generate(request: HttpRequest, payload: CallbackGenerateIn):
    """Build the call list of a month ("YYYY-MM": its monthly lists and its quarter's warranty
    list) or a quarter ("YYYY-Qn"); running it again adds nothing."""
    return callbacks.callbacks_build(by=request.auth, period=payload.period)


@router.get("/callbacks", response=CallbackPage, openapi_extra=documented(422))
@access(VIEW)
def callback_list(request: HttpRequest, params: Query[CallbackListParams]):
    """The call list, earliest due first; `status` also takes "open" (due or retry)."""
    filters = selectors.CallbackFilters(
        period=params.period,
        status=params.status,
        rule=params.rule,
        customer=params.customer,
        q=params.q,
    )
    qs = selectors.callback_list(user=request.auth, filters=filters)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [callback_row(c) for c in result["items"]]
    return result


@router.get("/callbacks/coverage", response=CallbackCoverageOut, openapi_extra=documented(422))
@access(VIEW)
def callback_coverage(request: HttpRequest, params: Query[CallbackCoverageParams]):
    """Callbacks due and done per rule and period (done: the customer was contacted)."""
    rows = selectors.callback_coverage(user=request.auth, period=params.period)
    total = selectors.coverage_total(rows)
    return {
        "period": params.period,
        "rules": [
            {
                "rule": r.rule,
                "name": r.name,
                "period": r.period,
                "due": r.due,
                "done": r.done,
                "ratio": r.ratio,
            }
            for r in rows
        ],
        "due": total.due,
        "done": total.done,
        "ratio": total.ratio,
    }


@router.get("/callbacks/{callback_id}", response=CallbackOut)
@access(VIEW)
def callback_detail(request: HttpRequest, callback_id: int):
    return callback_out(selectors.callback_get_for_user(user=request.auth, pk=callback_id))


@router.post(
    "/callbacks/{callback_id}/attempts",
    response={201: CallbackOut},
    openapi_extra=documented(409, 422),
)
@access(WORK)
def callback_attempt(request: HttpRequest, callback_id: int, payload: CallbackAttemptIn):
    """Record a call: reached (rating 1–5 required), not reached (retry_at in the future
    required) or refused."""
    callback = selectors.callback_get_for_user(user=request.auth, pk=callback_id)
    done = callbacks.callback_attempt(callback=callback, by=request.auth, **payload.model_dump())
    return Status(201, callback_out(selectors.callback_get_for_user(user=request.auth, pk=done.pk)))


@router.post(
    "/callbacks/{callback_id}/items",
    response={201: CallbackItemOut},
    openapi_extra=documented(409, 422),
)
@access(WORK)
def callback_item_raise(request: HttpRequest, callback_id: int, payload: CallbackItemIn):
    """Raise a problem heard on the call for the responsible department."""
    callback = selectors.callback_get_for_user(user=request.auth, pk=callback_id)
    item = callbacks.callback_item_raise(callback=callback, by=request.auth, **payload.model_dump())
    return Status(201, item_out(_get_item(request, item.number), request.auth))


@router.get("/callback-items", response=CallbackItemPage)
@access(VIEW)
def callback_item_list(request: HttpRequest, params: Query[CallbackItemListParams]):
    """Problems raised on callbacks, the next due first; `key=true` the key problems."""
    filters = selectors.ItemFilters(
        status=params.status,
        department=params.department,
        key=params.key,
        customer=params.customer,
        q=params.q,
    )
    qs = selectors.item_list(user=request.auth, filters=filters)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [item_row(i) for i in result["items"]]
    return result


def _get_item(request: HttpRequest, number: str) -> CallbackItem:
    return selectors.item_get_for_user(user=request.auth, number=number)


@router.get("/callback-items/{number}", response=CallbackItemOut)
@access(VIEW)
def callback_item_detail(request: HttpRequest, number: str):
    return item_out(_get_item(request, number), request.auth)


def _fresh(request: HttpRequest, item: CallbackItem) -> dict:
    return item_out(_get_item(request, item.number), request.auth)


add_steps(
    router,
    path="/callback-items",
    steps={"solve": (callbacks.callback_item_solve, CallbackSolveIn)},
    subject="item",
    load=_get_item,
    show=_fresh,
    guard=access(SOLVE),
    response=CallbackItemOut,
    prefix="callback_item",
)
add_steps(
    router,
    path="/callback-items",
    steps={
        "tell": (callbacks.callback_item_tell, CallbackAtIn),
        "confirm": (callbacks.callback_item_confirm, CallbackConfirmIn),
    },
    subject="item",
    load=_get_item,
    show=_fresh,
    guard=access(WORK),
    response=CallbackItemOut,
    prefix="callback_item",
)
