"""Seed the 7×24 and 5×8 service levels with the targets of domain.md; 5×8 is the default."""

from django.db import migrations

# minutes: response, diagnosis, resolution, onsite — copied, a migration keeps its meaning.
TARGETS = {
    "P1": (60, 60, 720, 240),
    "P2": (60, 240, 1440, 1440),
    "P3": (60, 1440, 4320, None),
    "P4": (60, 4320, 10080, None),
}
POLICIES = [("7x24", "7×24", "7x24", False), ("5x8", "5×8", "5x8", True)]


def seed(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaTarget = apps.get_model("sla", "SlaTarget")
    for code, name, calendar_code, is_default in POLICIES:
        calendar = BusinessCalendar.objects.get(code=calendar_code)
        policy, created = SlaPolicy.objects.get_or_create(
            code=code, defaults={"name": name, "calendar": calendar, "is_default": is_default}
        )
        if not created:
            continue
        for priority, (response, diagnosis, resolution, onsite) in TARGETS.items():
            SlaTarget.objects.create(
                policy=policy,
                priority=priority,
                response_minutes=response,
                diagnosis_minutes=diagnosis,
                resolution_minutes=resolution,
                onsite_minutes=onsite,
            )


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_sla_policies")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
