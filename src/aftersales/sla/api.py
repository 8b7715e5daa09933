"""SLA endpoints: a contract's penalties, waiving a line, answering an escalation."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from aftersales.accounts.endpoint_access import STAFF, access, staff_perm
from aftersales.sla import selectors, services
from aftersales.sla.penalties import PenaltyLine, PenaltyStatement
from aftersales.sla.schemas import (
    AcknowledgeIn,
    EscalationOut,
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
    statement = selectors.penalty_statement_for_user(
        user=request.auth, number=number, start=period.start, end=period.end
    )
    return statement_out(statement)


@router.post("/penalties/{line_id}/waive", response=PenaltyLineOut)
@access(staff_perm("sla.view_penalties", "sla.waive_penalty"))
def penalty_waive(request: HttpRequest, line_id: str, payload: WaiveIn):
    line = services.penalty_waive(line_id=line_id, by=request.auth, reason=payload.reason)
    return line_out(line)


@router.post("/escalations/{firing_id}/acknowledge", response=EscalationOut)
@access(STAFF)
def escalation_acknowledge(request: HttpRequest, firing_id: int, payload: AcknowledgeIn):
    firing = services.escalation_acknowledge(
        firing_id=firing_id, by=request.auth, text=payload.text
    )
    return {
        "id": firing.pk,
        "case": firing.case.number,
        "rule": firing.rule.name,
        "fired_at": firing.fired_at,
        "late": firing.late,
        "ack_due_at": firing.ack_due_at,
        "acknowledged_at": firing.acknowledged_at,
        "acknowledged_by": str(firing.acknowledged_by) if firing.acknowledged_by else None,
    }
