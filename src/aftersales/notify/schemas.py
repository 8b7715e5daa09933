from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class OutboxParams(Schema):
    ref_type: str = Field("", max_length=40)
    ref_id: str = Field("", max_length=64)
    kind: str = Field("", max_length=64)
    status: str = Field("", pattern="^(|pending|sending|sent|failed|cancelled)$")
    channel: str = Field("", pattern="^(|email|sms)$")
    recipient: str = Field("", max_length=200)
    limit: int = 50
    offset: int = 0


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
