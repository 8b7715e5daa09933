"""Which action is allowed in which state: the case's state machine, free of Django."""

from __future__ import annotations

from aftersales.cases.models import Status

OPEN = frozenset(
    {Status.NEW, Status.ASSIGNED, Status.RESPONDED, Status.IN_PROGRESS, Status.WAITING}
)
WORKING = frozenset({Status.RESPONDED, Status.IN_PROGRESS, Status.WAITING})
# An engineer may be on the way or onsite from the moment the case is assigned.
ONSITE_WORK = WORKING | {Status.ASSIGNED}

# action -> states it may start from
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "assign": OPEN,
    "take_over": OPEN,
    "respond": frozenset({Status.ASSIGNED}),
    "diagnose": WORKING,
    "wait": frozenset({Status.RESPONDED, Status.IN_PROGRESS}),
    "resume": frozenset({Status.WAITING}),
    "escalate": WORKING,
    "rma": WORKING,
    "resolve": WORKING,
    "confirm": frozenset({Status.RESOLVED}),
    "reject": frozenset({Status.RESOLVED}),
    "close": frozenset({Status.RESOLVED}),
    "cancel": OPEN,
    "reopen": frozenset({Status.RESOLVED, Status.CLOSED}),
    "comment": frozenset(Status.values),
    "update": OPEN,
    "approval": OPEN,
    "depart": ONSITE_WORK,
    "arrive": ONSITE_WORK,
    "finish": ONSITE_WORK,
}

# Actions a major request may take before its approval says yes.
ALLOWED_BEFORE_APPROVAL = frozenset(
    {"assign", "take_over", "comment", "approval", "cancel", "update"}
)


def is_allowed(action: str, status: str) -> bool:
    return status in ALLOWED_FROM[action]


def allowed_actions(status: str) -> list[str]:
    return [action for action, states in ALLOWED_FROM.items() if status in states]
