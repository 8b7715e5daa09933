"""Schemas of the macro and work-log endpoints (cases/macros_api.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BaseModel, StringConstraints

from aftersales.cases.macros import NAME_MAX, TAGS_MAX, TEAMS
from aftersales.cases.models import Priority
from aftersales.cases.worklog import MINUTES_MAX, MINUTES_MIN, NOTE_MAX
from aftersales.core.schema_types import Date, LongText, StrictBool, StrictInt, choice_of

MacroStatus = Literal["", "responded", "waiting", "resolved"]
MacroPriority = choice_of(Priority, blank=True)
TeamValue = Literal[("", *(str(t) for t in TEAMS))]  # type: ignore[valid-type]
TagName = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class MacroIn(Schema):
    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    body: LongText = Field(..., min_length=1)
    internal: StrictBool = False
    set_status: MacroStatus = ""
    set_priority: MacroPriority = ""
    add_tags: list[TagName] = Field(default_factory=list, max_length=TAGS_MAX)
    team: TeamValue = Field("", description="A staff role to share the macro with; empty: yours.")


class MacroPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=NAME_MAX)
    body: LongText | None = Field(None, min_length=1)
    internal: StrictBool | None = None
    set_status: MacroStatus | None = None
    set_priority: MacroPriority | None = None
    add_tags: list[TagName] | None = Field(None, max_length=TAGS_MAX)


class MacroOut(BaseModel):
    id: int
    name: str
    body: str
    internal: bool
    set_status: str
    set_priority: str
    add_tags: list[str]
    team: str
    owner: str | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class MacroPage(BaseModel):
    items: list[MacroOut]
    count: int
    next: str | None


class MacroApplyIn(Schema):
    text: LongText | None = Field(None, description="The reply as edited before sending.")
    version: StrictInt | None = None


class WorkLogIn(Schema):
    minutes: StrictInt = Field(..., ge=MINUTES_MIN, le=MINUTES_MAX)
    worked_on: Date | None = Field(None, description="Default: today.")
    note: str = Field("", max_length=NOTE_MAX)


class WorkLogOut(BaseModel):
    id: int
    user: str
    minutes: int
    worked_on: dt.date
    note: str
    created_at: dt.datetime
    voided_at: dt.datetime | None
    voided_by: str | None


class WorkLogPage(BaseModel):
    items: list[WorkLogOut]
    count: int
    next: str | None
    total_minutes: int = Field(..., description="Minutes of the entries not voided.")
