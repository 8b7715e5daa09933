"""Realistic Chinese demo data: deterministic for a seed, idempotent, quick in bulk.

Every row is keyed on a natural key (customer code, username, project code, serial number), so a
second run adds nothing and a run with a larger ``--customers`` adds only what is missing. Each
customer is planned from its own ``Random(f"{seed}/customer/{i}")`` so customer 7 looks the same
whether 10 or 1,000 are loaded. Later apps add their data as sections (see ``SECTIONS``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from aftersales.accounts.models import ManagerLevel, User
from aftersales.accounts.roles import Role
from aftersales.accounts.services import user_create
from aftersales.lib.phones import normalize_phone
from aftersales.registry.import_demo import load as load_imports
from aftersales.registry.models import (
    Asset,
    Contact,
    Customer,
    CustomerLevel,
    Engineer,
    MemberSide,
    ProductModel,
    Project,
    ProjectMember,
    Site,
    Skill,
    Vendor,
)
from aftersales.registry.services import engineer_create

DEFAULT_SEED = 2026
DEFAULT_CUSTOMERS = 20
DEFAULT_CASES_PER_CUSTOMER = 3  # `aftersales demo` without --cases: ~60 cases for `make run`
PORTAL_LOGINS = 3  # the first contact of the first few customers gets a portal login

# Printed by `aftersales demo` and named in the README: keep them exactly.
CREDENTIALS = {
    "admin": "admin-demo-2026",
    "seat1": "seat-demo-2026",
    "eng1": "eng-demo-2026",
    "kh0001": "portal-demo-2026",
}
SEAT_PASSWORD = "seat-demo-2026"
ENGINEER_PASSWORD = "eng-demo-2026"
STAFF_PASSWORD = "staff-demo-2026"
PORTAL_PASSWORD = "portal-demo-2026"

# (region, city, province, landline area code, e-mail slug)
CITIES = [
    ("华北", "北京", "北京市", "010", "beijing"),
    ("华北", "天津", "天津市", "022", "tianjin"),
    ("华北", "石家庄", "河北省", "0311", "sjz"),
    ("华北", "太原", "山西省", "0351", "taiyuan"),
    ("华北", "呼和浩特", "内蒙古自治区", "0471", "huhhot"),
    ("东北", "沈阳", "辽宁省", "024", "shenyang"),
    ("东北", "大连", "辽宁省", "0411", "dalian"),
    ("东北", "长春", "吉林省", "0431", "changchun"),
    ("东北", "哈尔滨", "黑龙江省", "0451", "harbin"),
    ("华东", "上海", "上海市", "021", "shanghai"),
    ("华东", "南京", "江苏省", "025", "nanjing"),
    ("华东", "苏州", "江苏省", "0512", "suzhou"),
    ("华东", "杭州", "浙江省", "0571", "hangzhou"),
    ("华东", "宁波", "浙江省", "0574", "ningbo"),
    ("华东", "合肥", "安徽省", "0551", "hefei"),
    ("华东", "济南", "山东省", "0531", "jinan"),
    ("华东", "青岛", "山东省", "0532", "qingdao"),
    ("华东", "福州", "福建省", "0591", "fuzhou"),
    ("华东", "厦门", "福建省", "0592", "xiamen"),
    ("华东", "南昌", "江西省", "0791", "nanchang"),
    ("华南", "广州", "广东省", "020", "guangzhou"),
    ("华南", "深圳", "广东省", "0755", "shenzhen"),
    ("华南", "东莞", "广东省", "0769", "dongguan"),
    ("华南", "南宁", "广西壮族自治区", "0771", "nanning"),
    ("华南", "海口", "海南省", "0898", "haikou"),
    ("华中", "武汉", "湖北省", "027", "wuhan"),
    ("华中", "长沙", "湖南省", "0731", "changsha"),
    ("华中", "郑州", "河南省", "0371", "zhengzhou"),
    ("西南", "成都", "四川省", "028", "chengdu"),
    ("西南", "重庆", "重庆市", "023", "chongqing"),
    ("西南", "昆明", "云南省", "0871", "kunming"),
    ("西南", "贵阳", "贵州省", "0851", "guiyang"),
    ("西北", "西安", "陕西省", "029", "xian"),
    ("西北", "兰州", "甘肃省", "0931", "lanzhou"),
    ("西北", "银川", "宁夏回族自治区", "0951", "yinchuan"),
    ("西北", "乌鲁木齐", "新疆维吾尔自治区", "0991", "urumqi"),
]
REGIONS = ["华北", "东北", "华东", "华南", "华中", "西南", "西北"]

# (name template, e-mail slug): {city}, {province} and {region} are filled in.
COMPANIES = [
    ("{region}电力集团有限公司", "power"),
    ("国网{province}电力公司", "sgcc"),
    ("{city}农商银行", "rcb"),
    ("{city}银行股份有限公司", "bank"),
    ("{city}地铁运营公司", "metro"),
    ("{city}市第一人民医院", "hospital"),
    ("{city}市自来水有限公司", "water"),
    ("{city}燃气集团有限公司", "gas"),
    ("{city}证券股份有限公司", "securities"),
    ("中国移动{province}有限公司{city}分公司", "mobile"),
    ("{city}理工大学", "edu"),
    ("{city}港务集团有限公司", "port"),
    ("{city}广播电视台", "tv"),
    ("{city}机场集团有限公司", "airport"),
    ("{city}市烟草专卖局", "tobacco"),
    ("{city}钢铁集团有限公司", "steel"),
    ("{city}高速公路管理局", "expressway"),
    ("{city}市政务服务数据管理局", "gov"),
    ("{city}市公安局", "police"),
    ("{city}人寿保险股份有限公司", "insurance"),
]
DISTRICTS = ["高新区", "经济技术开发区", "城南区", "城北区", "新区", "滨江区", "中心区"]
ROADS = ["人民路", "解放路", "建设路", "中山路", "科技路", "长江路", "和平路", "文化路", "新华路"]
SITE_KINDS = ["主数据中心", "灾备数据中心", "核心机房", "汇聚机房", "信息中心机房"]
CONTACT_ROLES = ["信息中心主任", "运维工程师", "网络管理员", "系统管理员", "机房负责人", "采购专员"]
PROJECTS = [
    "数据中心扩容项目",
    "核心网络改造项目",
    "存储双活建设项目",
    "灾备中心建设项目",
    "机房UPS改造项目",
    "数据库平台升级项目",
    "网络安全等保整改项目",
]

SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
    ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
    ("彭", "peng"), ("曾", "zeng"), ("田", "tian"), ("董", "dong"), ("潘", "pan"),
    ("袁", "yuan"), ("蔡", "cai"), ("蒋", "jiang"), ("余", "yu"), ("杜", "du"),
    ("叶", "ye"), ("程", "cheng"), ("魏", "wei"), ("苏", "su"), ("吕", "lv"),
    ("丁", "ding"), ("任", "ren"), ("卢", "lu"), ("姚", "yao"), ("沈", "shen"),
]  # fmt: skip
GIVEN = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"),
    ("超", "chao"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("华", "hua"),
    ("鹏", "peng"), ("辉", "hui"), ("建", "jian"), ("国", "guo"), ("志", "zhi"),
    ("宇", "yu"), ("浩", "hao"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"),
    ("晨", "chen"), ("欣", "xin"), ("佳", "jia"), ("俊", "jun"), ("博", "bo"),
    ("斌", "bin"), ("宁", "ning"), ("凯", "kai"), ("峰", "feng"), ("颖", "ying"),
]  # fmt: skip
MOBILE_PREFIXES = ["138", "139", "137", "136", "135", "150", "151", "158", "186", "187", "189"]

# (code, name, support phone, [(model, product line, kind, versions)])
VENDORS = [
    ("HUAWEI", "华为", "400-822-9999", [
        ("FusionServer 2288H V6", "服务器", "hardware", ["iBMC 3.03.00.16", "iBMC 3.05.00.20"]),
        ("OceanStor Dorado 5000 V6", "存储", "hardware", ["6.1.5", "6.1.6"]),
        ("OceanStor 5310 V5", "存储", "hardware", ["V500R007C60SPC300", "V500R007C71"]),
        ("CloudEngine S6730-H24X6C", "交换机", "hardware", ["V200R021C10", "V200R022C00"]),
        ("NetEngine AR6140", "路由器", "hardware", ["V300R021C10SPC100"]),
        ("HiSecEngine USG6555E", "防火墙", "hardware", ["V600R007C20SPC600"]),
        ("UPS2000-G-10KRTL", "UPS", "hardware", [""]),
        ("OceanStor DAE52525U2 硬盘框", "存储", "part", [""]),
    ]),
    ("H3C", "新华三", "400-810-0504", [
        ("UniServer R4900 G5", "服务器", "hardware", ["HDM 2.98", "HDM 3.10"]),
        ("S6850-56HF", "交换机", "hardware", ["Comware 7.1.070 R6710"]),
        ("MSR3620", "路由器", "hardware", ["Comware 7.1.064 R0821"]),
        ("SecPath F1000-AK", "防火墙", "hardware", ["E8371", "E8660"]),
    ]),
    ("ZTE", "中兴", "400-830-3003", [
        ("ZXR10 5960", "交换机", "hardware", ["V5.00.10"]),
        ("R5300 G4", "服务器", "hardware", ["BMC 4.23"]),
    ]),
    ("INSPUR", "浪潮", "800-860-0011", [
        ("NF5280M6", "服务器", "hardware", ["BMC 4.18.0", "BMC 4.22.0"]),
        ("AS5600G5", "存储", "hardware", ["InView 5.3.2"]),
    ]),
    ("LENOVO", "联想", "400-106-8888", [
        ("ThinkSystem SR650 V2", "服务器", "hardware", ["XCC 4.10", "XCC 5.20"]),
        ("ThinkSystem DE4000H", "存储", "hardware", ["11.70.2"]),
    ]),
    ("SUGON", "曙光", "400-810-0466", [
        ("I620-G30", "服务器", "hardware", ["BMC 2.36"]),
        ("ParaStor300", "存储", "hardware", ["4.2.1"]),
    ]),
    ("DELL", "Dell", "800-858-2969", [
        ("PowerEdge R750", "服务器", "hardware", ["BIOS 1.11.2", "iDRAC 6.10.30"]),
        ("PowerVault ME5024", "存储", "hardware", ["ME5.1.1.0.5"]),
        ("PowerVault ME484 扩展柜", "存储", "part", [""]),
    ]),
    ("HPE", "HPE", "400-688-8086", [
        ("ProLiant DL380 Gen10 Plus", "服务器", "hardware", ["iLO 5 2.78", "iLO 5 2.90"]),
        ("MSA 2060", "存储", "hardware", ["IN110P001"]),
        ("MSA 2060 LFF 扩展柜", "存储", "part", [""]),
    ]),
    ("CISCO", "Cisco", "400-810-8886", [
        ("Catalyst 9300-48P", "交换机", "hardware", ["IOS XE 17.9.4a", "IOS XE 17.12.2"]),
        ("ISR 4451-X", "路由器", "hardware", ["IOS XE 17.6.5"]),
        ("Firepower 2130", "防火墙", "hardware", ["FTD 7.2.5"]),
    ]),
    ("IBM", "IBM", "800-810-1818", [
        ("Power S922", "服务器", "hardware", ["FW950.80"]),
        ("Db2 Advanced Edition", "数据库软件", "software", ["11.5.8", "11.5.9"]),
    ]),
    ("ORACLE", "Oracle", "800-810-0366", [
        ("Oracle Database Enterprise Edition", "数据库软件", "software", ["19.21", "19.22"]),
    ]),
    ("DAMENG", "达梦", "400-991-6599", [
        ("DM8 企业版", "数据库软件", "software", ["8.1.3.62", "8.1.3.100"]),
    ]),
    ("VERTIV", "维谛", "400-887-6510", [
        ("Liebert APM 90kVA", "UPS", "hardware", [""]),
        ("Liebert PEX4 精密空调", "机房动力", "hardware", [""]),
    ]),
]  # fmt: skip
SKILLS = [
    ("storage", "存储"),
    ("network", "网络"),
    ("server", "服务器"),
    ("database", "数据库"),
    ("security", "安全"),
    ("power", "机房动力"),
]
LINE_SKILL = {
    "服务器": "server",
    "存储": "storage",
    "交换机": "network",
    "路由器": "network",
    "防火墙": "security",
    "UPS": "power",
    "机房动力": "power",
    "数据库软件": "database",
}
WARRANTY_MONTHS = {"hardware": 36, "software": 12, "part": 36, "integration": 3}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    role: str
    password: str
    region: str = ""
    skills: tuple[str, ...] = ()
    manager_level: str = ""
    on_call: bool = False
    team: str = ""  # the service team (服务组) the appraisal compares


STAFF = [
    StaffSpec("admin", Role.ADMIN, CREDENTIALS["admin"]),
    StaffSpec("seat1", Role.DISPATCHER, SEAT_PASSWORD),
    StaffSpec("seat2", Role.DISPATCHER, SEAT_PASSWORD),
    StaffSpec(
        "eng1",
        Role.ENGINEER,
        ENGINEER_PASSWORD,
        "华东",
        ("storage", "server"),
        on_call=True,
        team="华东一组",
    ),
    StaffSpec(
        "eng2", Role.ENGINEER, ENGINEER_PASSWORD, "华东", ("network", "security"), team="华东一组"
    ),
    StaffSpec(
        "eng3", Role.ENGINEER, ENGINEER_PASSWORD, "华北", ("server", "database"), team="华北一组"
    ),
    StaffSpec(
        "eng4", Role.ENGINEER, ENGINEER_PASSWORD, "华南", ("network", "storage"), team="华南一组"
    ),
    StaffSpec(
        "eng5", Role.ENGINEER, ENGINEER_PASSWORD, "华中", ("server", "power"), team="华南一组"
    ),
    StaffSpec(
        "eng6", Role.ENGINEER, ENGINEER_PASSWORD, "西南", ("storage", "network"), team="西部一组"
    ),
    StaffSpec(
        "eng7",
        Role.ENGINEER,
        ENGINEER_PASSWORD,
        "西北",
        ("server", "network", "power"),
        team="西部一组",
    ),
    StaffSpec(
        "eng8", Role.ENGINEER, ENGINEER_PASSWORD, "东北", ("server", "storage"), team="华北一组"
    ),
    StaffSpec(
        "expert1", Role.EXPERT, STAFF_PASSWORD, "华东", ("storage", "database"), team="华东一组"
    ),
    StaffSpec(
        "expert2", Role.EXPERT, STAFF_PASSWORD, "华北", ("network", "security"), team="华北一组"
    ),
    StaffSpec("rma1", Role.RMA_ADMIN, STAFF_PASSWORD, "华东"),
    StaffSpec("wh1", Role.WAREHOUSE, STAFF_PASSWORD, "华东"),
    StaffSpec("mgr1", Role.MANAGER, STAFF_PASSWORD, manager_level=ManagerLevel.TECHNICAL),
    StaffSpec("mgr2", Role.MANAGER, STAFF_PASSWORD, manager_level=ManagerLevel.RESPONSE_CENTRE),
    StaffSpec("mgr3", Role.MANAGER, STAFF_PASSWORD, manager_level=ManagerLevel.TECHNICAL_CENTRE),
    StaffSpec("mgr4", Role.MANAGER, STAFF_PASSWORD, manager_level=ManagerLevel.GENERAL),
    StaffSpec("ts1", Role.COMPLAINT_OFFICER, STAFF_PASSWORD),
    StaffSpec("csm1", Role.SERVICE_MANAGER, STAFF_PASSWORD, "华东"),
    StaffSpec("csm2", Role.SERVICE_MANAGER, STAFF_PASSWORD, "华北"),
]


def demo_staff(role: str = ""):
    """The demo's own active staff (of `role` when given), by username: never a real user of a
    database the demo is tried on (other users play no part in demo records)."""
    names = [spec.username for spec in STAFF]
    staff = User.objects.filter(username__in=names, is_active=True)
    return (staff.filter(groups__name=role) if role else staff).order_by("username")


@dataclass
class Demo:
    """What a run knows and has done; sections read the options and add to ``created``."""

    customers: int = DEFAULT_CUSTOMERS
    cases: int | None = None
    seed: int = DEFAULT_SEED
    today: dt.date = field(default_factory=timezone.localdate)
    created: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    phones: set[str] = field(default_factory=set)

    def rng(self, *key: object) -> random.Random:
        # A string seed is hashed with SHA-512, so the stream is the same on every machine.
        return random.Random("/".join(map(str, (self.seed, *key))))

    def add(self, kind: str, count: int) -> None:
        if count:
            self.created[kind] = self.created.get(kind, 0) + count

    def person(self, rng: random.Random) -> tuple[str, str]:
        """A Chinese name and its pinyin e-mail local part."""
        surname, s_py = rng.choice(SURNAMES)
        given = rng.sample(GIVEN, rng.choice((1, 2, 2)))
        return surname + "".join(g for g, _ in given), "".join(p for _, p in given) + "." + s_py

    def mobile(self, rng: random.Random) -> str:
        while True:
            number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number


def load(
    *, customers: int = DEFAULT_CUSTOMERS, cases: int | None = None, seed: int = DEFAULT_SEED
) -> Demo:
    """Load the demo data in one transaction and return what was created."""
    demo = Demo(customers=customers, cases=cases, seed=seed)
    with transaction.atomic():
        for _name, section in SECTIONS:
            section(demo)
    return demo


def load_skills(demo: Demo) -> None:
    existing = set(Skill.objects.values_list("code", flat=True))
    new = [Skill(code=code, name=name) for code, name in SKILLS if code not in existing]
    Skill.objects.bulk_create(new)
    demo.add("skills", len(new))


def load_staff(demo: Demo) -> None:
    """Staff logins through the service (few rows; each needs its role and a password hash)."""
    existing = set(User.objects.values_list("username", flat=True))
    skills = {s.code: s for s in Skill.objects.all()}
    for spec in STAFF:
        rng = demo.rng("staff", spec.username)
        name, local = demo.person(rng)
        phone = demo.mobile(rng)
        if spec.username in existing:
            continue
        engineer = engineer_create(
            username=spec.username,
            password=spec.password,
            name=name,
            phone=phone,
            email=f"{local}@service.example.com",
            role=spec.role,
            region=spec.region,
            manager_level=spec.manager_level,
            by=None,  # the demo loader is the system
        )
        if spec.on_call or spec.team:
            Engineer.objects.filter(pk=engineer.pk).update(on_call=spec.on_call, team=spec.team)
        engineer.skills.set([skills[code] for code in spec.skills])
        demo.add("staff", 1)


def load_vendors(demo: Demo) -> None:
    vendors = {v.code: v for v in Vendor.objects.filter(code__in=[v[0] for v in VENDORS])}
    for code, name, phone, models in VENDORS:
        vendor = vendors.get(code)
        if vendor is None:
            vendor = Vendor.objects.create(
                code=code,
                name=name,
                support_phone=phone,
                support_email=f"support@{code.lower()}.example.com",
            )
            demo.add("vendors", 1)
        have = set(vendor.models.values_list("name", flat=True))
        new = [
            ProductModel(
                vendor=vendor,
                name=model,
                product_line=line,
                kind=kind,
                warranty_months=WARRANTY_MONTHS[kind],
            )
            for model, line, kind, _versions in models
            if model not in have
        ]
        ProductModel.objects.bulk_create(new)
        demo.add("product models", len(new))


@dataclass
class _Plan:
    """One customer and everything under it, before any row exists."""

    code: str
    customer: Customer
    contacts: list[Contact]
    sites: list[Site]
    projects: list[tuple[Project, list[int]]]  # project, indexes of its customer-side contacts
    assets: list[dict]
    engineers: list[str]  # usernames responsible for this customer


def _company_name(rng: random.Random, taken: set[str]) -> tuple[str, tuple]:
    for attempt in range(200):
        city = rng.choice(CITIES)
        template, slug = rng.choice(COMPANIES)
        name = template.format(region=city[0], city=city[1], province=city[2])
        if attempt > 20:  # the plain names are used up: branches keep large runs unique
            name += rng.choice(DISTRICTS) + "分公司"
        if name not in taken:
            taken.add(name)
            return name, (*city, slug)
    raise RuntimeError("ran out of demo company names")


def _serial(rng: random.Random, vendor: str) -> str:
    digits = "".join(rng.choices("0123456789", k=8))
    letters = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=7))
    return {
        "HUAWEI": f"2102{digits}{letters[:4]}",
        "H3C": f"210235A{letters[:3]}{digits}",
        "DELL": letters,
        "HPE": f"CN{digits[:2]}{letters[:6]}",
        "CISCO": f"FOC{digits[:4]}{letters[:4]}",
        "IBM": f"78{letters[:5]}",
        "LENOVO": f"J30{letters[:5]}",
    }.get(vendor, f"{vendor[:3]}{digits}{letters[:2]}")


def _plan_customer(demo: Demo, index: int, names: set[str], engineers: dict) -> _Plan:
    rng = demo.rng("customer", index)
    code = f"KH{index:04d}"
    name, (region, city, _province, area, city_slug, slug) = _company_name(rng, names)
    domain = f"{city_slug}-{slug}.example.com"
    address = f"{city}市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
    level = rng.choices(CustomerLevel.values, weights=(1, 3, 5, 2))[0]
    customer = Customer(code=code, name=name, region=region, address=address, level=level)
    contacts, used_emails = [], set()
    for n in range(rng.randint(2, 4)):
        person, local = demo.person(rng)
        # Some contacts are reached on the machine-room landline.
        phone = f"{area}-{rng.randint(5000_0000, 8999_9999)}" if n == 2 else demo.mobile(rng)
        while local in used_emails:
            local += str(rng.randint(1, 9))
        used_emails.add(local)
        contacts.append(
            Contact(
                name=person,
                phone=phone,
                phone_normalized=normalize_phone(phone),
                email=f"{local}@{domain}",
                role=CONTACT_ROLES[n] if n < 2 else rng.choice(CONTACT_ROLES),
            )
        )
    sites = [
        Site(
            name=f"{city}{kind}",
            region=region,
            address=f"{city}市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
        )
        for kind in rng.sample(SITE_KINDS, rng.randint(1, 2))
    ]
    projects = []
    for n, title in enumerate(rng.sample(PROJECTS, rng.randint(1, 2)), start=1):
        accepted = demo.today - dt.timedelta(days=rng.randint(30, 5 * 365))
        started = accepted - dt.timedelta(days=rng.randint(60, 240))
        project = Project(
            code=f"XM-{code}-{n}",
            name=f"{accepted.year}年{title}",
            started_on=started,
            accepted_on=accepted,
        )
        projects.append((project, rng.sample(range(len(contacts)), min(2, len(contacts)))))
    assets = []
    for _ in range(rng.randint(3, 8)):
        vendor_code, _vname, _phone, models = rng.choice(VENDORS)
        hardware = [m for m in models if m[2] != "part"]
        model, _line, kind, versions = rng.choice(hardware)
        in_project = rng.random() < 0.7
        project_no = rng.randrange(len(projects)) if in_project else None
        if project_no is not None:
            accepted = projects[project_no][0].accepted_on
        else:
            accepted = demo.today - dt.timedelta(days=rng.randint(10, 5 * 365))
        months = WARRANTY_MONTHS[kind] if rng.random() < 0.85 else 60  # some bought extended
        asset = {
            "serial": _serial(rng, vendor_code),
            "vendor": vendor_code,
            "model": model,
            "site": rng.randrange(len(sites)),
            "project": project_no,
            "accepted_on": accepted,
            "installed_on": accepted - dt.timedelta(days=rng.randint(7, 45)),
            "warranty_months": months,
            "software_version": rng.choice(versions),
            "parent": None,
        }
        assets.append(asset)
        parts = [m for m in models if m[2] == "part"]
        if parts and rng.random() < 0.6:  # storage shelves hang under their controller
            for _n in range(rng.randint(1, 2)):
                assets.append(
                    {
                        **asset,
                        "serial": _serial(rng, vendor_code),
                        "model": parts[0][0],
                        "software_version": "",
                        "parent": asset["serial"],
                    }
                )
    local = [u for u, r in engineers.items() if r == region] or sorted(engineers)
    responsible = [rng.choice(sorted(local))] if local else []
    return _Plan(code, customer, contacts, sites, projects, assets, responsible)


def load_customers(demo: Demo) -> None:
    """Customers with contacts, sites, projects (both sides) and installed assets, in bulk."""
    engineers = dict(
        Engineer.objects.filter(user__groups__name=Role.ENGINEER).values_list(
            "user__username", "region"
        )
    )
    managers = list(User.objects.filter(groups__name=Role.SERVICE_MANAGER).order_by("username"))
    names: set[str] = set()
    plans = [_plan_customer(demo, i, names, engineers) for i in range(1, demo.customers + 1)]
    existing = set(
        Customer.objects.filter(code__in=[p.code for p in plans]).values_list("code", flat=True)
    )
    plans = [p for p in plans if p.code not in existing]
    if not plans:
        return
    for n, plan in enumerate(plans):
        if managers:
            plan.customer.service_manager = managers[n % len(managers)]
    Customer.objects.bulk_create([p.customer for p in plans], batch_size=500)
    by_code = Customer.objects.in_bulk([p.code for p in plans], field_name="code")
    for plan in plans:
        plan.customer = by_code[plan.code]
        for row in (*plan.contacts, *plan.sites, *(p for p, _ in plan.projects)):
            row.customer = plan.customer
    Contact.objects.bulk_create([c for p in plans for c in p.contacts], batch_size=500)
    Site.objects.bulk_create([s for p in plans for s in p.sites], batch_size=500)
    project_codes = {pr.code for p in plans for pr, _ in p.projects}
    taken = set(Project.objects.filter(code__in=project_codes).values_list("code", flat=True))
    Project.objects.bulk_create(
        [pr for p in plans for pr, _ in p.projects if pr.code not in taken], batch_size=500
    )
    demo.add("customers", len(plans))
    demo.add("contacts", sum(len(p.contacts) for p in plans))
    demo.add("sites", sum(len(p.sites) for p in plans))
    demo.add("projects", len(project_codes - taken))
    _refetch_children(plans)
    _load_members(plans)
    _load_assets(demo, plans)
    _load_responsibilities(plans)


def _refetch_children(plans: list[_Plan]) -> None:
    # Not every backend returns primary keys from bulk_create; fetch them by natural key.
    ids = [p.customer.pk for p in plans]
    contacts = {
        (c.customer_id, c.phone_normalized): c for c in Contact.objects.filter(customer_id__in=ids)
    }
    sites = {(s.customer_id, s.name): s for s in Site.objects.filter(customer_id__in=ids)}
    projects = Project.objects.in_bulk(
        [pr.code for p in plans for pr, _ in p.projects], field_name="code"
    )
    for plan in plans:
        cid = plan.customer.pk
        plan.contacts = [contacts[(cid, c.phone_normalized)] for c in plan.contacts]
        plan.sites = [sites[(cid, s.name)] for s in plan.sites]
        plan.projects = [(projects[pr.code], members) for pr, members in plan.projects]


def _load_members(plans: list[_Plan]) -> None:
    users = dict(User.objects.values_list("username", "pk"))
    rows = []
    for plan in plans:
        for project, member_idx in plan.projects:
            if project.customer_id != plan.customer.pk:
                continue  # a project code someone else already used
            for username in plan.engineers:
                rows.append(
                    ProjectMember(
                        project=project,
                        side=MemberSide.OURS,
                        user_id=users[username],
                        role="实施工程师",
                    )
                )
            if plan.customer.service_manager_id:
                rows.append(
                    ProjectMember(
                        project=project,
                        side=MemberSide.OURS,
                        user_id=plan.customer.service_manager_id,
                        role="客户服务经理",
                    )
                )
            for n, idx in enumerate(member_idx):
                rows.append(
                    ProjectMember(
                        project=project,
                        side=MemberSide.CUSTOMER,
                        contact=plan.contacts[idx],
                        role="甲方项目负责人" if n == 0 else "甲方运维对接人",
                    )
                )
    ProjectMember.objects.bulk_create(rows, batch_size=500)


def _load_assets(demo: Demo, plans: list[_Plan]) -> None:
    models = {(m.vendor.code, m.name): m for m in ProductModel.objects.select_related("vendor")}
    serials = [a["serial"] for p in plans for a in p.assets]
    taken = set(
        Asset.objects.filter(serial_number__in=serials).values_list("serial_number", flat=True)
    )
    for parents in (True, False):  # components need their parent's id
        existing = {}
        if not parents:
            existing = Asset.objects.in_bulk(
                [a["parent"] for p in plans for a in p.assets if a["parent"]],
                field_name="serial_number",
            )
        rows = []
        for plan in plans:
            for a in plan.assets:
                if (a["parent"] is None) != parents or a["serial"] in taken:
                    continue
                parent = existing.get(a["parent"]) if a["parent"] else None
                if a["parent"] and (parent is None or parent.customer_id != plan.customer.pk):
                    continue
                project = plan.projects[a["project"]][0] if a["project"] is not None else None
                if project is not None and project.customer_id != plan.customer.pk:
                    project = None
                rows.append(
                    Asset(
                        customer=plan.customer,
                        serial_number=a["serial"],
                        product_model=models[(a["vendor"], a["model"])],
                        site=plan.sites[a["site"]],
                        project=project,
                        parent=parent,
                        installed_on=a["installed_on"],
                        accepted_on=a["accepted_on"],
                        warranty_months=a["warranty_months"],
                        software_version=a["software_version"],
                    )
                )
                taken.add(a["serial"])
        Asset.objects.bulk_create(rows, batch_size=500)
        demo.add("assets" if parents else "components", len(rows))


def _load_responsibilities(plans: list[_Plan]) -> None:
    engineers = dict(Engineer.objects.values_list("user__username", "pk"))
    through = Engineer.customers.through
    through.objects.bulk_create(
        [
            through(engineer_id=engineers[u], customer_id=plan.customer.pk)
            for plan in plans
            for u in plan.engineers
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


def load_portal_logins(demo: Demo) -> None:
    """A portal login (kh0001, ...) for the first contact of the first few customers."""
    for index in range(1, min(PORTAL_LOGINS, demo.customers) + 1):
        username = f"kh{index:04d}"
        if User.objects.filter(username=username).exists():
            continue
        first = (
            Contact.objects.filter(customer__code=f"KH{index:04d}", user__isnull=True)
            .order_by("pk")
            .first()
        )
        if first is None:
            continue
        user = user_create(
            username=username,
            password=PORTAL_PASSWORD,
            role=Role.CUSTOMER_CONTACT,
            display_name=first.name,
            email=first.email,
            phone=first.phone,
            by=None,  # the demo loader is the system
        )
        Contact.objects.filter(pk=first.pk).update(user=user)
        demo.add("portal logins", 1)


# In order; an app above with demo data of its own appends ("name", function) here from its
# AppConfig.ready (INSTALLED_APPS order: cases after the registry), so no import climbs.
SECTIONS: list[tuple[str, Callable[[Demo], None]]] = [
    ("skills", load_skills),
    ("staff", load_staff),
    ("vendors", load_vendors),
    ("customers", load_customers),
    ("portal logins", load_portal_logins),
    ("imports", load_imports),
]


def register_section(name: str, load: str) -> None:
    """Add an app's demo data after what is there: `load` is the dotted path of its loader,
    imported only when the demo is loaded (once: ready() may run twice in tests)."""
    if all(existing != name for existing, _load in SECTIONS):
        SECTIONS.append((name, lambda demo: import_string(load)(demo)))
