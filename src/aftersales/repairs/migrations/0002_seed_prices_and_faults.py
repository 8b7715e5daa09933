"""Default price list and fault categories (configuration is data; edit them in the admin)."""

from decimal import Decimal

from django.db import migrations

FAULTS = (
    ("power", "电源故障", False),
    ("disk", "硬盘/存储故障", False),
    ("board", "主板/板卡故障", False),
    ("memory", "内存故障", False),
    ("fan", "风扇/散热故障", False),
    ("network", "网络/接口故障", False),
    ("display", "显示故障", False),
    ("software", "软件/固件故障", False),
    ("other", "其他故障", True),
)


def seed(apps, schema_editor):
    PriceList = apps.get_model("repairs", "PriceList")
    FaultCategory = apps.get_model("repairs", "FaultCategory")
    if not PriceList.objects.exists():
        PriceList.objects.create(
            name="标准价目表",
            labour_per_hour=Decimal("300.00"),
            travel_per_km=Decimal("3.00"),
            travel_fixed_fee=Decimal("200.00"),
            is_default=True,
        )
    for order, (code, name, generic) in enumerate(FAULTS, start=1):
        FaultCategory.objects.get_or_create(
            code=code, defaults={"name": name, "generic": generic, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("repairs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
