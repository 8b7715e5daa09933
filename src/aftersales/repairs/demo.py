"""Demo repairs: a carry-in order just received, due back in 72 hours, with a part drawn
from stock. Runs after the cases section; loads the inventory section first (idempotent)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from aftersales.accounts.roles import Role
from aftersales.cases.models import OPEN_STATUSES, Case
from aftersales.core.errors import ApplicationError
from aftersales.inventory import demo as inventory_demo
from aftersales.inventory.selectors import stock_levels
from aftersales.repairs import services
from aftersales.repairs.models import RepairOrder, RepairStatus, ServiceMode
from aftersales.repairs.selectors import fault_categories


def load(demo: Any) -> None:
    """One carry-in order with its due moment and a stock part (skipped when there is one)."""
    if RepairOrder.objects.filter(service_mode=ServiceMode.CARRY_IN).exists():
        return
    inventory_demo.load(demo)
    admin = get_user_model().objects.filter(groups__name=Role.RMA_ADMIN, is_active=True).first()
    case = (
        Case.objects.filter(status__in=OPEN_STATUSES, asset__isnull=False)
        .order_by("created_at")
        .first()
    )
    category = fault_categories().first()
    if admin is None or case is None or category is None:
        demo.notes.append("No demo carry-in repair: it needs an RMA admin and an open case.")
        return
    levels = stock_levels(user=admin).filter(available_count__gt=0, part__serialised=False)
    level = levels.select_related("part", "warehouse").first()
    try:
        order = services.repair_create(
            by=admin,
            case=case,
            service_mode=ServiceMode.CARRY_IN,
            fault_category=category.code,
            fault_text=case.title,
        )
        # Received as it is opened (a receipt may not precede its order): due back in 72 h.
        services.repair_receive(by=admin, order=order)
        if level is not None:
            services.repair_part_draw(
                by=admin,
                order=order,
                warehouse=level.warehouse.code,
                part_number=level.part.part_number,
            )
    except ApplicationError as exc:
        demo.notes.append(f"Demo carry-in repair on {case.number} stopped: {exc.message}")
        return
    demo.add("repair orders", 1)


# (status reached, the case's entitlement it needs: a quote exists only for paid work)
STATE_PLANS = (
    ("quoted", "out_of_warranty"),
    ("approved", "out_of_warranty"),
    ("refused", "out_of_warranty"),
    ("in_progress", ""),
    ("verified", ""),
    ("signed_off", ""),
    ("cancelled", ""),
)
PAID_PARTS = [{"name": "电源模块", "quantity": 1, "unit_price": "800"}]


def _advance(
    admin: Any, order: RepairOrder, state: str, contact_user: Any, seat: Any
) -> RepairOrder:
    """Take an order through the services to `state`, as the people would."""
    if state in ("quoted", "approved", "refused"):
        order = services.repair_update(
            by=admin, order=order, diagnosis="电源模块损坏，需更换", parts=PAID_PARTS
        )
        order = services.repair_quote(by=admin, order=order)
        if state != "quoted":
            # The seat records the customer's answer given by phone.
            order = services.repair_quote_decide(
                by=seat, order=order, approve=state == "approved", name="客户设备负责人"
            )
        return order
    if state == "cancelled":
        return services.repair_cancel(by=admin, order=order, text="客户自行恢复，撤销维修")
    order = services.repair_update(by=admin, order=order, diagnosis="硬盘背板接触不良")
    order = services.repair_start(by=admin, order=order)
    if state in ("verified", "signed_off"):
        order = services.repair_verify(by=admin, order=order, test_results="72小时拷机正常")
    if state == "signed_off":
        order = services.repair_sign_off(by=contact_user, order=order)
    return order


def _paid_case(admin: Any, state: str) -> Case | None:
    """A new case of a customer without a contract about equipment with no warranty left."""
    from aftersales.cases import services as case_services
    from aftersales.contracts.models import ServiceContract
    from aftersales.registry.models import Asset, Customer

    covered = ServiceContract.objects.filter(is_active=True).values("customer_id")
    customer = (
        Customer.objects.filter(is_active=True).exclude(pk__in=covered).order_by("code").first()
    )
    if customer is None:
        return None
    asset = Asset.objects.filter(customer=customer, accepted_on__isnull=True).first()
    return case_services.case_create(
        by=admin,
        customer=customer,
        title=f"设备故障送修（{RepairStatus(state).label}）",
        serial_number=asset.serial_number if asset else "",
        service_mode="onsite",
    )


def load_states(demo: Any) -> None:
    """One order in each further state, on open cases without an order (skipped when done)."""
    if RepairOrder.objects.filter(service_mode=ServiceMode.ONSITE).exists():
        return
    users = get_user_model().objects.filter(is_active=True)
    admin = users.filter(groups__name=Role.RMA_ADMIN).first()
    seat = users.filter(groups__name=Role.DISPATCHER).first()
    category = fault_categories().first()
    if admin is None or seat is None or category is None:
        demo.notes.append("No demo repairs: they need an RMA admin, a seat and fault categories.")
        return
    free = Case.objects.filter(status__in=OPEN_STATUSES, repairs__isnull=True).select_related(
        "contact__user"
    )
    made = 0
    for state, entitlement in STATE_PLANS:
        cases = free.filter(asset__isnull=False)
        if state == "signed_off":
            cases = cases.filter(contact__user__isnull=False)
        # Paid work gets a case of its own: demo cases are mostly under contract or warranty.
        case = _paid_case(admin, state) if entitlement else cases.order_by("created_at").first()
        if case is None:
            demo.notes.append(f"No demo repair {state}: no open case fits it.")
            continue
        try:
            order = services.repair_create(
                by=admin,
                case=case,
                service_mode=ServiceMode.ONSITE,
                fault_category=category.code,
                fault_text=case.title,
            )
            _advance(admin, order, state, getattr(case.contact, "user", None), seat)
        except ApplicationError as exc:
            demo.notes.append(f"Demo repair {state} on {case.number} stopped: {exc.message}")
            continue
        made += 1
    demo.add("repair orders", made)
