"""Demo cases: a lived-in service desk, every case written through the case services.

Each case is played from its opening to the state it is meant to end in (new ... closed) by
the same services the console and the portal call, so it has a real timeline, SLA clocks,
approvals, vendor cases and outbox messages. The play runs on a demo clock: while a case is
played, ``django.utils.timezone.now`` answers the clock's moment (some day in the past 90 days)
and the clock moves forward between actions. No row is rewritten afterwards, so case numbers,
due moments and met/breached clocks all agree with the timestamps.

A case is keyed by its index (the CREATED activity's ``data["demo"]``): a second run adds
nothing, a larger ``--cases`` adds only the missing indexes, and case 7 is the same case
whatever the total. Messages the played history put in the outbox are marked delivered when
they were due: they belong to the past, and starting the product must not mail the demo's
example.com addresses.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases import services
from aftersales.cases.mail.intake import mailbot_user
from aftersales.cases.models import (
    Activity,
    ActivityKind,
    ApprovalDecision,
    Case,
    Channel,
    ServiceMode,
    Status,
    VendorCaseState,
)
from aftersales.notify.services import outbox_demo_delivered, outbox_last_id
from aftersales.registry.demo import LINE_SKILL, STAFF, Demo
from aftersales.registry.models import Asset, Contact, Customer, Engineer

HISTORY_DAYS = 90
DEMO_KEY = "demo"  # key in the CREATED activity's data that marks a demo case and its index


# --- the demo clock -------------------------------------------------------------------


class DemoClock:
    """A settable "now" for the services; it only moves forward while a case is played."""

    def __init__(self, start: dt.datetime) -> None:
        self.moment = start

    def __call__(self) -> dt.datetime:
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment


@contextmanager
def demo_clock(start: dt.datetime) -> Iterator[DemoClock]:
    """Make ``timezone.now()`` answer the clock's moment for the code run inside.

    Every writer in this project reads the time through ``timezone.now()`` (style.md), and
    Django's own auto_now fields do too, so patching that one attribute moves all of them.
    The demo runs in its own command; only a request served by the same process meanwhile
    would see the demo's time.
    """
    clock = DemoClock(start)
    real_now = timezone.now
    timezone.now = clock
    try:
        yield clock
    finally:
        timezone.now = real_now


@contextmanager
def _no_delivery_after_commit() -> Iterator[None]:
    """Drop the outbox's "deliver now" hooks the played history registers.

    Its messages are marked delivered before the commit, so each hook would only queue a
    worker task with nothing to do: thousands of them for a large run. Outside a transaction
    the hooks have already run and there is nothing to drop.
    """
    connection = transaction.get_connection()
    before = len(connection.run_on_commit)
    yield
    if connection.in_atomic_block:
        del connection.run_on_commit[before:]


# --- what happens: stories per product line -------------------------------------------


@dataclass(frozen=True)
class Story:
    """One kind of request as customers tell it; {model}, {serial}, {site}, {version} filled."""

    line: str  # product line of the asset it is about; "" for requests about no device
    case_type: str
    priority: str
    title: str
    description: str
    symptom: str
    diagnosis: str
    solution: str
    weight: int = 3
    major: bool = False
    vendor: bool = False  # likely to need the original vendor (原厂)
    mode: str = ServiceMode.REMOTE


STORIES = [
    # 服务器
    Story("服务器", "fault", "P2", "服务器内存ECC报错",
          "{site}{model}（SN {serial}）管理口持续上报内存可纠正ECC错误，"
          "DIMM A3槽位告警，业务暂未中断，担心演变为不可纠正错误导致宕机。",
          "BMC告警：Memory correctable ECC errors exceeded threshold (DIMM A3)",
          "收集BMC日志确认DIMM A3内存条可纠正错误持续增长，判定为内存条硬件故障。",
          "已现场更换DIMM A3内存条，开机自检通过，连续观察24小时无新增ECC告警。",
          weight=5, mode=ServiceMode.ONSITE),
    Story("服务器", "fault", "P1", "业务服务器宕机无法启动",
          "{site}核心业务服务器{model}（SN {serial}）凌晨突然宕机，"
          "重新上电后卡在POST界面，核心业务中断，请立即处理！",
          "上电后POST停止在0x92，前面板健康灯红色常亮",
          "远程查看BMC日志为主板PCIe链路故障，需更换主板。",
          "备件主板已到场更换，系统启动正常，业务已恢复，客户验证通过。",
          weight=1, vendor=True, mode=ServiceMode.ONSITE),
    Story("服务器", "fault", "P3", "服务器电源模块告警",
          "{model}（SN {serial}）PSU2指示灯橙色，BMC提示电源模块输入丢失，另一路电源工作正常。",
          "BMC告警：PSU2 input lost",
          "检查机柜PDU供电正常，判定为PSU2电源模块故障。",
          "已更换PSU2电源模块，双路电源均工作正常，告警消除。",
          weight=4, mode=ServiceMode.ONSITE),
    Story("服务器", "fault", "P3", "RAID卡缓存电池告警",
          "{model}（SN {serial}）RAID卡提示超级电容/BBU故障，"
          "写缓存策略自动降级为Write Through，IO性能下降。",
          "RAID卡告警：Cache battery failed, write policy changed to WT",
          "确认超级电容模块老化失效。",
          "已更换RAID卡超级电容模块并恢复Write Back策略，性能恢复正常。",
          weight=3, mode=ServiceMode.ONSITE),
    Story("服务器", "upgrade", "P4", "申请升级服务器BMC/BIOS固件",
          "计划对{model}（SN {serial}，"
          "当前版本{version}）升级BMC与BIOS固件至最新稳定版，请提供升级包及操作指导。",
          "",
          "已核对版本兼容性矩阵，目标版本可直接升级。",
          "已远程指导客户完成固件升级，版本核对无误，运行正常。",
          weight=3),
    # 存储
    Story("存储", "fault", "P2", "存储控制器B告警",
          "{site}存储{model}（SN {serial}）控制器B状态异常，"
          "告警灯常亮，业务已切换到控制器A单控运行，存在单点风险。",
          "控制器B离线，告警：Controller B is abnormal",
          "收集存储一键日志，控制器B内存校验失败，需更换控制器B。",
          "已更换控制器B并完成固件同步，双控均恢复正常，业务路径已回切。",
          weight=5, vendor=True, mode=ServiceMode.ONSITE),
    Story("存储", "fault", "P1", "存储LUN不可访问，业务中断",
          "{site}存储{model}（SN {serial}）多个LUN突然无法访问，"
          "数据库与虚拟化平台全部中断，请立即支持！",
          "主机侧多路径全部失效，存储告警：Storage pool degraded",
          "存储池两块硬盘相继故障导致存储池降级锁定，已联系原厂二线分析。",
          "在原厂指导下更换故障盘并恢复存储池，LUN已重新映射，业务全部恢复。",
          weight=1, vendor=True, mode=ServiceMode.ONSITE),
    Story("存储", "fault", "P3", "存储硬盘故障告警",
          "存储{model}（SN {serial}）硬盘框中一块硬盘亮红灯，系统已自动重构到热备盘。",
          "告警：Disk CTE0.12 fault, reconstruction started",
          "确认硬盘故障，热备重构已完成。",
          "已更换故障硬盘并设置为新的热备盘，告警消除。",
          weight=5, mode=ServiceMode.ONSITE),
    Story("存储", "consultation", "P4", "存储双活配置咨询",
          "我方计划在{site}与灾备中心之间部署存储双活，想咨询{model}的双活组网要求和仲裁配置。",
          "",
          "已整理双活组网及仲裁服务器部署要求。",
          "已发送双活配置指导文档并电话讲解，客户无其他疑问。",
          weight=2, mode=ServiceMode.PHONE),
    Story("存储", "upgrade", "P4", "申请升级存储系统软件版本",
          "存储{model}（SN {serial}）当前版本{version}，厂商公告存在已知问题，申请升级至推荐版本。",
          "",
          "已完成升级前健康检查，无阻塞项。",
          "已在变更窗口内完成在线升级，业务无中断，版本核对无误。",
          weight=2, vendor=True),
    Story("存储", "data_recovery", "P2", "误删除LUN数据恢复申请",
          "运维人员误删除{model}（SN {serial}）上的一个业务LUN，申请尽快恢复数据。",
          "LUN已删除，回收站中存在该LUN",
          "确认LUN仍在回收站保留期内，可恢复。",
          "已按审批表要求从回收站恢复LUN并重新映射，客户核对数据完整。",
          weight=1, major=True),
    # 交换机
    Story("交换机", "fault", "P2", "核心交换机端口频繁down",
          "{site}核心交换机{model}（SN {serial}）上联端口反复up/down，部分业务访问时断时续。",
          "日志：Interface 10GE1/0/1 changed to DOWN, then UP, 30+ times per hour",
          "端口光功率偏低，判断为光模块与跳线问题。",
          "已更换光模块与跳线，端口连续48小时无up/down，业务稳定。",
          weight=5),
    Story("交换机", "fault", "P1", "核心交换机宕机，全网中断",
          "{site}核心交换机{model}（SN {serial}）整机无响应，全网业务中断！",
          "Console无输出，所有端口灯熄灭",
          "主控板故障，备用主控未能接管。",
          "已更换主控板并恢复配置，全网业务恢复，已完成割接验证。",
          weight=1, vendor=True, mode=ServiceMode.ONSITE),
    Story("交换机", "fault", "P3", "交换机光模块收光异常",
          "交换机{model}（SN {serial}）多个端口光模块告警收光功率过低。",
          "告警：Optical module RX power too low",
          "对端光纤衰耗过大，部分光模块老化。",
          "已清洁光纤端面并更换2个光模块，收光功率恢复正常范围。",
          weight=3, mode=ServiceMode.ONSITE),
    Story("交换机", "upgrade", "P4", "申请升级固件至V200R019",
          "交换机{model}（SN {serial}，"
          "当前版本{version}）需升级固件至V200R019以修复已知安全漏洞，请安排。",
          "",
          "已确认升级路径与补丁，准备升级方案。",
          "已在夜间窗口完成固件升级与重启，业务验证正常。",
          weight=2),
    Story("交换机", "consultation", "P4", "交换机堆叠与VLAN配置咨询",
          "计划将两台{model}组成堆叠并调整VLAN规划，咨询配置步骤和注意事项。",
          "",
          "已提供堆叠及VLAN配置指导。",
          "已远程协助完成配置评审，客户确认无其他问题。",
          weight=2, mode=ServiceMode.PHONE),
    # 路由器
    Story("路由器", "fault", "P2", "专线路由器BGP邻居反复震荡",
          "{site}出口路由器{model}（SN {serial}）与运营商BGP邻居反复断开重连，外网业务受影响。",
          "日志：BGP peer state changed from Established to Idle",
          "运营商侧链路误码导致，已协调运营商处理。",
          "运营商更换传输设备后邻居稳定，持续观察24小时无震荡。",
          weight=2),
    Story("路由器", "fault", "P3", "路由器CPU利用率持续偏高",
          "路由器{model}（SN {serial}）CPU利用率持续在85%以上，偶发管理登录缓慢。",
          "CPU usage 85%~95%",
          "大量ARP广播报文上送CPU，已定位到接入侧环路。",
          "已协助客户消除接入侧环路并配置CPU防护策略，CPU利用率降至20%。",
          weight=2),
    # 防火墙
    Story("防火墙", "consultation", "P4", "防火墙策略配置咨询",
          "需要在防火墙{model}上为新上线的业务系统开放访问策略，咨询策略与NAT配置方法。",
          "",
          "已确认业务访问需求与地址规划。",
          "已远程协助完成安全策略与NAT配置，业务访问测试通过。",
          weight=4, mode=ServiceMode.PHONE),
    Story("防火墙", "fault", "P2", "防火墙主备切换异常",
          "防火墙{model}（SN {serial}）双机热备发生异常切换，切换后部分会话中断。",
          "HRP状态：Active/Standby反复切换",
          "心跳线接口故障导致双机状态不一致。",
          "已更换心跳线并优化HRP配置，切换测试正常。",
          weight=2, vendor=True),
    Story("防火墙", "upgrade", "P4", "申请升级防火墙特征库及系统版本",
          "防火墙{model}（SN {serial}，"
          "当前版本{version}）特征库已过期，申请升级系统版本及IPS/AV特征库。",
          "",
          "已确认授权有效期与目标版本。",
          "已完成系统版本与特征库升级，授权状态正常。",
          weight=2),
    # UPS 与机房动力
    Story("UPS", "fault", "P2", "UPS电池告警",
          "{site}UPS {model}（SN {serial}）提示电池组异常，自检失败，担心市电中断时无法支撑。",
          "告警：Battery test failed / Battery weak",
          "现场测试电池组内阻，3节电池内阻超标。",
          "已更换故障电池并完成放电测试，后备时间满足要求。",
          weight=3, mode=ServiceMode.ONSITE),
    Story("UPS", "fault", "P3", "UPS旁路运行告警",
          "UPS {model}（SN {serial}）转入旁路运行，面板提示逆变器故障。",
          "告警：Inverter fault, load on bypass",
          "逆变模块故障。",
          "已更换逆变模块，UPS恢复在线模式运行。",
          weight=2, mode=ServiceMode.ONSITE),
    Story("UPS", "inspection", "P4", "UPS季度巡检预约",
          "按维保合同约定预约本季度{site}UPS及电池巡检，请安排工程师。",
          "",
          "已确认巡检时间与巡检项目。",
          "已完成现场巡检，出具《现场巡检报告》，客户签字确认。",
          weight=2, mode=ServiceMode.ONSITE),
    Story("机房动力", "fault", "P2", "精密空调高温告警",
          "{site}精密空调{model}（SN {serial}）报高温告警，机房温度升至30℃。",
          "告警：High return air temperature",
          "压缩机高压保护动作，冷凝器脏堵。",
          "已清洗冷凝器并复位高压保护，机房温度恢复至23℃。",
          weight=2, mode=ServiceMode.ONSITE),
    # 数据库
    Story("数据库软件", "fault", "P1", "数据库RAC节点宕机",
          "{site}生产数据库{model}（版本{version}）RAC节点2宕机，"
          "业务连接全部压到节点1，响应明显变慢。",
          "节点2实例异常终止，告警日志出现ORA-00600",
          "分析trace与告警日志，命中已知缺陷，需应用补丁。",
          "已应用补丁并重新加入集群，双节点负载均衡恢复，业务正常。",
          weight=1, vendor=True),
    Story("数据库软件", "fault", "P2", "数据库归档空间满导致业务缓慢",
          "数据库{model}（版本{version}）归档目录空间使用率100%，部分业务提交挂起。",
          "告警：archiver error, archive destination full",
          "归档备份任务失败导致归档日志堆积。",
          "已清理已备份归档并修复备份任务，归档空间恢复正常。",
          weight=3),
    Story("数据库软件", "consultation", "P4", "数据库参数优化咨询",
          "年底业务高峰前，希望对数据库{model}（版本{version}）内存与连接参数进行评估优化。",
          "",
          "已收集AWR报告并给出优化建议。",
          "已提交参数优化建议报告，客户计划在下次变更窗口实施。",
          weight=2, mode=ServiceMode.PHONE),
    Story("数据库软件", "data_recovery", "P2", "生产库误删表数据恢复",
          "开发人员在生产库{model}误执行删除语句，一张业务表数据被清空，申请数据恢复。",
          "表数据被DELETE后已提交",
          "确认可通过闪回/备份恢复到误操作前时间点。",
          "已按审批表要求恢复至误操作前的时间点，客户核对数据无误。",
          weight=1, major=True),
    # 与设备无关的请求
    Story("", "consultation", "P4", "维保合同服务范围咨询",
          "想了解当前维保合同覆盖的设备范围、服务时间（7×24还是5×8）以及到期续签流程。",
          "",
          "已核对合同与设备清单。",
          "已电话说明服务范围与续签流程，并发送合同设备清单。",
          weight=2, mode=ServiceMode.PHONE),
    Story("", "complaint", "P3", "对上次现场服务响应时间的投诉",
          "上周故障报修后工程师到场时间超过合同约定，影响业务恢复，希望给出说明。",
          "",
          "已调取上次服务记录核实到场时间。",
          "已向客户书面说明原因并致歉，调整该区域值班安排，客户表示接受。",
          weight=1, mode=ServiceMode.PHONE),
]  # fmt: skip

RESPONSES = [
    "已电话联系{contact}，确认故障现象，正在远程收集日志。",
    "已与{contact}电话沟通，了解现场情况，先远程排查。",
    "已回电{contact}，确认影响范围，安排远程接入分析。",
    "已联系{contact}，约定远程会议接入设备。",
]
ASK_INFO = [
    "请协助提供设备一键收集日志及告警截图，谢谢。",
    "请确认故障出现前是否有过变更操作，并提供当时的操作记录。",
    "请提供设备当前运行配置与最近一周的告警记录。",
]
CUSTOMER_REPLIES = [
    "日志已上传，请查收。",
    "故障前一天晚上做过一次配置变更，记录已附上。",
    "今晚22:00以后可以安排变更窗口。",
    "已按要求重启了管理服务，告警仍然存在。",
]
INTERNAL_NOTES = [
    "客户为7×24金牌服务合同，注意响应与确诊时限。",
    "备件从华东备件库调拨，预计明天上午到货。",
    "已与区域经理沟通，必要时安排二线驻场。",
    "同型号设备近期有多起类似告警，关注是否为批量问题。",
    "客户信息中心主任比较关注此事，处理进展请及时同步。",
]
WAITS = [
    "等待客户提供变更窗口。",
    "等待客户上传设备日志。",
    "等待客户确认业务低峰期后再执行切换。",
]
RESUMES = ["客户已提供所需信息，继续处理。", "变更窗口已确认，继续处理。"]
EXPERT_ASKS = [
    "故障现象复杂，日志中有多处异常，请专家协助分析。",
    "已按常规步骤排查未果，申请专家支持。",
]
EXPERT_NOTES = [
    "已查看日志，建议先隔离故障部件再做进一步诊断。",
    "与已知缺陷特征一致，建议按补丁说明处理。",
]
VENDOR_ASKS = ["需原厂二线分析日志，已开原厂case。", "涉及硬件更换及固件缺陷，已提交原厂支持。"]
VENDOR_REPLIES = ["原厂已给出处理方案。", "原厂确认为已知问题，提供了补丁。"]
CONFIRMS = ["业务已恢复正常，确认关闭。", "问题已解决，感谢支持！", "已验证，没有问题。"]
PHONE_CONFIRMS = ["客户{contact}电话确认问题已解决。", "回访{contact}，确认业务运行正常。"]
APPROVERS = ["信息中心主任", "分管副总经理", "运维部经理"]
REFUSALS = "客户管理层评估后不同意执行数据恢复操作，本请求不予处理。"

# (state, weight) by how long ago the case was opened: old cases are long closed.
RECENT = [
    (Status.NEW, 2),
    (Status.ASSIGNED, 2),
    (Status.RESPONDED, 2),
    (Status.IN_PROGRESS, 3),
    (Status.WAITING, 1),
]
THIS_WEEK = [
    (Status.ASSIGNED, 1),
    (Status.RESPONDED, 1),
    (Status.IN_PROGRESS, 3),
    (Status.WAITING, 2),
    (Status.RESOLVED, 3),
    (Status.CLOSED, 2),
]
OLDER = [(Status.IN_PROGRESS, 2), (Status.WAITING, 1), (Status.CLOSED, 37)]
# How far along the way each state is. The first cases go to the first customer (a portal
# login, kh0001), one in each state in this order, so even a small demo shows every state.
STATE_ORDER = [
    Status.NEW,
    Status.ASSIGNED,
    Status.RESPONDED,
    Status.IN_PROGRESS,
    Status.WAITING,
    Status.RESOLVED,
    Status.CLOSED,
]
FIRST_STATES = STATE_ORDER
CHANNELS = [(Channel.PHONE, 6), (Channel.EMAIL, 2), (Channel.PORTAL, 2), (Channel.FAX, 1)]


@dataclass
class _Cast:
    """Who may play a part, loaded once per run."""

    seats: list[User]
    engineers_by_skill: dict[str, list[User]]
    engineers: list[User]
    experts_by_skill: dict[str, list[User]]
    experts: list[User]
    responsible: dict[int, list[User]]  # customer id -> its engineers
    mailbot: User | None = None

    def engineer_for(self, rng: random.Random, customer: Customer, line: str) -> User:
        skill = LINE_SKILL.get(line, "")
        local = [u for u in self.responsible.get(customer.pk, []) if u in self.engineers]
        skilled = self.engineers_by_skill.get(skill, [])
        both = [u for u in local if u in skilled]
        return rng.choice(both or skilled or local or self.engineers)

    def expert_for(self, rng: random.Random, line: str) -> User | None:
        skilled = self.experts_by_skill.get(LINE_SKILL.get(line, ""), [])
        pool = skilled or self.experts
        return rng.choice(pool) if pool else None


def _cast() -> _Cast | None:
    demo_staff = [spec.username for spec in STAFF]

    def users(role: str) -> list[User]:
        # Only the demo's own staff play parts: never a real user of a database being tried.
        staff = User.objects.filter(username__in=demo_staff, groups__name=role, is_active=True)
        return list(staff.order_by("username"))

    seats, engineers, experts = users(Role.DISPATCHER), users(Role.ENGINEER), users(Role.EXPERT)
    if not seats or not engineers:
        return None
    by_pk = {u.pk: u for u in engineers + experts}
    engineers_by_skill: dict[str, list[User]] = {}
    experts_by_skill: dict[str, list[User]] = {}
    responsible: dict[int, list[User]] = {}
    profiles = Engineer.objects.filter(user_id__in=by_pk).prefetch_related("skills", "customers")
    for profile in profiles.order_by("user__username"):
        user = by_pk[profile.user_id]
        target = experts_by_skill if user in experts else engineers_by_skill
        for skill in profile.skills.all():
            target.setdefault(skill.code, []).append(user)
        for customer in profile.customers.all():
            responsible.setdefault(customer.pk, []).append(user)
    return _Cast(seats, engineers_by_skill, engineers, experts_by_skill, experts, responsible)


def _customers(demo: Demo) -> list[Customer]:
    codes = [f"KH{i:04d}" for i in range(1, demo.customers + 1)]
    contacts = Contact.objects.filter(is_active=True).select_related("user").order_by("pk")
    assets = (
        Asset.objects.filter(is_active=True, parent__isnull=True)
        .select_related("product_model__vendor", "site")
        .order_by("pk")
    )
    found = Customer.objects.filter(code__in=codes, is_active=True).prefetch_related(
        Prefetch("contacts", queryset=contacts), Prefetch("assets", queryset=assets)
    )
    by_code = {c.code: c for c in found}
    return [by_code[code] for code in codes if code in by_code]


def _existing_keys() -> set[int]:
    found = Activity.objects.filter(
        subject_kind="case", kind=ActivityKind.CREATED, data__has_key=DEMO_KEY
    )
    return {int(key) for key in found.values_list(f"data__{DEMO_KEY}", flat=True)}


def load_cases(demo: Demo) -> None:
    """Play the cases 1..``demo.cases`` that do not exist yet (None: cases were not asked for)."""
    total = demo.cases or 0
    if total <= 0:
        return
    customers = _customers(demo)
    cast = _cast()
    if not customers or cast is None:
        demo.notes.append("No demo cases: they need demo customers, seats and engineers.")
        return
    missing = sorted(set(range(1, total + 1)) - _existing_keys())
    if not missing:
        return
    first_outbox = outbox_last_id()
    real_now = timezone.now()
    with demo_clock(real_now) as clock, _no_delivery_after_commit():
        plays = [_Play(demo, cast, customers, index, clock, real_now) for index in missing]
        # In the order they were opened, so each day's case numbers follow the clock.
        for play in sorted(plays, key=lambda p: (p.start, p.index)):
            play.run()
    # The played history's messages went out when they were due (see the module docstring).
    outbox_demo_delivered(first_outbox)
    demo.add("cases", len(plays))


class _Play:
    """One case from its opening to its target state, each step at its own moment."""

    def __init__(
        self,
        demo: Demo,
        cast: _Cast,
        customers: list[Customer],
        index: int,
        clock: DemoClock,
        real_now: dt.datetime,
    ) -> None:
        rng = demo.rng("case", index)
        self.rng, self.cast, self.index, self.clock = rng, cast, index, clock
        first = index <= len(FIRST_STATES)
        # Customers with a portal login (the first few) call more often: their portal is busy.
        weights = [4 if n < 3 else 1 for n in range(len(customers))]
        self.customer = customers[0] if first else rng.choices(customers, weights)[0]
        contacts = list(self.customer.contacts.all())
        self.contact = (contacts[0] if first else rng.choice(contacts)) if contacts else None
        assets = list(self.customer.assets.all())
        self.story, self.asset = self._pick_story(assets, major=not first)
        if first:
            self.target = FIRST_STATES[index - 1]
            age = dt.timedelta(hours=rng.uniform(2, 20) if index <= 5 else rng.uniform(30, 120))
        else:
            age = self._age()
            table = RECENT if age.days < 1 else THIS_WEEK if age.days < 7 else OLDER
            states, state_weights = zip(*table, strict=True)
            self.target = rng.choices(states, state_weights)[0]
        self.start = self._working_moment(real_now - age, real_now)
        # Everything must have happened by now: the steps share the time between start and now.
        self.end = real_now - dt.timedelta(minutes=rng.randint(5, 30))
        self.user = self.contact.user if self.contact and self.contact.user_id else None
        self.engineer = cast.engineer_for(rng, self.customer, self.story.line)
        self.seat = rng.choice(cast.seats)
        self.expert: User | None = None

    def _pick_story(self, assets: list[Asset], *, major: bool) -> tuple[Story, Asset | None]:
        lines = {a.product_model.product_line for a in assets}
        stories = [s for s in STORIES if (not s.line or s.line in lines) and (major or not s.major)]
        story = self.rng.choices(stories, [s.weight for s in stories])[0]
        if not story.line:
            return story, None
        return story, self.rng.choice(
            [a for a in assets if a.product_model.product_line == story.line]
        )

    def _age(self) -> dt.timedelta:
        # A quarter of the cases are from the last three days, so the open queues are lively.
        rng = self.rng
        days = rng.uniform(0.05, 3) if rng.random() < 0.25 else rng.uniform(3, HISTORY_DAYS - 1)
        return dt.timedelta(days=days)

    def _working_moment(self, moment: dt.datetime, real_now: dt.datetime) -> dt.datetime:
        """Calls come mostly in office hours (that day, if already past); a P1 comes any time."""
        hour = self.rng.choice([8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17, 19])
        moved = timezone.localtime(moment).replace(hour=hour, minute=self.rng.randrange(60))
        if self.story.priority == "P1" or moved > real_now - dt.timedelta(hours=1):
            return moment
        return moved

    # --- text ---

    def fill(self, text: str) -> str:
        asset = self.asset
        return text.format(
            model=asset.product_model.name if asset else "",
            serial=asset.serial_number if asset else "",
            version=(asset.software_version if asset else "") or "当前版本",
            site=asset.site.name if asset and asset.site else "机房",
            contact=self.contact.name if self.contact else "客户",
        )

    def pick(self, texts: list[str]) -> str:
        return self.fill(self.rng.choice(texts))

    # --- time ---

    def plan(self, steps: list[tuple[str, float]]) -> list[tuple[str, dt.datetime]]:
        """Moments for the steps (name, minutes after the previous), squeezed to fit by now."""
        total = sum(minutes for _, minutes in steps) or 1
        room = (self.end - self.start).total_seconds() / 60
        scale = min(1.0, room / total) if room > 0 else 0.0
        moment, planned = self.start, []
        for name, minutes in steps:
            moment += dt.timedelta(minutes=minutes * scale)
            planned.append((name, moment))
        return planned

    def steps(self) -> list[tuple[str, float]]:
        rng, story, target = self.rng, self.story, self.target
        urgent = story.priority in ("P1", "P2")
        reach = STATE_ORDER.index(target)
        steps: list[tuple[str, float]] = []
        if reach >= 1:
            steps.append(("assign", rng.uniform(2, 10) if urgent else rng.uniform(5, 40)))
        if story.major and reach >= 2:
            steps.append(("approval", rng.uniform(60, 600)))
        if reach >= 2:
            late = rng.random() < 0.12  # now and then the engineer misses the hour
            steps.append(("respond", rng.uniform(65, 150) if late else rng.uniform(5, 50)))
            if rng.random() < 0.6:
                steps.append(("ask", rng.uniform(5, 30)))
                if self.user is not None and rng.random() < 0.7:
                    steps.append(("reply", rng.uniform(20, 240)))
        if rng.random() < 0.35 and reach >= 1:
            steps.append(("note", rng.uniform(10, 120)))
        if reach >= 3 and target != Status.WAITING or reach >= 5:
            # A fault is diagnosed (确诊) first; a question or an upgrade goes straight on.
            if story.case_type in ("fault", "data_recovery") or target == Status.IN_PROGRESS:
                minutes = rng.uniform(20, 200) if urgent else rng.uniform(60, 1400)
                steps.append(("diagnose", minutes))
            if story.line and rng.random() < (0.4 if urgent else 0.12):
                steps.append(("expert", rng.uniform(15, 120)))
                steps.append(("expert_note", rng.uniform(10, 60)))
            if story.vendor and rng.random() < 0.5:
                steps.append(("vendor", rng.uniform(30, 300)))
                if reach >= 5:
                    steps.append(("vendor_solved", rng.uniform(60, 600)))
            if reach >= 5 and rng.random() < 0.2:
                steps.append(("wait", rng.uniform(30, 600)))
                steps.append(("resume", rng.uniform(120, 2000)))
        if target == Status.WAITING:
            steps.append(("wait", rng.uniform(30, 600)))
        if reach >= 5:
            hours = {"P1": 3, "P2": 10, "P3": 30, "P4": 60}[story.priority]
            steps.append(("resolve", rng.uniform(0.3, 1.5) * hours * 60))
        if target == Status.CLOSED:
            steps.append(("close", rng.uniform(30, 3 * 24 * 60)))
        return steps

    # --- the play ---

    def run(self) -> None:
        self.clock.set(self.start)
        case = self.open()
        for name, moment in self.plan(self.steps()):
            self.clock.set(moment)
            case = getattr(self, f"do_{name}")(case)
            if case is None:
                return

    def open(self) -> Case:
        rng, story = self.rng, self.story
        channel = rng.choices(*zip(*CHANNELS, strict=True))[0]
        by = self.seat
        if channel == Channel.PORTAL:
            # The portal offers neither P1 nor a major request: those come by phone.
            if self.user is None or story.priority == "P1" or story.major:
                channel = Channel.PHONE
            else:
                by = self.user
        elif channel == Channel.EMAIL:
            by = self.cast.mailbot or mailbot_user()
            self.cast.mailbot = by
        # The seat grades what the caller describes: the same story is not always as bad.
        priority, roll = story.priority, rng.random()
        if priority == "P2" and roll < 0.45:
            priority = "P3"
        elif priority == "P3" and roll < 0.3:
            priority = "P2" if roll < 0.12 else "P4"
        case = services.case_create(
            by=by,
            customer=self.customer,
            contact=self.contact,
            title=story.title,
            description=self.fill(story.description),
            fault_symptom=self.fill(story.symptom),
            priority=priority,
            case_type=story.case_type,
            channel=channel,
            service_mode=story.mode,
            serial_number=self.asset.serial_number if self.asset else "",
            is_major=story.major,
        )
        # The demo's own mark, on the row the play itself wrote: the key of idempotence.
        created = case.activities.get(kind=ActivityKind.CREATED)
        created.data = {**created.data, DEMO_KEY: self.index}
        created.save(update_fields=["data"])
        return case

    def do_assign(self, case: Case) -> Case:
        return services.case_assign(case=case, engineer=self.engineer, by=self.seat)

    def do_approval(self, case: Case) -> Case | None:
        refused = self.rng.random() < 0.2
        services.case_record_approval(
            case=case,
            by=self.seat,
            approver=f"{self.customer.name}{self.rng.choice(APPROVERS)}",
            decision=ApprovalDecision.REFUSED if refused else ApprovalDecision.APPROVED,
            decided_on=timezone.localdate(),
            note="依据客户签字的《重大请求审批表》。" if not refused else REFUSALS,
        )
        if refused:
            services.case_close(case=case, by=self.seat, text=REFUSALS)
            return None
        return case

    def do_respond(self, case: Case) -> Case:
        return services.case_respond(case=case, by=self.engineer, text=self.pick(RESPONSES))

    def do_ask(self, case: Case) -> Case:
        services.case_comment(case=case, by=self.engineer, text=self.pick(ASK_INFO))
        return case

    def do_reply(self, case: Case) -> Case:
        services.case_comment(case=case, by=self.user, text=self.pick(CUSTOMER_REPLIES))
        return case

    def do_note(self, case: Case) -> Case:
        author = self.engineer if case.assignee_id else self.seat
        services.case_comment(case=case, by=author, text=self.pick(INTERNAL_NOTES), internal=True)
        return case

    def do_diagnose(self, case: Case) -> Case:
        return services.case_diagnose(
            case=case, by=self.engineer, text=self.fill(self.story.diagnosis)
        )

    def do_expert(self, case: Case) -> Case:
        self.expert = self.cast.expert_for(self.rng, self.story.line)
        if self.expert is None:
            return case
        return services.case_escalate(
            case=case,
            by=self.engineer,
            to="expert",
            expert=self.expert,
            text=self.pick(EXPERT_ASKS),
        )

    def do_expert_note(self, case: Case) -> Case:
        if self.expert is not None:
            services.case_comment(
                case=case, by=self.expert, text=self.pick(EXPERT_NOTES), internal=True
            )
        return case

    def do_vendor(self, case: Case) -> Case:
        if case.vendor_id is None:
            return case
        day = timezone.localdate()
        reference = f"{case.vendor.code}-{day:%Y%m%d}{self.rng.randrange(10000):04d}"
        return services.case_escalate(
            case=case,
            by=self.engineer,
            to="vendor",
            vendor_ref=reference,
            text=self.pick(VENDOR_ASKS),
        )

    def do_vendor_solved(self, case: Case) -> Case:
        for vendor_case in case.vendor_cases.all():
            services.vendor_case_update(
                vendor_case=vendor_case,
                by=self.engineer,
                state=VendorCaseState.SOLVED,
                text=self.pick(VENDOR_REPLIES),
            )
        return case

    def do_wait(self, case: Case) -> Case:
        return services.case_wait(case=case, by=self.engineer, text=self.pick(WAITS))

    def do_resume(self, case: Case) -> Case:
        if self.user is not None:
            # The customer's answer resumes the case by itself (case_comment).
            services.case_comment(case=case, by=self.user, text=self.pick(CUSTOMER_REPLIES))
            return Case.objects.get(pk=case.pk)
        return services.case_resume(case=case, by=self.engineer, text=self.pick(RESUMES))

    def do_resolve(self, case: Case) -> Case:
        return services.case_resolve(
            case=case, by=self.engineer, text=self.fill(self.story.solution)
        )

    def do_close(self, case: Case) -> Case:
        if self.user is not None and self.rng.random() < 0.8:
            return services.case_confirm(case=case, by=self.user, text=self.pick(CONFIRMS))
        return services.case_confirm(case=case, by=self.engineer, text=self.pick(PHONE_CONFIRMS))
