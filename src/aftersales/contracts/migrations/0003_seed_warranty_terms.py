"""Default warranty terms from domain.md: hardware 36 months, software 12, parts and
integration work 3, all counted from final acceptance (自系统终验合格之日起)."""

from django.db import migrations

EXCLUSIONS = (
    "人为损坏或使用不当(misuse)、意外事故(accident)、进液(liquid)、"
    "未经授权的拆机(unauthorised disassembly)、不可抗力(force majeure)不在保修范围内。"
)
TERMS = (("hardware", 36), ("software", 12), ("part", 3), ("integration", 3))


def seed(apps, schema_editor):
    WarrantyTerm = apps.get_model("contracts", "WarrantyTerm")
    for kind, months in TERMS:
        if not WarrantyTerm.objects.filter(product_model=None, kind=kind).exists():
            WarrantyTerm.objects.create(
                kind=kind, months=months, starts_from="acceptance", exclusions=EXCLUSIONS
            )


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_warranty_term")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
