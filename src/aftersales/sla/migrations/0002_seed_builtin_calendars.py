"""Seed the built-in calendars 7x24 and 5x8; rows that exist are left as the admin made them."""

import datetime as dt

from django.db import migrations

# Copied, not imported: a migration must keep meaning what it meant when written.
BUILTINS = {
    "7x24": {
        "name": "7×24",
        "holiday_source": "none",
        "weekly": [(wd, dt.time(0, 0), dt.time(0, 0)) for wd in range(7)],
    },
    "5x8": {
        "name": "5×8（周一至周五 09:00–17:00，法定节假日除外）",
        "holiday_source": "prc",
        "weekly": [(wd, dt.time(9, 0), dt.time(17, 0)) for wd in range(5)],
    },
}


def seed(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    WeeklyHours = apps.get_model("sla", "WeeklyHours")
    for code, spec in BUILTINS.items():
        calendar, created = BusinessCalendar.objects.get_or_create(
            code=code,
            defaults={
                "name": spec["name"],
                "time_zone": "Asia/Shanghai",
                "holiday_source": spec["holiday_source"],
            },
        )
        if created:
            WeeklyHours.objects.bulk_create(
                WeeklyHours(calendar=calendar, weekday=wd, starts_at=start, ends_at=end)
                for wd, start, end in spec["weekly"]
            )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
