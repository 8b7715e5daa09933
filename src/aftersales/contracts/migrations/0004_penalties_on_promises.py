"""Penalty rules name a subject kind; waivers move from sla to contracts (issue 10)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_waivers(apps, schema_editor):
    Old = apps.get_model("sla", "PenaltyWaiver")
    New = apps.get_model("contracts", "PenaltyWaiver")
    New.objects.bulk_create(
        New(
            promise_id=w.clock_id,
            rule_id=w.rule_id,
            reason=w.reason,
            waived_by_id=w.waived_by_id,
            waived_at=w.waived_at,
        )
        for w in Old.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_seed_warranty_terms"),
        ("sla", "0007_promises_on_any_subject"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="penaltyrule", name="penalty_rule_once"),
        migrations.AddField(
            model_name="penaltyrule",
            name="subject_kind",
            field=models.CharField(default="case", max_length=24, verbose_name="subject kind"),
        ),
        migrations.AlterField(
            model_name="penaltyrule",
            name="target",
            field=models.CharField(max_length=32, verbose_name="target"),
        ),
        migrations.AddConstraint(
            model_name="penaltyrule",
            constraint=models.UniqueConstraint(
                fields=("contract", "subject_kind", "target", "basis"), name="penalty_rule_once"
            ),
        ),
        migrations.CreateModel(
            name="PenaltyWaiver",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="reason")),
                ("waived_at", models.DateTimeField(verbose_name="waived at")),
                (
                    "promise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="waivers",
                        to="sla.promise",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="waivers",
                        to="contracts.penaltyrule",
                    ),
                ),
                (
                    "waived_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="waived by",
                    ),
                ),
            ],
            options={
                "verbose_name": "penalty waiver",
                "verbose_name_plural": "penalty waivers",
                "ordering": ["-waived_at"],
            },
        ),
        migrations.AddConstraint(
            model_name="penaltywaiver",
            constraint=models.UniqueConstraint(
                fields=("promise", "rule"), name="contracts_penalty_waived_once"
            ),
        ),
        migrations.RunPython(copy_waivers, migrations.RunPython.noop),
    ]
