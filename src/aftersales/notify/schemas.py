from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from aftersales.core.pagination import Limit, Offset
from aftersales.core.schema_types import choice_of
from aftersales.notify.models import Channel, Status

# Filters: "" = any; the fixed values are Literal types, so the OpenAPI lists them as an enum.
StatusValue = choice_of(Status, blank=True)
ChannelValue = choice_of(Channel, blank=True)


class OutboxParams(Schema):
    ref_type: str = Field("", max_length=40)
    ref_id: str = Field("", max_length=64)
    kind: str = Field("", max_length=64)
    status: StatusValue = ""
    channel: ChannelValue = ""
    recipient: str = Field("", max_length=200)
    limit: Limit = 50
    offset: Offset = 0


class OutboxOut(Schema):
    id: int
    channel: str
    recipient: str | None = Field(None, alias="to_user.username")
    address: str
    subject: str
    body: str
    kind: str
    ref_type: str
    ref_id: str
    dedupe_key: str
    status: str
    attempts: int
    last_error: str
    not_before: dt.datetime
    created_at: dt.datetime
    sent_at: dt.datetime | None
    late: bool


class OutboxPage(Schema):
    items: list[OutboxOut]
    count: int
    next: str | None


class NoticeParams(Schema):
    unread: bool = False
    limit: Limit = 50
    offset: Offset = 0


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    ref_type: str
    ref_id: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NoticePage(Schema):
    items: list[NoticeOut]
    count: int
    next: str | None


class UnreadCountOut(Schema):
    unread: int


class ReadAllOut(Schema):
    marked: int
