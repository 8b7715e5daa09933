"""Demo deliveries in every stage: waiting for the initial inspection, for the professional one,
one that failed the professional inspection and waits for its exchange, one installed and
waiting for the final check, and one accepted with its assets (warranty started).

Runs after the registry and contracts sections: it needs contracts, product models and staff;
each step is recorded with its own `at` in the past (the services accept it).
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
from aftersales.fieldservice import deliveries
from aftersales.fieldservice.models import Delivery
from aftersales.registry.demo import demo_staff
from aftersales.registry.models import ProductModel

ALL_PASSED = {"quantity": True, "appearance": True, "manuals": True, "certificates": True}


def demo_signature() -> str:
    """A drawn-looking signature as the pad sends it (PNG data URL)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 90), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line(
        [(10, 60), (60, 20), (110, 70), (170, 25), (230, 65), (290, 30)], fill="black", width=4
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _days_ago(days: int, hour: int) -> dt.datetime:
    local = timezone.localtime() - dt.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _user(role: str) -> Any:
    return demo_staff(role).first()


def load(demo: Any) -> None:
    """Add five deliveries, one per stage (skipped when the demo has them already)."""
    if Delivery.objects.exists():
        return
    seat, engineer, expert = _user(Role.DISPATCHER), _user(Role.ENGINEER), _user(Role.EXPERT)
    contracts = list(ServiceContract.objects.filter(is_active=True).order_by("pk")[:3])
    models = list(ProductModel.objects.order_by("pk")[:3])
    if not (seat and engineer and expert and contracts and models):
        demo.notes.append("No demo deliveries: they need contracts, models, a seat and inspectors.")
        return
    signature = demo_signature()
    plans = ["initial", "professional", "waiting_fix", "final", "accepted"]
    made = 0
    for index, plan in enumerate(plans):
        contract = contracts[index % len(contracts)]
        start = _days_ago(20 - index * 3, 9)

        def at(hours: int, start: dt.datetime = start) -> dt.datetime:
            return start + dt.timedelta(hours=hours)

        items = [
            {"product_model": models[(index + n) % len(models)].pk,
             "serial_number": f"SN-DL-{index + 1:02d}{n + 1:02d}"}
            for n in range(2)
        ]  # fmt: skip
        try:
            delivery = deliveries.delivery_create(
                by=seat,
                contract=contract.number,
                items=items,
                delivery_note_number=f"SHD-2026-{index + 101}",
                at=start,
            )
            made += 1
            if plan == "initial":
                continue
            deliveries.delivery_inspect(
                delivery=delivery, by=engineer, stage="initial", passed=True,
                checks=ALL_PASSED, notes="数量、外观、说明书、合格证齐全", at=at(2),
            )  # fmt: skip
            deliveries.delivery_sign(
                delivery=delivery,
                by=engineer,
                signed_by="王工（客户设备处）",
                signature=signature,
                at=at(3),
            )
            if plan == "professional":
                continue
            if plan in ("waiting_fix", "accepted"):
                deliveries.delivery_inspect(
                    delivery=delivery, by=expert, stage="professional", passed=False,
                    notes="电源模块耐压测试不合格", at=at(26),
                )  # fmt: skip
                deliveries.delivery_fix_open(
                    delivery=delivery, by=expert, kind="exchange",
                    reference=f"RMA-DEMO-{index + 1:04d}", at=at(28),
                )  # fmt: skip
                if plan == "waiting_fix":
                    continue
                deliveries.delivery_fixed(
                    delivery=delivery, by=expert, notes="已更换电源模块", at=at(50)
                )
            deliveries.delivery_inspect(
                delivery=delivery, by=expert, stage="professional", passed=True,
                notes="质检部检验合格", at=at(52),
            )  # fmt: skip
            deliveries.delivery_installed(delivery=delivery, by=engineer, at=at(70))
            deliveries.delivery_commissioned(delivery=delivery, by=engineer, at=at(74))
            if plan == "final":
                continue
            deliveries.delivery_acceptance_test(
                delivery=delivery, by=engineer, notes="72 小时试运行正常", at=at(98)
            )
            deliveries.delivery_inspect(
                delivery=delivery, by=engineer, stage="final", passed=True,
                notes="终验合格，入库", at=at(120),
            )  # fmt: skip
            deliveries.delivery_sign(
                delivery=delivery,
                by=engineer,
                signed_by="王工（客户设备处）",
                signature=signature,
                at=at(121),
            )
        except ApplicationError as exc:
            demo.notes.append(f"Demo delivery for {contract.number} stopped: {exc.message}")
    demo.add("deliveries", made)
