"""Seed the customer-voice defaults of domain.md: the callback rules, the default satisfaction
survey (《客户满意度调查函》), its settings row and the complaint and callback-problem ladders.
All editable in the admin; copied here on purpose, a migration keeps its meaning when code changes.
"""

from django.db import migrations
from django.utils import timezone

# (code, name, name_en, kind, days_after, order, script)
CALLBACK_RULES = [
    (
        "warranty-quarterly",
        "在保设备季度询检",
        "Accepted equipment in warranty, every quarter",
        "warranty_quarterly",
        0,
        10,
        "您好，这里是售后服务中心。按照服务承诺，我们每季度对在保设备进行电话询检："
        "设备目前运行是否正常？近期是否有告警或故障？对我们的服务有什么意见和建议？",
    ),
    (
        "commissioned-monthly",
        "本月验收设备回访",
        "Equipment commissioned or accepted this month",
        "commissioned_monthly",
        0,
        20,
        "您好，这里是售后服务中心。贵单位本月有设备完成安装调试/验收，想了解："
        "设备运行是否稳定？安装调试工程师的工作是否规范？还有哪些需要我们协助的？",
    ),
    (
        "onsite-monthly",
        "本月现场支持回访",
        "This month's onsite supports",
        "onsite_monthly",
        0,
        30,
        "您好，这里是售后服务中心。本月我们的工程师到现场为您提供了技术支持，想了解："
        "问题是否彻底解决？工程师的响应速度、专业水平和服务态度您是否满意？",
    ),
    (
        "after-case",
        "服务请求结束回访",
        "After each closed case",
        "after_case",
        3,
        40,
        "您好，这里是售后服务中心。您提交的服务请求已经关闭，想确认："
        "问题是否已经解决？处理过程中有哪些让您不满意的地方？",
    ),
]

# (order, kind, dimension, text, text_en)
SURVEY_QUESTIONS = [
    (1, "rating", "response_speed", "您对我们响应速度的评价", "How do you rate our response speed?"),
    (2, "rating", "resolution", "您对问题解决效率的评价", "How do you rate how efficiently the problem was solved?"),
    (3, "rating", "expertise", "您对工程师专业水平的评价", "How do you rate the engineers' expertise?"),
    (4, "rating", "attitude", "您对服务态度的评价", "How do you rate our service attitude?"),
    (5, "rating", "engineering", "您对工程规范（着装、操作、现场整洁）的评价", "How do you rate our engineering standards (dress, procedure, a tidy site)?"),
    (6, "rating", "overall", "您对本次服务的总体满意度", "Overall, how satisfied are you with this service?"),
    (7, "nps", "", "您有多大可能向同行推荐我们的服务（0–10）", "How likely are you to recommend our service to a peer (0–10)?"),
    (8, "yes_no", "", "问题是否已经彻底解决", "Was the problem solved completely?"),
    (9, "text", "", "您对我们的意见和建议", "Your comments and suggestions"),
]

# (name, subject kind, target, anchor, offset minutes, action, manager levels, order)
LADDER = [
    # The 2-hour answer (7×24): warn the officers at 90 minutes, escalate when it is missed.
    ("Complaint answer: warn the officers at 90 minutes", "complaint", "answer", "start", 90, "remind", "", 400),
    ("Complaint answer missed: warn the officers and escalate", "complaint", "answer", "due", 0, "notify_managers", "response_centre", 410),
    # Settled within 15 days: a reminder two days before, managers told when it is missed.
    ("Complaint settlement: remind two days before", "complaint", "settle", "start", 13 * 24 * 60, "remind", "", 420),
    ("Complaint settlement missed: escalate", "complaint", "settle", "due", 0, "notify_managers", "general", 430),
    # The solution reaches the customer within one business day of the department's solution.
    ("Callback problem: remind at half the day", "callback_item", "told", "start", 240, "remind", "", 440),
    ("Callback problem not told in a day: escalate", "callback_item", "told", "due", 0, "notify_managers", "response_centre", 450),
]


def seed(apps, schema_editor):
    CallbackRule = apps.get_model("feedback", "CallbackRule")
    for code, name, name_en, kind, days_after, order, script in CALLBACK_RULES:
        CallbackRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "days_after": days_after,
                "sort_order": order,
                "script": script,
            },
        )
    SurveyTemplate = apps.get_model("feedback", "SurveyTemplate")
    SurveyQuestion = apps.get_model("feedback", "SurveyQuestion")
    template, created = SurveyTemplate.objects.get_or_create(
        code="satisfaction",
        version=1,
        defaults={
            "name": "客户满意度调查函",
            "name_en": "Customer satisfaction survey",
            "intro": "感谢您选择我们的服务。为不断改进服务质量，请您抽出一分钟时间完成本调查。",
            "created_at": timezone.now(),
        },
    )
    if created:
        for order, kind, dimension, text, text_en in SURVEY_QUESTIONS:
            SurveyQuestion.objects.create(
                template=template,
                order=order,
                kind=kind,
                dimension=dimension,
                text=text,
                text_en=text_en,
                required=kind in ("rating", "nps"),
            )
    SurveySettings = apps.get_model("feedback", "SurveySettings")
    if not SurveySettings.objects.exists():
        SurveySettings.objects.create()
    EscalationRule = apps.get_model("sla", "EscalationRule")
    seeded = set(
        EscalationRule.objects.filter(subject_kind__in=[rule[1] for rule in LADDER])
        .values_list("subject_kind", flat=True)
        .distinct()
    )
    for name, kind, target, anchor, offset, action, levels, order in LADDER:
        if kind in seeded:
            continue
        EscalationRule.objects.create(
            name=name,
            subject_kind=kind,
            target=target,
            anchor=anchor,
            offset_minutes=offset,
            action=action,
            manager_levels=levels,
            by_email=True,
            by_sms=False,
            sort_order=order,
        )


def unseed(apps, schema_editor):
    kinds = {kind for _n, kind, *_rest in LADDER}
    apps.get_model("sla", "EscalationRule").objects.filter(subject_kind__in=kinds).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("sla", "0008_shipped_defaults_and_waivers_moved"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
