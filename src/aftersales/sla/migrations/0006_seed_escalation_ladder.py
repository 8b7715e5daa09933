"""Seed the escalation ladder of domain.md ("Time promises"); editable in the admin."""

from django.db import migrations

# (name, priority, target, anchor, offset, action, manager levels, manager minutes, order)
# Copied here on purpose: a migration keeps its meaning when the code changes.
LADDER = [
    ("Response reminder at 30 min", "", "response", "start", 30, "remind", "", None, 10),
    ("Response reminder at 45 min", "", "response", "start", 45, "remind", "", None, 20),
    (
        "Reassign after 45 min without response",
        "",
        "response",
        "start",
        45,
        "reassign",
        "",
        None,
        30,
    ),
    (
        "P1 diagnosis missed: response-centre manager",
        "P1",
        "diagnosis",
        "due",
        0,
        "notify_managers",
        "response_centre",
        24 * 60,
        40,
    ),
    (
        "P2 diagnosis missed: technical and response-centre managers",
        "P2",
        "diagnosis",
        "due",
        0,
        "notify_managers",
        "technical,response_centre",
        24 * 60,
        50,
    ),
    (
        "P3 diagnosis missed: technical-centre and technical managers",
        "P3",
        "diagnosis",
        "due",
        0,
        "notify_managers",
        "technical_centre,technical",
        48 * 60,
        60,
    ),
    (
        "P4 diagnosis missed: general manager",
        "P4",
        "diagnosis",
        "due",
        0,
        "notify_managers",
        "general",
        72 * 60,
        70,
    ),
]


def seed(apps, schema_editor):
    EscalationRule = apps.get_model("sla", "EscalationRule")
    if EscalationRule.objects.exists():
        return
    for name, priority, target, anchor, offset, action, levels, minutes, order in LADDER:
        EscalationRule.objects.create(
            name=name,
            priority=priority,
            target=target,
            anchor=anchor,
            offset_minutes=offset,
            action=action,
            manager_levels=levels,
            manager_response_minutes=minutes,
            by_email=True,
            by_sms=True,
            sort_order=order,
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0005_clocks_escalation_penalties")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
