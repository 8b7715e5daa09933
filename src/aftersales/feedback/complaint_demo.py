"""Demo complaints: one waiting for the department's answer, one answered and told, one re-sent
after an unsatisfied customer, one closed satisfied (one of them anonymous).

Runs after the registry section: it needs customers and a complaint officer; each step is
recorded with its own `at` in the past (the services accept it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.core.errors import ApplicationError
from aftersales.feedback import complaints
from aftersales.feedback.models import Channel, Complaint, Department
from aftersales.registry.models import Customer


def _hours_ago(hours: float) -> dt.datetime:
    return (timezone.now() - dt.timedelta(hours=hours)).replace(second=0, microsecond=0)


def load(demo: Any) -> None:
    """Add four complaints in different steps (skipped when the demo has them already)."""
    if Complaint.objects.exists():
        return
    users = get_user_model().objects.filter(is_active=True)
    officer = users.filter(groups__name=Role.COMPLAINT_OFFICER).first()
    customers = list(Customer.objects.order_by("pk")[:2])
    if officer is None or not customers:
        demo.notes.append("No demo complaints: they need a complaint officer and customers.")
        return
    plans = [
        # (hours ago, channel, department, anonymous, text, how far)
        (1, Channel.PHONE, Department.FIELD, False, "工程师上门迟到两个小时，且未提前通知。", ""),
        (30, Channel.EMAIL, Department.SPARE_PARTS, True, "备件发货延误，影响业务恢复。", "inform"),
        (80, Channel.PORTAL, Department.SERVICE, False, "热线多次转接，问题无人跟进。", "resent"),
        (240, Channel.PHONE, Department.TECHNICAL, False, "远程支持未能定位故障。", "closed"),
    ]
    made = 0
    for index, (hours, channel, department, anonymous, text, how_far) in enumerate(plans):
        customer = customers[index % len(customers)]
        at = _hours_ago(hours)
        try:
            complaint = complaints.complaint_receive(
                by=officer,
                customer=customer.code,
                text=text,
                channel=channel,
                department=department,
                complainant_name="王先生" if anonymous else "李女士",
                complainant_phone="13800138000",
                anonymous=anonymous,
                at=at,
            )
            made += 1
            if not how_far:
                continue
            complaints.complaint_answer(
                complaint=complaint,
                by=officer,
                text="已核实情况，责任部门将于今日内联系客户说明处理方案。",
                at=at + dt.timedelta(minutes=90),
            )
            complaints.complaint_inform(
                complaint=complaint, by=officer, accepted=True, at=at + dt.timedelta(hours=2)
            )
            if how_far == "inform":
                continue
            complaints.complaint_resolve(
                complaint=complaint,
                by=officer,
                result="已完成整改并向客户致歉。",
                corrective_actions="加强派工提醒，纳入月度考核。",
                accountable="张工",
                at=at + dt.timedelta(hours=20),
            )
            satisfied = how_far == "closed"
            complaints.complaint_verify(
                complaint=complaint,
                by=officer,
                satisfied=satisfied,
                text="" if satisfied else "客户认为处理不彻底",
                at=at + dt.timedelta(hours=26),
            )
            if satisfied:
                complaints.complaint_close(
                    complaint=complaint, by=officer, at=at + dt.timedelta(hours=27)
                )
        except ApplicationError as exc:
            demo.notes.append(f"Demo complaint for {customer.code} stopped: {exc.message}")
    demo.add("complaints", made)
