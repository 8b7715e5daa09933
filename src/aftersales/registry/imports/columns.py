"""The columns of each spreadsheet kind: one list shared by the importer and the exporter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aftersales.registry.models import ImportKind


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the Chinese header the exporter writes
    aliases: tuple[str, ...] = ()
    required: bool = False


CUSTOMER_CODE_ALIASES = ("客户编码", "客户代码", "客户编号", "code", "customer", "customer code")

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.CUSTOMERS: (
        Column("code", "客户ID", CUSTOMER_CODE_ALIASES + ("customer id",), required=True),
        Column("name", "客户名称", ("名称", "name", "customer name"), required=True),
        Column("region", "区域", ("地区", "大区", "region")),
        Column("address", "地址", ("客户地址", "address")),
        Column("level", "级别", ("客户级别", "等级", "level")),
    ),
    ImportKind.CONTACTS: (
        Column("customer", "客户ID", CUSTOMER_CODE_ALIASES + ("customer id",), required=True),
        Column("name", "姓名", ("联系人", "name", "contact"), required=True),
        Column("phone", "电话", ("手机", "联系电话", "手机号", "phone", "mobile", "tel")),
        Column("email", "邮箱", ("电子邮件", "电子邮箱", "email", "e-mail", "mail")),
        Column("role", "职务", ("职位", "角色", "role", "title", "position")),
    ),
    ImportKind.ASSETS: (
        Column("customer", "客户ID", CUSTOMER_CODE_ALIASES + ("customer id",), required=True),
        Column(
            "serial_number",
            "序列号",
            ("sn", "设备序列号", "serial", "serial number", "serial_number"),
            required=True,
        ),
        Column("product_model", "型号", ("设备型号", "产品型号", "model", "product model")),
        Column("vendor", "厂商", ("品牌", "制造商", "原厂", "vendor", "manufacturer")),
        Column("installed_on", "安装日期", ("installed on", "installed", "install date")),
        Column("accepted_on", "验收日期", ("终验日期", "accepted on", "accepted", "acceptance")),
        Column("warranty_months", "保修月数", ("保修期", "保修期(月)", "warranty months")),
        Column("software_version", "软件版本", ("版本", "software version", "version")),
        Column("parent", "上级设备序列号", ("上级设备", "上级序列号", "parent", "parent serial")),
    ),
}

# On create an asset needs a model and a vendor; on update they may be left out.
ASSET_CREATE_REQUIRED = ("product_model", "vendor")

_SEPARATORS = re.compile(r"[\s_\-]+")


def header_key(text: str) -> str:
    """Compare headers loosely: case, spaces, '_' and '-' and full-width brackets ignored."""
    text = str(text or "").strip().lower().replace("（", "(").replace("）", ")")
    return _SEPARATORS.sub("", text)


def _lookup(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for name in (column.header, column.field, *column.aliases):
            table[header_key(name)] = column.field
    return table


_LOOKUPS = {kind: _lookup(kind) for kind in COLUMNS}


def map_headers(kind: str, headers: list[str]) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """Match a file's header row to fields.

    Returns (position -> field, field -> header as written, unknown headers). A field named
    twice keeps its first column; the second counts as unknown.
    """
    lookup = _LOOKUPS[kind]
    positions: dict[int, str] = {}
    written: dict[str, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        label = str(header or "").strip()
        if not label:
            continue
        field = lookup.get(header_key(label))
        if field is None or field in written:
            unknown.append(label)
            continue
        positions[index] = field
        written[field] = label
    return positions, written, unknown


def header_of(kind: str, field: str) -> str:
    return next(c.header for c in COLUMNS[kind] if c.field == field)
