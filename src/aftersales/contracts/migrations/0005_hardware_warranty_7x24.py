"""The default hardware warranty is 3 years 7×24 from final acceptance (domain.md, issue 10)."""

from django.db import migrations


def forward(apps, schema_editor):
    WarrantyTerm = apps.get_model("contracts", "WarrantyTerm")
    # Only the shipped default as it was seeded (no product model, no service level chosen).
    WarrantyTerm.objects.filter(
        product_model=None, kind="hardware", months=36, service_level=""
    ).update(service_level="7x24", starts_from="acceptance")


def backward(apps, schema_editor):
    WarrantyTerm = apps.get_model("contracts", "WarrantyTerm")
    WarrantyTerm.objects.filter(
        product_model=None, kind="hardware", months=36, service_level="7x24"
    ).update(service_level="")


class Migration(migrations.Migration):
    dependencies = [("contracts", "0004_penalties_on_promises")]
    operations = [migrations.RunPython(forward, backward)]
