"""Demo inspections (巡检): plans of the current contract year for the demo contracts, the
visits already past done (checklist, signature, report), one left overdue, the rest planned.

Runs after the contracts section; each step is recorded with its own `at` in the past.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.contracts.models import ServiceContract
from aftersales.core.errors import ApplicationError
from aftersales.fieldservice import inspection_plans, inspections
from aftersales.fieldservice.models import ChecklistItemKind, InspectionPlan
from aftersales.registry.demo import demo_staff

MAX_CONTRACTS = 6


def signature_data_url() -> str:
    """A drawn-looking signature: a dark stroke on a transparent canvas, as a PNG data URL."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(20, 70), (90, 25), (150, 75), (220, 30), (280, 60)], fill=(20, 20, 20, 255), width=4
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _results(visit, *, high: bool) -> list[dict]:
    rows = []
    for item in inspections.checklist_items(visit):
        if item.kind == ChecklistItemKind.CHECK:
            rows.append({"item": item.pk, "ok": True})
        elif item.kind == ChecklistItemKind.MEASURE:
            middle = (item.min_value + item.max_value) / 2 if item.min_value is not None else 1
            value = item.max_value + 6 if high and item.unit == "V" else middle
            rows.append({"item": item.pk, "value": value})
    return rows


def load(demo: Any) -> None:
    """Plans for up to six demo contracts (skipped when the demo has plans already)."""
    if InspectionPlan.objects.exists():
        return
    engineer = demo_staff(Role.ENGINEER).first()
    planner = demo_staff(Role.DISPATCHER).first() or demo_staff(Role.ADMIN).first()
    today = demo.today
    contracts = list(
        ServiceContract.objects.filter(is_active=True, starts_on__lte=today, ends_on__gte=today)
        .select_related("customer")
        .order_by("starts_on", "pk")[:MAX_CONTRACTS]
    )
    if engineer is None or planner is None or not contracts:
        demo.notes.append("No demo inspections: they need an engineer, a dispatcher and contracts.")
        return
    signature = signature_data_url()
    plans = done = 0
    overdue_left = False
    try:
        for contract in contracts:
            generated = inspection_plans.generate_plan(
                contract=contract, by=planner, engineer=engineer
            )
            plans += 1
            past = list(generated.plan.visits.filter(planned_on__lt=today).order_by("planned_on"))
            if past and not overdue_left:
                past, overdue_left = past[:-1], True  # the last past visit stays overdue
            for index, visit in enumerate(past):
                at = dt.datetime.combine(
                    visit.planned_on, dt.time(10, 30), tzinfo=timezone.get_default_timezone()
                )
                inspections.visit_record_checks(
                    visit=visit, by=engineer, results=_results(visit, high=index == 0)
                )
                if index == 0:
                    inspections.visit_add_finding(
                        visit=visit,
                        by=engineer,
                        text="供电电压偏高，建议检查稳压设备",
                        open_case=True,
                    )
                inspections.visit_sign(
                    visit=visit, by=engineer, signed_by="王主任", signature=signature
                )
                inspections.visit_complete(
                    visit=visit,
                    by=engineer,
                    at=at,
                    findings="设备运行正常" if index else "供电电压偏高",
                    advice="建议定期清理机房灰尘",
                )
                inspections.visit_file_report(visit_id=visit.pk)
                done += 1
    except ApplicationError as exc:
        demo.notes.append(f"Demo inspections stopped: {exc.message}")
    demo.add("inspection plans", plans)
    demo.add("inspection visits done", done)
    if not overdue_left:
        demo.notes.append("No overdue demo visit: no contract year had a past visit.")
