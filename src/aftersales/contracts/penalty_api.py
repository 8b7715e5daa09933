"""Contract penalty endpoints (paths kept from when the engine served them)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.contracts import penalties
from aftersales.contracts.penalties import PenaltyLine, PenaltyStatement
from aftersales.contracts.penalty_schemas import (
    PenaltyLineOut,
    PenaltyParams,
    PenaltyStatementOut,
    WaiveIn,
)

router = Router(tags=["sla"])


def line_out(line: PenaltyLine) -> dict:
    waiver = line.waiver
    return {
        "id": line.id,
        "case": line.case_number,
        "target": line.target,
        "basis": line.basis,
        "percent": line.percent,
        "due_at": line.due_at,
        "late_by_minutes": int(line.late_by.total_seconds() // 60),
        "days": line.days,
        "amount": line.amount,
        "running": line.running,
        "waived": line.waived,
        "waiver": (
            {"by": str(waiver.waived_by), "at": waiver.waived_at, "reason": waiver.reason}
            if waiver is not None
            else None
        ),
        "explanation": line.explanation,
    }


def statement_out(statement: PenaltyStatement) -> dict:
    return {
        "contract": statement.contract.number,
        "value": statement.contract.value,
        "start": statement.start,
        "end": statement.end,
        "lines": [line_out(line) for line in statement.lines],
        "total": statement.total,
        "waived_total": statement.waived_total,
        "payable_total": statement.payable_total,
    }


@router.get("/contracts/{number}/penalties", response=PenaltyStatementOut)
@access(staff_perm("sla.view_penalties"))
def contract_penalties(request: HttpRequest, number: str, period: Query[PenaltyParams]):
    """Penalty lines of the contract whose due moment was missed in [from, to] (local dates)."""
    statement = penalties.penalty_statement_for_user(
        user=request.auth, number=number, start=period.start, end=period.end
    )
    return statement_out(statement)


@router.post("/penalties/{line_id}/waive", response=PenaltyLineOut)
@access(staff_perm("sla.view_penalties", "sla.waive_penalty"))
def penalty_waive(request: HttpRequest, line_id: str, payload: WaiveIn):
    line = penalties.penalty_waive(line_id=line_id, by=request.auth, reason=payload.reason)
    return line_out(line)
