"""Demo macros: the engineers' and the seat's canned replies, in Chinese, made by a manager."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from aftersales.accounts.roles import Role
from aftersales.cases import macros
from aftersales.cases.models import Macro

# (name, team, body, internal, set_status, set_priority)
DEMO_MACROS = [
    (
        "请提供日志",
        Role.ENGINEER,
        "{contact}您好，关于服务请求 {case_number}：为尽快定位故障，请提供设备的系统日志"
        "（诊断信息包）并回复本工单。收到后我们将立即分析。——{engineer}",
        False,
        "waiting",
        "",
    ),
    (
        "已远程解决",
        Role.ENGINEER,
        "{contact}您好，服务请求 {case_number} 的故障已通过远程方式处理完毕，设备运行正常。"
        "请您确认；如仍有问题，请在门户中驳回，我们会继续跟进。——{engineer}",
        False,
        "resolved",
        "",
    ),
    (
        "升级专家前检查清单",
        Role.ENGINEER,
        "升级专家前请确认：1. 日志已收集并上传；2. 故障现象与时间点已记录；"
        "3. 已尝试的操作及结果已写明；4. 设备序列号与固件版本已核对。",
        True,
        "",
        "",
    ),
    (
        "已受理，工程师将联系您",
        Role.DISPATCHER,
        "{contact}您好，您的服务请求 {case_number} 已受理，工程师将尽快与您联系。"
        "如情况紧急，请拨打服务热线。",
        False,
        "",
        "",
    ),
]


def load(demo: Any) -> None:
    """Add the demo's team macros (skipped when there are macros already)."""
    if Macro.objects.exists():
        return
    manager = get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True).first()
    if manager is None:
        demo.notes.append("No demo macros: they need a manager.")
        return
    for name, team, body, internal, status, priority in DEMO_MACROS:
        macros.macro_create(
            by=manager,
            name=name,
            team=team,
            body=body,
            internal=internal,
            set_status=status,
            set_priority=priority,
        )
    demo.add("macros", len(DEMO_MACROS))
