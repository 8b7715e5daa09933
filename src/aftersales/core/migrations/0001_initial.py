# The one timeline (issue 10): core.Activity replaces cases.Activity and repairs.RepairEvent.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Activity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("subject_kind", models.CharField(max_length=20, verbose_name="subject kind")),
                ("subject_id", models.BigIntegerField(verbose_name="subject")),
                (
                    "customer_id",
                    models.BigIntegerField(blank=True, null=True, verbose_name="customer"),
                ),
                ("at", models.DateTimeField(verbose_name="at")),
                ("kind", models.CharField(max_length=30, verbose_name="kind")),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("internal", models.BooleanField(default=False, verbose_name="internal note")),
                (
                    "changes",
                    models.JSONField(blank=True, default=dict, verbose_name="changes"),
                ),
                ("data", models.JSONField(blank=True, default=dict)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
            ],
            options={
                "verbose_name": "activity",
                "verbose_name_plural": "activities",
                "ordering": ["at", "id"],
                "indexes": [
                    models.Index(
                        fields=["subject_kind", "subject_id", "at", "id"],
                        name="activity_subject_idx",
                    ),
                    models.Index(fields=["customer_id", "subject_kind", "at"], name="activity_customer_idx"),
                ],
            },
        ),
    ]
