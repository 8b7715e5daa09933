from django.db import migrations

CASE_TYPES = [
    ("consultation", "咨询", "Consultation", 10),
    ("fault", "故障", "Fault", 20),
    ("installation", "安装", "Installation", 30),
    ("upgrade", "升级", "Upgrade", 40),
    ("inspection", "巡检", "Inspection", 50),
    ("complaint", "投诉相关", "Complaint-related", 60),
    ("data_recovery", "数据恢复", "Data recovery", 70),
    ("other", "其他", "Other", 90),
]


def seed(apps, schema_editor):
    CaseType = apps.get_model("cases", "CaseType")
    for code, name, name_en, order in CASE_TYPES:
        CaseType.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
