"""Seed the return requests' escalation ladder (subject kind "return"); editable in the admin."""

from django.db import migrations

# (name, target, anchor, offset minutes, action, manager levels, order)
# Copied here on purpose: a migration keeps its meaning when the code changes.
LADDER = [
    # Both promises count business days (17:00 of the nth), so the reminders are placed in
    # service time from the start: one business day (480 minutes) before each is due.
    ("Refund: remind the RMA admins a day before", "refund", "start", 4 * 480, "remind", "", 260),
    ("Refund missed: escalate", "refund", "due", 0, "notify_managers", "response_centre", 270),
    ("Exchange: remind the RMA admins a day before", "exchange", "start", 2 * 480, "remind", "", 280),
    ("Exchange missed: escalate", "exchange", "due", 0, "notify_managers", "response_centre", 290),
]


def seed(apps, schema_editor):
    EscalationRule = apps.get_model("sla", "EscalationRule")
    if EscalationRule.objects.filter(subject_kind="return").exists():
        return
    for name, target, anchor, offset, action, levels, order in LADDER:
        EscalationRule.objects.create(
            name=name,
            subject_kind="return",
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
    apps.get_model("sla", "EscalationRule").objects.filter(subject_kind="return").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rma", "0004_vendor_repair_and_shipped_serial"),
        ("sla", "0008_shipped_defaults_and_waivers_moved"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
