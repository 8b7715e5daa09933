"""Builders for the report tests: rows written directly, so each test states exactly what a
KPI must count (the services that write them are tested in their own apps).

`case(...)`, `promise(...)`, `activity(...)` and friends take the moments they record;
`engineer_in(team)` gives an engineer login with a team; `contract(...)` a contract with the
default penalty rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from decimal import Decimal
from typing import Any

from django.utils import timezone

from aftersales.cases.models import Case, CaseType, WorkLog
from aftersales.contracts.models import PenaltyRule, ServiceContract
from aftersales.core.models import Activity
from aftersales.feedback.models import (
    Callback,
    CallbackRule,
    Complaint,
    SurveyAnswer,
    SurveyInvitation,
    SurveyTemplate,
)
from aftersales.registry.models import Engineer
from aftersales.sla.models import Promise, SlaPolicy
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(*parts: int) -> dt.datetime:
    """A Shanghai moment: at(2026, 3, 2, 9) is 09:00 local on 2 March 2026."""
    return dt.datetime(*parts, tzinfo=SHANGHAI)


def engineer_in(team: str, username: str, *, region: str = "华东", role: str = "engineer"):
    """A staff login of `role` with an engineer profile in `team`."""
    user = factories.staff_user(username, role=role)
    Engineer.objects.update_or_create(
        user=user, defaults={"name": username, "phone": "", "region": region, "team": team}
    )
    return user


def contract(customer: Any, number: str, *, value: str = "100000.00") -> ServiceContract:
    """A 5×8 contract with the default penalty rules (1 % per missed response, 1 % a day late
    on resolution)."""
    made = ServiceContract.objects.create(
        number=number,
        customer=customer,
        sla_policy=SlaPolicy.objects.get(code="5x8"),
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        value=Decimal(value),
    )
    PenaltyRule.objects.create(
        contract=made, target="response", basis="occurrence", percent_of_value=Decimal("1.00")
    )
    PenaltyRule.objects.create(
        contract=made, target="resolution", basis="day_late", percent_of_value=Decimal("1.00")
    )
    return made


def case(
    customer: Any,
    created_at: dt.datetime,
    *,
    priority: str = "P3",
    assignee: Any = None,
    contract: ServiceContract | None = None,
    product_model: Any = None,
    resolved_at: dt.datetime | None = None,
    closed_at: dt.datetime | None = None,
    status: str = "",
) -> Case:
    """A case row as of its moments; status follows them unless given."""
    status = status or ("closed" if closed_at else "resolved" if resolved_at else "new")
    return Case.objects.create(
        number=f"CS-R-{next(_numbers):06d}",
        title="报表测试",
        customer=customer,
        case_type=CaseType.objects.get(code="fault"),
        priority=priority,
        channel="phone",
        status=status,
        assignee=assignee,
        contract=contract,
        product_model=product_model,
        created_at=created_at,
        updated_at=closed_at or resolved_at or created_at,
        resolved_at=resolved_at,
        closed_at=closed_at,
    )


def promise(
    subject: Any,
    target: str,
    started_at: dt.datetime,
    *,
    kind: str = "case",
    minutes: int = 60,
    used: int = 0,
    completed_at: dt.datetime | None = None,
    breached_at: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
    stopped_at: dt.datetime | None = None,
    customer_id: int | None = None,
    contract_id: int | None = None,
    priority: str | None = None,
) -> Promise:
    """A promise row: met when completed without a breach, running when neither completed
    nor stopped. `used` is the service minutes banked."""
    done = completed_at is not None
    running = not done and stopped_at is None
    return Promise.objects.create(
        subject_kind=kind,
        subject_id=subject.pk,
        customer_id=customer_id if customer_id is not None else subject.customer_id,
        contract_id=contract_id
        if contract_id is not None
        else getattr(subject, "contract_id", None),
        priority=priority if priority is not None else getattr(subject, "priority", ""),
        target=target,
        minutes=minutes,
        started_at=started_at,
        running_since=started_at if running else None,
        used=dt.timedelta(minutes=used),
        due_at=due_at or started_at + dt.timedelta(minutes=minutes),
        completed_at=completed_at,
        stopped_at=stopped_at,
        breached_at=breached_at,
        met=(breached_at is None) if done else None,
    )


def activity(case: Case, kind: str, moment: dt.datetime, *, actor: Any = None) -> Activity:
    """One row on the case's timeline."""
    return Activity.objects.create(
        subject_kind="case",
        subject_id=case.pk,
        customer_id=case.customer_id,
        at=moment,
        kind=kind,
        actor=actor,
    )


def work(case: Case, user: Any, day: dt.date, minutes: int, *, voided: bool = False) -> WorkLog:
    return WorkLog.objects.create(
        case=case,
        user=user,
        minutes=minutes,
        worked_on=day,
        voided_at=timezone.now() if voided else None,
    )


def survey(
    customer: Any,
    answered_at: dt.datetime,
    *,
    overall: int,
    recommend: int,
    engineer: Any = None,
    case: Case | None = None,
) -> SurveyInvitation:
    """An answered survey: the overall rating (1–5) and the recommendation (0–10)."""
    template = SurveyTemplate.objects.filter(code="satisfaction").order_by("-version").first()
    invitation = SurveyInvitation.objects.create(
        template=template,
        reason="case" if case else "quarterly",
        customer=customer,
        case=case,
        engineer=engineer,
        period="" if case else f"Q{next(_numbers)}",
        nonce=f"n{next(_numbers):030d}",
        sent_at=answered_at - dt.timedelta(days=1),
        expires_at=answered_at + dt.timedelta(days=13),
        answered_at=answered_at,
        created_at=answered_at - dt.timedelta(days=1),
    )
    for question in template.questions.all():
        if question.kind == "rating" and question.dimension == "overall":
            SurveyAnswer.objects.create(invitation=invitation, question=question, number=overall)
        elif question.kind == "nps":
            SurveyAnswer.objects.create(invitation=invitation, question=question, number=recommend)
    return invitation


def callback(customer: Any, due_on: dt.date, status: str, *, case: Case | None = None) -> Callback:
    return Callback.objects.create(
        rule=CallbackRule.objects.order_by("pk").first(),
        period=f"{due_on:%Y-%m}",
        customer=customer,
        case=case,
        due_on=due_on,
        status=status,
        created_at=timezone.now(),
    )


def complaint(
    customer: Any,
    received_at: dt.datetime,
    *,
    answered_at: dt.datetime | None = None,
    cases: tuple = (),
) -> Complaint:
    made = Complaint.objects.create(
        number=f"TS-R-{next(_numbers):06d}",
        customer=customer,
        channel="phone",
        text="投诉",
        received_at=received_at,
        answered_at=answered_at,
        created_at=received_at,
        updated_at=received_at,
    )
    made.cases.set(cases)
    return made
