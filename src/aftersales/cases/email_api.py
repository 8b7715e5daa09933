"""API of the e-mail intake: the received mail, filtered by status (triage queue first)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from aftersales.accounts.access import can, is_staff_member
from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.cases.mail import selectors
from aftersales.core.errors import Forbidden, NotFound
from aftersales.core.pagination import Limit, Offset, page

router = Router(tags=["e-mail intake"])


class InboundEmailOut(Schema):
    id: int
    message_id: str
    from_address: str
    from_name: str
    to: str
    subject: str
    sent_at: dt.datetime | None
    received_at: dt.datetime
    raw_size: int
    status: str
    triage_reason: str
    note: str
    text_body: str
    case: str | None
    handled_by: str | None
    handled_at: dt.datetime | None

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None

    @staticmethod
    def resolve_handled_by(obj) -> str | None:
        return obj.handled_by.username if obj.handled_by_id else None


class InboundEmailPage(Schema):
    items: list[InboundEmailOut]
    count: int
    next: str | None


@router.get("/inbound-emails", response=InboundEmailPage, url_name="inbound_emails")
@access(staff_perm(selectors.TRIAGE_PERMISSION))
def inbound_email_list(
    request: HttpRequest,
    status: str = Query("", max_length=20),
    limit: Limit = 50,
    offset: Offset = 0,
):
    """Received e-mail, newest first; `status=triage` is the queue waiting for a dispatcher."""
    user = request.auth
    if not is_staff_member(user):
        raise NotFound(selectors.NOT_FOUND)  # customers: as if it did not exist
    if not can(user, selectors.TRIAGE_PERMISSION):
        raise Forbidden(selectors.NOT_ALLOWED)
    qs = selectors.inbound_emails_for_user(user=user, status=status)
    return page(request, qs, limit=limit, offset=offset)
