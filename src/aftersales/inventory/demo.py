"""Demo spare parts: parts fitting the demo's product models, a central and a regional
warehouse with stock booked through the services, and a reorder point. Idempotent."""

from __future__ import annotations

from decimal import Decimal

from aftersales.accounts.models import User
from aftersales.inventory import services
from aftersales.inventory.models import Part, ReorderPoint, Warehouse, WarehouseKind
from aftersales.registry.demo import Demo
from aftersales.registry.models import ProductModel

# (part number, name, fits model, unit cost, sale price, serialised)
PARTS = [
    ("02312QKN", "2288H V6 电源模块 900W", "FusionServer 2288H V6", "860.00", "1280.00", False),
    ("02313BWM", "Dorado 5000 V6 控制器", "OceanStor Dorado 5000 V6", "38000.00", "52000.00", True),
    ("0235G7LF", "CE6730 风扇模块", "CloudEngine S6730-H24X6C", "420.00", "690.00", False),
    ("0231Y1AB", "R4900 G5 主板", "UniServer R4900 G5", "6800.00", "9800.00", True),
    ("SSD-960G", "960GB SATA 固态硬盘", "NF5280M6", "720.00", "1150.00", False),
]
# (code, name, kind, region)
WAREHOUSES = [
    ("WH-BJ-CENTRAL", "北京中心备件库", WarehouseKind.CENTRAL, "华北"),
    ("WH-SH", "上海服务中心备件库", WarehouseKind.REGIONAL, "华东"),
]
# part number → (central quantity, Shanghai quantity)
STOCK = {"02312QKN": (6, 2), "02313BWM": (2, 1), "0235G7LF": (8, 3), "0231Y1AB": (1, 0)}


def load(demo: Demo) -> None:
    if Warehouse.objects.filter(code=WAREHOUSES[0][0]).exists():
        return
    keeper = (
        User.objects.filter(username="wh1").first()
        or User.objects.filter(is_superuser=True).first()
    )
    if keeper is None:
        return
    models = {m.name: m for m in ProductModel.objects.filter(name__in=[p[2] for p in PARTS])}
    parts = {}
    for number, name, model, cost, price, serialised in PARTS:
        part = Part.objects.filter(part_number=number).first() or services.part_create(
            by=keeper,
            part_number=number,
            name=name,
            serialised=serialised,
            unit_cost=Decimal(cost),
            sale_price=Decimal(price),
            product_models=[models[model]] if model in models else [],
        )
        parts[number] = part
    warehouses = [
        services.warehouse_create(
            by=keeper, code=code, name=name, kind=kind, region=region, keepers=[keeper]
        )
        for code, name, kind, region in WAREHOUSES
    ]
    for number, quantities in STOCK.items():
        part = parts[number]
        for warehouse, quantity in zip(warehouses, quantities, strict=True):
            if quantity:
                serials = (
                    [f"{number}-{warehouse.code[-2:]}{n:03d}" for n in range(quantity)]
                    if part.serialised
                    else None
                )
                services.stock_receive(
                    by=keeper, part=part, warehouse=warehouse, quantity=quantity, serials=serials
                )
    services.reorder_point_set(
        by=keeper, part=parts["02312QKN"], warehouse=warehouses[1], minimum=2
    )
    demo.add("spare parts", len(parts))
    demo.add("warehouses", len(warehouses))
    demo.add("reorder points", ReorderPoint.objects.count())
