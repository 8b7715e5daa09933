"""Seed the RMA's escalation ladder (subject kind "rma"); editable in the admin."""

from django.db import migrations

# (name, target, anchor, offset minutes, action, manager levels, order)
# Copied here on purpose: a migration keeps its meaning when the code changes.
LADDER = [
    ("RMA spare shipment: remind the RMA admins at 75 %", "ship_by", "share", 75, "remind", "", 200),
    (
        "RMA spare shipment missed: escalate",
        "ship_by",
        "due",
        0,
        "notify_managers",
        "response_centre",
        210,
    ),
    # 8 business days (of 10) after delivery: two days before the faulty part is due back.
    ("RMA faulty part: remind two days before due", "faulty_return", "start", 8 * 480, "remind", "", 220),
    (
        "RMA faulty part not returned: escalate",
        "faulty_return",
        "due",
        0,
        "notify_managers",
        "response_centre",
        230,
    ),
    ("RMA swap repair: remind at 75 %", "swap_repair", "share", 75, "remind", "", 240),
    (
        "RMA swap repair missed: escalate",
        "swap_repair",
        "due",
        0,
        "notify_managers",
        "technical",
        250,
    ),
]


def seed(apps, schema_editor):
    EscalationRule = apps.get_model("sla", "EscalationRule")
    if EscalationRule.objects.filter(subject_kind="rma").exists():
        return
    for name, target, anchor, offset, action, levels, order in LADDER:
        EscalationRule.objects.create(
            name=name,
            subject_kind="rma",
            target=target,
            anchor=anchor,
            offset_minutes=offset,
            action=action,
            manager_levels=levels,
            by_email=True,
            by_sms=False,
            sort_order=order,
        )


def unseed(apps, schema_editor):
    apps.get_model("sla", "EscalationRule").objects.filter(subject_kind="rma").delete()


class Migration(migrations.Migration):
    dependencies = [("rma", "0001_initial"), ("sla", "0008_shipped_defaults_and_waivers_moved")]
    operations = [migrations.RunPython(seed, unseed)]
