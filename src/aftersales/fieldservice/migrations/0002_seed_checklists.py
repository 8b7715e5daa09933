"""Seed the default inspection checklist (巡检手册, domain.md "Preventive maintenance"): the system
check (software, hardware, power, alarms, earlier faults), the general check (operation,
maintenance needs, advice) and two measured values with their acceptable ranges. The template
has no product line: plans of any line use it until a line gets its own. Editable in the admin;
copied here on purpose, a migration keeps its meaning when code changes.
"""

from decimal import Decimal

from django.db import migrations

NAME = "通用巡检清单"
# (section, position, label, kind, unit, min, max)
ITEMS = [
    ("system", 10, "软件检查：版本、运行状态、日志", "check", "", None, None),
    ("system", 20, "硬件检查：板卡、硬盘、风扇、指示灯", "check", "", None, None),
    ("system", 30, "电源检查：冗余电源、UPS、接地", "check", "", None, None),
    ("system", 40, "告警检查：当前告警与历史告警", "check", "", None, None),
    ("system", 50, "既往故障复查：以往故障是否复发", "check", "", None, None),
    ("system", 60, "供电电压", "measure", "V", Decimal("210"), Decimal("230")),
    ("system", 70, "机房温度", "measure", "°C", Decimal("15"), Decimal("30")),
    ("general", 10, "运行情况：业务是否正常运行", "check", "", None, None),
    ("general", 20, "维护需求：客户提出的维护需求", "text", "", None, None),
    ("general", 30, "维护建议：优化与改进建议", "text", "", None, None),
]


def seed(apps, schema_editor):
    template_model = apps.get_model("fieldservice", "ChecklistTemplate")
    item_model = apps.get_model("fieldservice", "ChecklistItem")
    if template_model.objects.filter(product_line="", name=NAME).exists():
        return
    template = template_model.objects.create(name=NAME, product_line="", is_active=True)
    item_model.objects.bulk_create(
        item_model(
            template=template,
            section=section,
            position=position,
            label=label,
            kind=kind,
            unit=unit,
            min_value=low,
            max_value=high,
        )
        for section, position, label, kind, unit, low, high in ITEMS
    )


class Migration(migrations.Migration):
    dependencies = [("fieldservice", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
