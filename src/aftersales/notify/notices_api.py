"""The bell's endpoints: a staff member's own notices, their unread count, marking them read."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from aftersales.accounts.endpoint_access import STAFF, access
from aftersales.core.pagination import page
from aftersales.notify import notices
from aftersales.notify.schemas import (
    NoticeOut,
    NoticePage,
    NoticeParams,
    ReadAllOut,
    UnreadCountOut,
)

router = Router(tags=["notices"])


@router.get("/notices", response=NoticePage)
@access(STAFF)
def notice_list(request: HttpRequest, params: Query[NoticeParams]):
    qs = notices.notices_for_user(user=request.auth, unread=params.unread)
    return page(request, qs, limit=params.limit, offset=params.offset)


@router.get("/notices/unread-count", response=UnreadCountOut)
@access(STAFF)
def notice_unread_count(request: HttpRequest):
    return {"unread": notices.notice_unread_count(user=request.auth)}


@router.post("/notices/read-all", response=ReadAllOut)
@access(STAFF)
def notices_read_all(request: HttpRequest):
    return {"marked": notices.notices_mark_all_read(user=request.auth)}


@router.post("/notices/{notice_id}/read", response=NoticeOut)
@access(STAFF)
def notice_read(request: HttpRequest, notice_id: int):
    return notices.notice_mark_read(user=request.auth, notice_id=notice_id)
