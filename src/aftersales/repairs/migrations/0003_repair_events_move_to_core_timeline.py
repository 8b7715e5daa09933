# Repair events move into the one timeline (core.Activity, subject kind "repair"), in their
# order and with their timestamps; then the old table goes. Runs after the case activities
# were copied with their own ids, so the new ids continue after them.

from django.db import migrations


def copy_repair_events(apps, schema_editor):
    empty = "CAST('{}' AS jsonb)" if schema_editor.connection.vendor == "postgresql" else "'{}'"
    schema_editor.execute(
        "INSERT INTO core_activity"
        " (subject_kind, subject_id, customer_id, at, actor_id, kind, text, internal,"
        " changes, data)"
        f" SELECT 'repair', e.order_id, o.customer_id, e.at, e.actor_id, e.kind, e.text,"
        f" %s, {empty}, e.data"
        " FROM repairs_repairevent e JOIN repairs_repairorder o ON o.id = e.order_id"
        " ORDER BY e.at, e.id",
        [False],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0002_seed_prices_and_faults"),
        ("core", "0001_initial"),
        ("cases", "0008_activity_moves_to_core_timeline"),
    ]

    operations = [
        migrations.RunPython(copy_repair_events, elidable=False),
        migrations.DeleteModel(name="RepairEvent"),
    ]
