"""Export customers, contacts and assets as .csv or .xlsx, with the headers the importer reads.

Rows come from .values_list().iterator(), never as model objects, and go straight out: CSV as a
streaming response, xlsx through openpyxl's write-only mode into a temporary file. A million
assets therefore never sit in memory at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Invalid
from aftersales.registry import selectors
from aftersales.registry.imports import export_allowed
from aftersales.registry.imports.columns import COLUMNS
from aftersales.registry.models import ImportKind

FORMATS = ("csv", "xlsx")
UNKNOWN_KIND = _("Choose customers, contacts or assets.")
UNKNOWN_FORMAT = _("Choose csv or xlsx.")
UNKNOWN_CUSTOMER = _("No customer has this code.")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ITERATOR_CHUNK = 2000

# Text Excel would run as a formula ("=HYPERLINK(...)", "+cmd|..."); phone numbers such as
# "+86 138-0013-8000" are left alone. The importer drops the quote again.
_FORMULA_START = ("=", "@", "\t", "\r")
_PLAIN_SIGNED = re.compile(r"^[+-][\d\s()+\-.]*$")


def _customer_pk(*, user: Any, code: str) -> int | None:
    if not code:
        return None
    pk = (
        selectors.customers_for_user(user).filter(code__iexact=code).values_list("pk", flat=True)
    ).first()
    if pk is None:
        raise Invalid(UNKNOWN_CUSTOMER, field="customer")
    return pk


def _rows(*, user: Any, kind: str, customer: str, q: str, filters: dict) -> Iterator[tuple]:
    """Rows as tuples in column order, through the list pages' own selectors and filters."""
    customer_pk = _customer_pk(user=user, code=customer)
    if kind == ImportKind.CUSTOMERS:
        qs: QuerySet = selectors.customer_list(
            user=user, q=q, region=filters.get("region", ""), level=filters.get("level", "")
        )
        if customer_pk:
            qs = qs.filter(pk=customer_pk)
        values = qs.values_list("code", "name", "region", "address", "level")
        return ((c, n, r, a, lvl.upper()) for c, n, r, a, lvl in values.iterator(ITERATOR_CHUNK))
    if kind == ImportKind.CONTACTS:
        qs = selectors.contact_list(user=user, q=q, customer=customer_pk)
        values = qs.values_list("customer__code", "name", "phone", "email", "role")
        return values.iterator(ITERATOR_CHUNK)
    qs = selectors.asset_list(user=user, q=q, customer=customer_pk)
    values = qs.values_list(
        "customer__code",
        "serial_number",
        "product_model__name",
        "product_model__vendor__name",
        "installed_on",
        "accepted_on",
        "warranty_months",
        "software_version",
        "parent__serial_number",
    )
    return values.iterator(ITERATOR_CHUNK)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_START) or (
        text.startswith(("+", "-")) and not _PLAIN_SIGNED.match(text)
    ):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(headers: list[str], rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The BOM makes Excel read the file as UTF-8 instead of the machine's GBK.
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([_csv_text(v) for v in row])


def _xlsx_file(headers: list[str], rows: Iterable[tuple]):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for index, header in enumerate(headers):
        sheet.column_dimensions[chr(ord("A") + index)].width = 14 if len(header) < 5 else 18
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text, not a formula
                cells.append(cell)
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    # FileResponse closes (and so deletes) it once sent.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    book.save(spool)
    spool.seek(0)
    return spool


def export_response(
    *, user: Any, kind: str, fmt: str, customer: str = "", q: str = "", **filters: str
):
    """The export as an HTTP response; scoping and filters as on the lists.

    customer is a customer code; filters may hold region and level for customers.
    """
    export_allowed(user=user)
    if kind not in ImportKind.values:
        raise Invalid(UNKNOWN_KIND, field="kind")
    if fmt not in FORMATS:
        raise Invalid(UNKNOWN_FORMAT, field="format")
    headers = [column.header for column in COLUMNS[kind]]
    rows = _rows(user=user, kind=kind, customer=customer.strip(), q=q.strip(), filters=filters)
    filename = f"{kind}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_stream(headers, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        _xlsx_file(headers, rows), as_attachment=True, filename=filename, content_type=XLSX_TYPE
    )
