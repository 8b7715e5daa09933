"""Macro and work-log endpoints: thin, the rules live in cases.macros and cases.worklog."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.cases import macros, selectors, worklog
from aftersales.cases.api import case_out
from aftersales.cases.macro_schemas import (
    MacroApplyIn,
    MacroIn,
    MacroOut,
    MacroPage,
    MacroPatch,
    WorkLogIn,
    WorkLogOut,
    WorkLogPage,
)
from aftersales.cases.models import Macro, WorkLog
from aftersales.cases.schemas import CaseDetailOut
from aftersales.core import timeline
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.parser import optional_body
from aftersales.core.schema_types import SearchText

router = Router(tags=["cases"])

# Staff who work or edit cases keep macros and log time; the services check the rest.
_KEEPERS = staff_perm("cases.work_case", "cases.change_case", any_of=True)

_APPLY_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"text": {"type": "string"}, "version": {"type": "integer"}},
                }
            }
        },
    }
}


class MacroListParams(Schema):
    q: SearchText = ""
    limit: Limit = 50
    offset: Offset = 0


class WorkLogListParams(Schema):
    limit: Limit = 50
    offset: Offset = 0


def _detail(request: HttpRequest, number: str) -> dict:
    """The case as GET /cases/{number} answers it."""
    case = selectors.case_get_for_user(user=request.auth, number=number)
    data = case_out(case, request.auth)
    data["activities"] = timeline.activity_rows(
        selectors.activities_for_user(user=request.auth, case=case)
    )
    return data


def macro_out(macro: Macro) -> dict:
    return {
        "id": macro.pk,
        "name": macro.name,
        "body": macro.body,
        "internal": macro.internal,
        "set_status": macro.set_status,
        "set_priority": macro.set_priority,
        "add_tags": [t.name for t in macro.add_tags.all()],
        "team": macro.team,
        "owner": macro.owner.username if macro.owner_id else None,
        "is_active": macro.is_active,
        "created_at": macro.created_at,
        "updated_at": macro.updated_at,
    }


def work_log_out(entry: WorkLog) -> dict:
    return {
        "id": entry.pk,
        "user": entry.user.username,
        "minutes": entry.minutes,
        "worked_on": entry.worked_on,
        "note": entry.note,
        "created_at": entry.created_at,
        "voided_at": entry.voided_at,
        "voided_by": entry.voided_by.username if entry.voided_by_id else None,
    }


@router.get("/macros", response=MacroPage)
@access(_KEEPERS)
def macro_list(request: HttpRequest, params: Query[MacroListParams]):
    qs = macros.macros_usable(user=request.auth, q=params.q)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [macro_out(m) for m in result["items"]]
    return result


@router.post("/macros", response={201: MacroOut})
@access(_KEEPERS)
def macro_create(request: HttpRequest, payload: MacroIn):
    macro = macros.macro_create(by=request.auth, **payload.dict())
    return Status(201, macro_out(macro))


@router.patch("/macros/{id}", response=MacroOut)
@access(_KEEPERS)
def macro_update(request: HttpRequest, id: int, payload: MacroPatch):
    macro = macros.macro_get_for_user(user=request.auth, pk=id, write=True)
    changes = payload.dict(exclude_unset=True)
    return macro_out(macros.macro_update(macro=macro, by=request.auth, **changes))


@router.post("/macros/{id}/retire", response=MacroOut)
@access(_KEEPERS)
def macro_retire(request: HttpRequest, id: int):
    macro = macros.macro_get_for_user(user=request.auth, pk=id, write=True)
    return macro_out(macros.macro_retire(macro=macro, by=request.auth))


@router.post("/cases/{number}/macros/{id}/apply", response=CaseDetailOut, openapi_extra=_APPLY_BODY)
@access(_KEEPERS)
def macro_apply(request: HttpRequest, number: str, id: int):
    payload = optional_body(request, MacroApplyIn)
    case = selectors.case_get_for_user(user=request.auth, number=number)
    macro = macros.macro_get_usable(user=request.auth, pk=id)
    macros.macro_apply(
        case=case, macro=macro, by=request.auth, text=payload.text, version=payload.version
    )
    return _detail(request, number)


@router.get("/cases/{number}/work-log", response=WorkLogPage)
@access(staff_perm("cases.view_case"))
def work_log_list(request: HttpRequest, number: str, params: Query[WorkLogListParams]):
    case = selectors.case_get_for_user(user=request.auth, number=number)
    entries = worklog.work_log_for_case(user=request.auth, case=case)
    result = page(request, entries, limit=params.limit, offset=params.offset)
    result["items"] = [work_log_out(e) for e in result["items"]]
    result["total_minutes"] = worklog.total_minutes(entries)
    return result


@router.post("/cases/{number}/work-log", response={201: WorkLogOut})
@access(_KEEPERS)
def work_log_add(request: HttpRequest, number: str, payload: WorkLogIn):
    case = selectors.case_get_for_user(user=request.auth, number=number)
    entry = worklog.work_log_add(
        case=case,
        by=request.auth,
        minutes=payload.minutes,
        worked_on=payload.worked_on,
        note=payload.note,
    )
    return Status(201, work_log_out(entry))


@router.post("/cases/{number}/work-log/{id}/void", response=WorkLogOut)
@access(_KEEPERS)
def work_log_void(request: HttpRequest, number: str, id: int):
    case = selectors.case_get_for_user(user=request.auth, number=number)
    entry = worklog.work_log_get(user=request.auth, case=case, pk=id)
    return work_log_out(worklog.work_log_void(entry=entry, by=request.auth))
