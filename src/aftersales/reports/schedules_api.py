"""Scheduled e-mail delivery of the written reports: thin, the rules live in
reports.schedules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.core.openapi import documented
from aftersales.reports import schedules
from aftersales.reports.models import ReportFormat, ReportSchedule

router = Router(tags=["reports"])

SCHEDULE = staff_perm(schedules.SCHEDULE_REPORTS)

Address = Annotated[str, Field(max_length=schedules.ADDRESS_MAX)]


class ScheduleIn(Schema):
    """`recipients`: one address a line (or a list), at most 20. The customer (code) is
    required for the quarterly and yearly summaries, the engineer (username) for the weekly
    report; fields the kind does not read are ignored."""

    kind: str = Field(
        ...,
        max_length=24,
        description="weekly_engineer, monthly_major, quarterly_customer or yearly_customer",
    )
    format: str = Field(ReportFormat.PDF, max_length=8, description="pdf or xlsx")
    customer: str = Field("", max_length=schedules.CODE_MAX, description="customer code")
    contract: str = Field("", max_length=schedules.CODE_MAX, description="contract number")
    engineer: str = Field("", max_length=schedules.USERNAME_MAX, description="username")
    recipients: (
        Annotated[str, Field(max_length=schedules.RECIPIENTS_TEXT_MAX)]
        | Annotated[list[Address], Field(max_length=schedules.MAX_RECIPIENTS * 2)]
    )


class ScheduleChange(Schema):
    """Only the fields given change; the report and its subject stay (schedule another one
    instead). `is_active: true` reactivates: sending starts after the period closed by now."""

    format: str | None = Field(None, max_length=8, description="pdf or xlsx")
    recipients: (
        Annotated[str, Field(max_length=schedules.RECIPIENTS_TEXT_MAX)]
        | Annotated[list[Address], Field(max_length=schedules.MAX_RECIPIENTS * 2)]
        | None
    ) = None
    is_active: bool | None = None


class ScheduleOut(Schema):
    id: int
    kind: str
    format: str
    customer: str | None
    contract: str | None
    engineer: str | None
    recipients: list[str]
    is_active: bool
    last_period: str
    created_by: str
    created_at: dt.datetime


def schedule_out(schedule: ReportSchedule) -> dict:
    return {
        "id": schedule.pk,
        "kind": schedule.kind,
        "format": schedule.format,
        "customer": schedule.customer.code if schedule.customer else None,
        "contract": schedule.contract.number if schedule.contract else None,
        "engineer": schedule.engineer.get_username() if schedule.engineer else None,
        "recipients": schedules.recipients_of(schedule),
        "is_active": schedule.is_active,
        "last_period": schedule.last_period,
        "created_by": schedule.created_by.get_username(),
        "created_at": schedule.created_at,
    }


@router.get("/reports/schedules", response=list[ScheduleOut], openapi_extra=documented(403))
@access(SCHEDULE)
def schedule_list(request: HttpRequest):
    """Every report schedule, active first."""
    return [schedule_out(s) for s in schedules.schedules_for_user(request.auth)]


@router.post("/reports/schedules", response={201: ScheduleOut}, openapi_extra=documented(403, 422))
@access(SCHEDULE)
def schedule_create(request: HttpRequest, payload: ScheduleIn):
    """Mail a written report to the recipients after each period closes (from 07:00 on the
    next day), rendered as the caller would download it."""
    schedule = schedules.schedule_create(by=request.auth, **payload.model_dump())
    return Status(201, schedule_out(schedule))


@router.post(
    "/reports/schedules/{pk}/deactivate",
    response=ScheduleOut,
    openapi_extra=documented(403, 404),
)
@access(SCHEDULE)
def schedule_deactivate(request: HttpRequest, pk: int):
    """Stop sending; the schedule and its history stay."""
    schedule = schedules.schedule_get_for_user(user=request.auth, pk=pk)
    return schedule_out(schedules.schedule_deactivate(schedule=schedule, by=request.auth))


@router.patch(
    "/reports/schedules/{pk}", response=ScheduleOut, openapi_extra=documented(403, 404, 422)
)
@access(SCHEDULE)
def schedule_change(request: HttpRequest, pk: int, payload: ScheduleChange):
    """Change the recipients or the format, or reactivate the schedule."""
    schedule = schedules.schedule_get_for_user(user=request.auth, pk=pk)
    changes = payload.model_dump(exclude_none=True)
    return schedule_out(schedules.schedule_update(schedule=schedule, by=request.auth, **changes))
