"""Tags, links, merges and bulk actions on cases (staff only): thin, the rules are services'.

Mounted before the cases router, so "/cases/bulk" is not read as a case number.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import BaseModel, StringConstraints

from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.cases import organize, selectors
from aftersales.cases.api import case_out
from aftersales.cases.models import TagColour
from aftersales.cases.schemas import CaseOut
from aftersales.cases.services import bulk, links, tags
from aftersales.core.schema_types import LongText, MediumText, StrictInt, choice_of

router = Router(tags=["cases"])

# Who may set tags and link: those who work or change the case (organize.can_tag decides).
_ORGANIZE = staff_perm("cases.work_case", "cases.change_case", "cases.assign_case", any_of=True)
CaseNumber = Field(..., min_length=1, max_length=32)


class TagOut(BaseModel):
    name: str
    colour: str


class TagIn(Schema):
    name: str = Field(..., min_length=1, max_length=tags.TAG_NAME_MAX)
    colour: choice_of(TagColour) = TagColour.GREY  # type: ignore[valid-type]


class CaseTagsIn(Schema):
    tags: list[str] = Field(..., max_length=tags.TAGS_PER_CASE_MAX)
    version: StrictInt | None = None


class LinkIn(Schema):
    case: str = CaseNumber


class LinkedOut(BaseModel):
    number: str
    title: str
    status: str
    kind: Literal["related", "duplicate", "duplicated_by"]


class MergeIn(Schema):
    into: str = CaseNumber
    text: MediumText = ""
    version: StrictInt | None = None


class BulkIn(Schema):
    cases: list[Annotated[str, StringConstraints(max_length=32)]] = Field(
        ..., description=f"Case numbers, at most {bulk.BULK_MAX}."
    )
    action: Literal["priority", "status", "tag", "close"]
    value: str = Field(
        "",
        max_length=40,
        description="priority: P1..P4; status: `wait` or `resume`; tag: the tag's name.",
    )
    text: LongText = ""


class RefusedOut(BaseModel):
    number: str
    reason: str
    field: str | None = None


class BulkOut(BaseModel):
    done: list[str]
    refused: list[RefusedOut]


def _tag_out(tag) -> dict:
    return {"name": tag.name, "colour": tag.colour}


@router.get("/tags", response=list[TagOut])
@access(staff_perm("cases.view_case"))
def tag_list(request: HttpRequest):
    return [_tag_out(t) for t in organize.tags_for_user(user=request.auth)]


@router.post("/tags", response={201: TagOut})
@access(staff_perm("cases.add_tag"))
def tag_create(request: HttpRequest, payload: TagIn):
    tag = tags.tag_create(by=request.auth, name=payload.name, colour=payload.colour)
    return Status(201, _tag_out(tag))


@router.put("/cases/{number}/tags", response=CaseOut)
@access(_ORGANIZE)
def case_set_tags(request: HttpRequest, number: str, payload: CaseTagsIn):
    case = selectors.case_get_for_user(user=request.auth, number=number)
    case = tags.case_set_tags(
        case=case, by=request.auth, names=payload.tags, version=payload.version
    )
    return case_out(selectors.case_get_for_user(user=request.auth, number=number), request.auth)


@router.get("/cases/{number}/links", response=list[LinkedOut])
@access(staff_perm("cases.view_case"))
def case_links(request: HttpRequest, number: str):
    case = selectors.case_get_for_user(user=request.auth, number=number)
    return [
        {"number": c.number, "title": c.title, "status": c.status, "kind": c.kind}
        for c in organize.linked_cases(user=request.auth, case=case)
    ]


@router.post("/cases/{number}/links", response={201: LinkedOut})
@access(_ORGANIZE)
def case_link(request: HttpRequest, number: str, payload: LinkIn):
    case = selectors.case_get_for_user(user=request.auth, number=number)
    link = links.case_link(case=case, by=request.auth, other=payload.case)
    other = link.to_case
    return Status(
        201,
        {"number": other.number, "title": other.title, "status": other.status, "kind": link.kind},
    )


@router.post("/cases/{number}/merge", response=CaseOut)
@access(staff_perm("cases.close_case"))
def case_merge(request: HttpRequest, number: str, payload: MergeIn):
    case = selectors.case_get_for_user(user=request.auth, number=number)
    links.case_merge(
        case=case, by=request.auth, into=payload.into, text=payload.text, version=payload.version
    )
    return case_out(selectors.case_get_for_user(user=request.auth, number=number), request.auth)


@router.post("/cases/bulk", response=BulkOut)
@access(staff_perm("cases.view_case"))
def cases_bulk(request: HttpRequest, payload: BulkIn):
    # The list's length is the service's to judge (422 naming `cases`).
    result = bulk.cases_bulk(
        by=request.auth,
        cases=[(n, None) for n in payload.cases],
        action=payload.action,
        value=payload.value,
        text=payload.text,
    )
    return {
        "done": result.done,
        "refused": [
            {"number": r.number, "reason": r.reason, "field": r.field} for r in result.refused
        ],
    }
