"""Shipped defaults of seed 000 and the response ladder as shares of the target (issue 10).

- P3/P4 respond within 30 minutes, P1/P2 within 60 ("响应时间的规定"), on the shipped 5×8 and
  7×24 levels, where the value is still the one shipped before (60).
- The response ladder runs at half and three quarters of the promised time: 30 and 45 minutes
  of a 60-minute target, 15 and 22.5 of a 30-minute one (domain.md), where still as shipped.
- Penalty waivers now live in contracts (copied by contracts 0004); the old table goes.
"""

from django.db import migrations

RESPONSE = {"P1": 60, "P2": 60, "P3": 30, "P4": 30}
# (offset in minutes as shipped, percent of the target that gives the same at 60 minutes)
LADDER = {30: 50, 45: 75}


def forward(apps, schema_editor):
    SlaTarget = apps.get_model("sla", "SlaTarget")
    EscalationRule = apps.get_model("sla", "EscalationRule")
    for priority, minutes in RESPONSE.items():
        SlaTarget.objects.filter(
            policy__code__in=["5x8", "7x24"], priority=priority, response_minutes=60
        ).update(response_minutes=minutes)
    for offset, percent in LADDER.items():
        EscalationRule.objects.filter(
            subject_kind="case",
            target="response",
            anchor="start",
            offset_minutes=offset,
            action__in=["remind", "reassign"],
        ).update(anchor="share", offset_minutes=percent)


def backward(apps, schema_editor):
    SlaTarget = apps.get_model("sla", "SlaTarget")
    EscalationRule = apps.get_model("sla", "EscalationRule")
    SlaTarget.objects.filter(
        policy__code__in=["5x8", "7x24"], priority__in=["P3", "P4"], response_minutes=30
    ).update(response_minutes=60)
    for offset, percent in LADDER.items():
        EscalationRule.objects.filter(
            subject_kind="case", target="response", anchor="share", offset_minutes=percent
        ).update(anchor="start", offset_minutes=offset)


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0007_promises_on_any_subject"),
        ("contracts", "0004_penalties_on_promises"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="PenaltyWaiver"),
    ]
