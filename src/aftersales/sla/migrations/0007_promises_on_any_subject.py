"""Case clocks become promises on a subject of any registered kind (issue 10).

The rows keep their ids (the table is renamed): subject_kind 'case', subject_id the case, and
the case's customer, contract, priority and calendar copied onto each promise. Running promises
of open cases take the case's next sweep check; the sweep recomputes it per promise. Firings
point at the promise of their rule's target instead of the case.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


def fill(apps, schema_editor):
    Promise = apps.get_model("sla", "Promise")
    Firing = apps.get_model("sla", "EscalationFiring")
    Case = apps.get_model("cases", "Case")
    promise, case, firing = (
        Promise._meta.db_table,
        Case._meta.db_table,
        Firing._meta.db_table,
    )

    def of_case(column: str) -> str:
        return f"(SELECT c.{column} FROM {case} c WHERE c.id = {promise}.case_id)"

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {promise} SET subject_id = case_id, "
            f"customer_id = {of_case('customer_id')}, "
            f"contract_id = {of_case('contract_id')}, "
            f"priority = COALESCE({of_case('priority')}, ''), "
            f"calendar = COALESCE(NULLIF({of_case('sla_calendar')}, ''), '5x8'), "
            "next_check_at = CASE WHEN running_since IS NOT NULL "
            f"THEN {of_case('next_sla_check_at')} END"
        )
        cursor.execute(
            f"UPDATE {firing} SET promise_id = (SELECT p.id FROM {promise} p "
            f"JOIN sla_escalationrule r ON r.id = {firing}.rule_id "
            f"WHERE p.case_id = {firing}.case_id AND p.target = r.target)"
        )
        cursor.execute(f"DELETE FROM {firing} WHERE promise_id IS NULL")


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0006_seed_escalation_ladder"),
        ("cases", "0007_queue_indexes_replace_fk_indexes"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="caseclock", name="sla_clock_per_target"),
        migrations.RenameModel(old_name="CaseClock", new_name="Promise"),
        migrations.AddField(
            model_name="promise",
            name="subject_kind",
            field=models.CharField(default="case", max_length=24, verbose_name="subject kind"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="promise",
            name="subject_id",
            field=models.BigIntegerField(null=True, verbose_name="subject"),
        ),
        migrations.AddField(
            model_name="promise",
            name="customer_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="customer"),
        ),
        migrations.AddField(
            model_name="promise",
            name="contract_id",
            field=models.BigIntegerField(
                blank=True, db_index=True, null=True, verbose_name="contract"
            ),
        ),
        migrations.AddField(
            model_name="promise",
            name="priority",
            field=models.CharField(blank=True, default="", max_length=8, verbose_name="priority"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="promise",
            name="rule",
            field=models.CharField(
                choices=[
                    ("service_minutes", "N service minutes on the calendar"),
                    (
                        "cutoff",
                        "Same business day before the cut-off, else next business day noon",
                    ),
                    ("nth_business_day", "By 17:00 of the Nth business day after the day"),
                    ("wall_minutes", "N minutes of wall-clock time"),
                ],
                default="service_minutes",
                max_length=24,
                verbose_name="due rule",
            ),
        ),
        migrations.AddField(
            model_name="promise",
            name="calendar",
            field=models.CharField(default="5x8", max_length=32, verbose_name="calendar"),
        ),
        migrations.AddField(
            model_name="promise",
            name="next_check_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="promise",
            name="target",
            field=models.CharField(max_length=32, verbose_name="target"),
        ),
        migrations.AddField(
            model_name="escalationfiring",
            name="promise",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="firings",
                to="sla.promise",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="escalationfiring", name="sla_firing_once_per_rule"),
        migrations.RemoveField(model_name="escalationfiring", name="case"),
        migrations.AlterField(
            model_name="escalationfiring",
            name="promise",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="firings",
                to="sla.promise",
            ),
        ),
        migrations.AddConstraint(
            model_name="escalationfiring",
            constraint=models.UniqueConstraint(
                fields=("promise", "rule"), name="sla_firing_once_per_rule"
            ),
        ),
        migrations.RemoveField(model_name="promise", name="case"),
        migrations.AlterField(
            model_name="promise",
            name="subject_id",
            field=models.BigIntegerField(verbose_name="subject"),
        ),
        migrations.AddConstraint(
            model_name="promise",
            constraint=models.UniqueConstraint(
                fields=("subject_kind", "subject_id", "target"), name="sla_promise_per_target"
            ),
        ),
        migrations.AddIndex(
            model_name="promise",
            index=models.Index(
                condition=Q(next_check_at__isnull=False),
                fields=["next_check_at", "id"],
                name="sla_promise_next_check_idx",
            ),
        ),
        migrations.AlterModelOptions(
            name="promise",
            options={
                "ordering": ["subject_kind", "subject_id", "target"],
                "permissions": [
                    ("view_penalties", "Can see contract penalties"),
                    ("waive_penalty", "Can waive a penalty line"),
                ],
                "verbose_name": "promise",
                "verbose_name_plural": "promises",
            },
        ),
        migrations.AddField(
            model_name="escalationrule",
            name="subject_kind",
            field=models.CharField(default="case", max_length=24, verbose_name="subject kind"),
        ),
        migrations.AlterField(
            model_name="escalationrule",
            name="priority",
            field=models.CharField(
                blank=True,
                help_text="Empty: every priority.",
                max_length=8,
                verbose_name="priority",
            ),
        ),
        migrations.AlterField(
            model_name="escalationrule",
            name="target",
            field=models.CharField(max_length=32, verbose_name="target"),
        ),
        migrations.AlterField(
            model_name="escalationrule",
            name="anchor",
            field=models.CharField(
                choices=[
                    ("start", "after the clock started"),
                    ("due", "relative to the due moment"),
                    ("share", "at a share (percent) of the promised time"),
                ],
                default="start",
                max_length=8,
                verbose_name="counted",
            ),
        ),
        migrations.AlterField(
            model_name="escalationrule",
            name="offset_minutes",
            field=models.IntegerField(
                help_text=(
                    "After the clock started, before (negative) / after the due moment, "
                    "or the percent of the promised time."
                ),
                verbose_name="offset (service minutes)",
            ),
        ),
    ]
