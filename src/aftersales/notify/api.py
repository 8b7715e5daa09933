"""Outbox endpoints: other apps' screens and scripts find their messages by reference."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from aftersales.accounts.access import require
from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.core.pagination import page
from aftersales.notify import selectors, services
from aftersales.notify.schemas import OutboxOut, OutboxPage, OutboxParams

router = Router(tags=["notify"])


@router.get("/outbox", response=OutboxPage)
@access(staff_perm("notify.view_outboxmessage"))
def outbox_list(request: HttpRequest, params: Query[OutboxParams]):
    data = params.dict()
    limit, offset = data.pop("limit"), data.pop("offset")
    qs = selectors.outbox_search(user=request.auth, **data)
    return page(request, qs, limit=limit, offset=offset)


@router.get("/outbox/{message_id}", response=OutboxOut)
@access(staff_perm("notify.view_outboxmessage"))
def outbox_detail(request: HttpRequest, message_id: int):
    return selectors.outbox_get_for_user(user=request.auth, message_id=message_id)


@router.post("/outbox/{message_id}/retry", response=OutboxOut)
@access(staff_perm("notify.view_outboxmessage", "notify.change_outboxmessage"))
def outbox_retry(request: HttpRequest, message_id: int):
    message = selectors.outbox_get_for_user(user=request.auth, message_id=message_id)
    require(request.auth, selectors.RETRY_PERMISSION)
    return services.outbox_retry(message=message, by=request.auth)
