"""Request and response shapes of the appointments API (contract.md, "Field service")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from aftersales.core.schema_types import DateTime, LongText, MediumText, ShortText

# The engineer as the cases API names an assignee (username), or their user id.
EngineerRef = (
    Annotated[str, StringConstraints(min_length=1, max_length=150)]
    | Annotated[int, Field(ge=1, le=2**62)]
)
ClientKey = Annotated[str, StringConstraints(max_length=64)]


class AppointmentIn(Schema):
    engineer: EngineerRef
    starts_at: DateTime
    ends_at: DateTime
    case: str | None = Field(None, max_length=32)
    customer: str | None = Field(None, max_length=40)
    site: int | None = Field(None, ge=1, le=2**62)
    address: str = Field("", max_length=300)
    notes: LongText = ""
    client_key: ClientKey | None = None
    # The inspection visit or the delivery (installation) the engineer goes for, by id.
    visit: int | None = Field(None, ge=1, le=2**62)
    delivery: int | None = Field(None, ge=1, le=2**62)
    # The repair order the engineer goes for (fetching, returning or repairing onsite), by id.
    repair: int | None = Field(None, ge=1, le=2**62)


class SlotIn(Schema):
    starts_at: DateTime
    ends_at: DateTime


class ProposeIn(Schema):
    # Two or three: the service says so (422 naming `slots`) once the caller may propose.
    slots: list[SlotIn] = Field(..., max_length=5)


class ProposalIn(ProposeIn):
    engineer: EngineerRef
    case: str | None = Field(None, max_length=32)
    customer: str | None = Field(None, max_length=40)
    site: int | None = Field(None, ge=1, le=2**62)
    address: str = Field("", max_length=300)
    notes: LongText = ""


class ChooseIn(Schema):
    slot: int = Field(..., ge=1, le=2**62)


class RescheduleIn(Schema):
    text: MediumText = ""


class AppointmentCancelIn(Schema):
    reason: MediumText = ""


class MoveIn(Schema):
    starts_at: DateTime
    ends_at: DateTime
    engineer: EngineerRef | None = None


class StepIn(Schema):
    at: DateTime | None = None
    text: MediumText = ""
    client_key: ClientKey | None = None


class DispatchAssignIn(Schema):
    case: ShortText = Field(..., min_length=1)
    engineer: EngineerRef
    starts_at: DateTime
    ends_at: DateTime
    client_key: ClientKey | None = None


class SlotOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    chosen: bool


class AppointmentActivityOut(Schema):
    at: dt.datetime
    actor: str | None
    kind: str
    text: str
    internal: bool


class JobPhotoOut(Schema):
    id: int
    name: str
    caption: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    url: str


class AppointmentOut(Schema):
    id: int
    engineer: str
    engineer_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: str
    status: str
    case: str | None
    visit: int | None = None
    delivery: int | None = None
    repair: int | None = None
    customer: str | None
    site: int | None
    region: str
    address: str
    notes: str
    departed_at: dt.datetime | None
    arrived_at: dt.datetime | None
    finished_at: dt.datetime | None
    slots: list[SlotOut]
    photos: list[JobPhotoOut] = []
    allowed_actions: list[str]
    activities: list[AppointmentActivityOut]


class AppointmentListItem(Schema):
    id: int
    engineer: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: str
    status: str
    case: str | None
    customer: str | None
    address: str


class AppointmentPage(Schema):
    items: list[AppointmentListItem]
    count: int
    next: str | None


class SuggestionOut(Schema):
    engineer: str
    name: str
    region: str
    load: int
    same_region: bool


class LinkOut(Schema):
    status: str
    customer: str | None
    engineer_name: str
    slots: list[SlotOut]
