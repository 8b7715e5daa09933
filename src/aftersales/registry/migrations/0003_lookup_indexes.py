"""Indexes for the call-centre lookup (registry/lookup.py, bench/lookup_bench.py)."""

from django.db import migrations, models

# Partial customer names: Django's icontains is UPPER(name::text) LIKE UPPER('%...%'); a trigram
# index on that very expression answers it without reading every customer (PostgreSQL only,
# pg_trgm is a trusted extension the database owner may create; SQLite scans, which is fine at
# its scale).
TRGM_INDEX = "customer_name_upper_trgm_idx"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON registry_customer "
        "USING gin ((UPPER(name::text)) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0002_importjob"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="asset",
            index=models.Index(
                condition=models.Q(("is_active", True)),
                fields=["customer", "serial_number"],
                name="asset_customer_serial_idx",
            ),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
