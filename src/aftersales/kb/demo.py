"""Demo knowledge base: a category tree over the product lines and realistic Chinese articles,
some public for the portal, one waiting in review, one written from a resolved demo case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aftersales.accounts.roles import Role
from aftersales.cases.models import Case, Status
from aftersales.kb import articles
from aftersales.kb.models import Article, Category, CategoryLevel
from aftersales.registry.demo import demo_staff

# product line -> module -> topics
TREE: dict[str, dict[str, list[str]]] = {
    "交换机": {"硬件": ["电源", "风扇", "光模块"], "软件": ["升级", "配置"]},
    "服务器": {"硬件": ["硬盘", "内存", "电源"], "管理": ["BMC"]},
    "存储": {"硬件": ["磁盘", "控制器"], "软件": ["快照"]},
    "防火墙": {"软件": ["策略", "升级"]},
    "UPS": {"硬件": ["电池"]},
}

# (category path, kind, title, body, public)
ARTICLES: list[tuple[str, str, str, str, bool]] = [
    ("交换机/硬件/电源", "troubleshooting", "交换机电源模块告警（PWR 灯红色）的处理",
     "## 现象\n\n电源模块 PWR 灯红色常亮，`display alarm` 显示 *Power supply abnormal*。\n\n"
     "## 处理步骤\n"
     "\n"
     "1. 检查输入电源线与 PDU 插座是否松动；\n"
     "2. 执行 `display power` 查看各模块状态；\n"
     "3. 仍异常则热插拔更换电源模块（双电源设备无需停机）。\n"
     "\n"
     "> 更换前确认另一电源模块工作正常。", True),
    ("交换机/硬件/风扇", "faq", "交换机风扇转速过高、噪音大怎么办？",
     "风扇转速随温度自动调节。机房温度超过 30℃ 或进风口被遮挡时转速会升高。\n\n"
     "- 检查机房空调与机柜前后门通风；\n"
     "- 清理防尘网；\n"
     "- 执行 `display fan` 确认有无故障风扇。", True),
    ("交换机/硬件/光模块", "troubleshooting", "光模块不亮、收光功率低的排查",
     "## 排查\n\n| 检查项 | 命令 / 方法 | 正常值 |\n|---|---|---|\n"
     "| 收光功率 | `display transceiver verbose` | -14 ~ 0 dBm |\n"
     "| 光纤端面 | 光纤显微镜 | 无污渍 |\n"
     "| 模块型号 | 核对两端波长 | 一致 |\n"
     "\n"
     "清洁端面或更换跳线后仍不亮，更换光模块（如 02310KHN）。", True),
    ("交换机/软件/升级", "patch", "S5735 系列 V200R021 升级说明",
     "## 适用范围\n\nS5735-L48T4X 等型号。\n\n## 步骤\n\n1. 备份配置：`save` 后导出 vrpcfg.zip；\n"
     "2. 上传系统软件与补丁；\n"
     "3. `startup system-software` 指定下次启动文件；\n"
     "4. 在维护窗口内重启。\n"
     "\n"
     "升级约 15 分钟，期间业务中断。", False),
    ("交换机/软件/配置", "manual", "交换机堆叠配置手册",
     "## 组网\n\n两台同型号设备通过堆叠口互联。\n\n## 配置\n\n```\nstack slot 0 priority 200\n"
     "interface stack-port 0/1\n port interface XGigabitEthernet0/0/49 enable\n```\n\n"
     "配置后保存并依次重启成员设备。", False),
    ("服务器/硬件/硬盘", "troubleshooting", "服务器硬盘故障灯亮、RAID 降级的处理",
     "## 现象\n\n硬盘故障灯橙色，RAID 状态 Degraded。\n\n## 处理\n\n1. 在 BMC 中确认故障槽位；\n"
     "2. 记录硬盘序列号，申请备件；\n"
     "3. 热插拔更换同容量硬盘，RAID 自动重建；\n"
     "4. 重建期间避免重启。", True),
    ("服务器/硬件/内存", "faq", "服务器开机报内存 ECC 错误怎么办？",
     "可纠正 ECC 错误偶发可以观察；同一根内存条反复报错或出现不可纠正错误时应更换。\n\n"
     "在 BMC 日志中查看报错的 DIMM 槽位，断电后重新插拔，仍报错则申请更换。", True),
    ("服务器/管理/BMC", "manual", "BMC 远程管理口的初始化与密码重置",
     "## 初始化\n\n默认地址 192.168.2.100，首次登录强制修改密码。\n\n## 密码重置\n\n"
     "在 BIOS 的 Server Mgmt 页面重置 BMC 用户密码，或由我方工程师现场处理。", False),
    ("存储/硬件/控制器", "troubleshooting", "存储控制器切换后业务卡顿的处理",
     "控制器故障切换时，主机多路径需 30 秒内完成路径切换。\n\n- 检查多路径软件版本；\n"
     "- 确认主机 HBA 卡超时参数；\n- 查看存储事件日志中的切换原因。", False),
    ("存储/软件/快照", "whitepaper", "存储快照与备份的区别（白皮书摘要）",
     "快照保存某一时刻的数据视图，依赖源卷；备份是独立副本。\n\n"
     "**建议**：核心业务同时使用快照（快速回滚）与异地备份（防灾）。", True),
    ("防火墙/软件/策略", "faq", "防火墙策略配置后不生效？",
     "1. 策略按顺序匹配，检查是否被上方策略先命中；\n2. 确认安全区域与接口绑定正确；\n"
     "3. 会话表中已有的旧会话需老化或手动清除后新策略才生效。", True),
    ("UPS/硬件/电池", "faq", "UPS 电池多久需要更换？",
     "铅酸电池一般 3~5 年更换。出现以下情况应提前更换：\n\n- 放电时间明显缩短；\n"
     "- 电池鼓包或漏液；\n- UPS 报电池自检失败。", True),
    ("服务器/硬件/电源", "faq", "退换货：收到的设备开箱即坏（DOA）怎么办？",
     "自购买之日起 7 日内，产品及包装完好时可申请退货；开箱即坏的设备不受包装限制。\n\n"
     "请在门户提交退换货申请并上传照片，我方确认后安排换货。", True),
]  # fmt: skip


def _tree() -> dict[str, Category]:
    """Create the category tree; return each topic by its path."""
    topics: dict[str, Category] = {}
    for i, (line, modules) in enumerate(TREE.items()):
        root, _ = Category.objects.get_or_create(
            name=line, parent=None, defaults={"level": CategoryLevel.PRODUCT_LINE, "position": i}
        )
        for j, (module, names) in enumerate(modules.items()):
            mid, _ = Category.objects.get_or_create(
                name=module, parent=root, defaults={"level": CategoryLevel.MODULE, "position": j}
            )
            for k, name in enumerate(names):
                leaf, _ = Category.objects.get_or_create(
                    name=name, parent=mid, defaults={"level": CategoryLevel.TOPIC, "position": k}
                )
                topics[f"{line}/{module}/{name}"] = leaf
    return topics


def load(demo: Any) -> None:
    """Add the category tree and the articles (skipped when the demo has articles already)."""
    if Article.objects.exists():
        return
    expert = demo_staff(Role.EXPERT).first() or demo_staff(Role.ADMIN).first()
    engineer = demo_staff(Role.ENGINEER).first() or expert
    if expert is None:
        demo.notes.append("No demo articles: they need an expert or an admin.")
        return
    topics = _tree()
    made = 0
    for n, (path, kind, title, body, public) in enumerate(ARTICLES):
        article = articles.article_create(
            by=expert,
            title=title,
            body=body,
            category=topics[path],
            kind=kind,
            visibility="public" if public else "internal",
            published=True,
            # A few are due for review, so the reminder has something to say.
            review_by=demo.today - dt.timedelta(days=1) if n % 5 == 0 else None,
        )
        made += 1 if article else 0
    waiting = articles.article_create(
        by=engineer,
        title="交换机端口频繁 up/down 的排查（待审核）",
        body="## 现象\n\n日志中端口反复 up/down。\n\n## 排查\n\n检查网线、光模块与对端协商模式。",
        category=topics["交换机/软件/配置"],
        kind="troubleshooting",
    )
    articles.article_submit(article=waiting, by=engineer)
    made += 1
    case = Case.objects.filter(status__in=(Status.RESOLVED, Status.CLOSED)).order_by("pk").first()
    if case is not None:
        articles.article_from_case(by=engineer, case=case, category=topics["服务器/硬件/硬盘"])
        made += 1
    else:
        demo.notes.append("No demo article from a case: the demo has no resolved case.")
    demo.add("knowledge articles", made)
