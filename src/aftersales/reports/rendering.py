"""The written reports (报告) as files: one document model, rendered as a Chinese PDF through
core.pdf (which refuses to print without a CJK font) or as an XLSX workbook (openpyxl).

A report module builds a `Document` of titled sections (a table each); the PDF prints the
sections one after another, the workbook gives each its own sheet. Labels are translated when
the document is built, so both formats speak the request's language.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.errors import Invalid
from aftersales.core.pdf import render_pdf

PDF, XLSX = "pdf", "xlsx"
FORMATS = (PDF, XLSX)
CONTENT_TYPES = {
    PDF: "application/pdf",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BAD_FORMAT = gettext_lazy("Format is pdf or xlsx.")
PDF_TEMPLATE = "reports/documents_pdf.html"
_SHEET_FORBIDDEN = re.compile(r"[\[\]\*\?/\\:]")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

Cell = str | int | float | Decimal | None


@dataclass
class Section:
    """One table of a report: a sheet in the workbook, a titled table in the PDF."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    empty: str = ""  # what the PDF says when there are no rows
    totals: list[Cell] | None = None  # a last row in bold, when the section adds up
    # The PDF prints these rows instead of `rows` when set (a long listing cut to its most
    # important rows), with `print_note` saying so above the table; the workbook has `rows`.
    print_rows: list[list[Cell]] | None = None
    print_note: str = ""
    # Column widths in percent for a long table: the PDF lays it out in the fixed table
    # layout (no measuring every cell first: a quarter less time for hundreds of rows).
    print_widths: list[int] | None = None


@dataclass
class Document:
    title: str  # the Chinese title printed on top (《…》)
    subtitle: str
    meta: list[tuple[str, str]]  # (label, value) pairs under the title
    sections: list[Section]
    filename: str  # without extension, ASCII
    printed_at: dt.datetime = field(default_factory=timezone.localtime)


def parse_format(raw: Any) -> str:
    """pdf (the default) or xlsx; anything else is Invalid naming "format"."""
    value = str(raw or PDF).strip().lower()
    if value not in FORMATS:
        raise Invalid(BAD_FORMAT, field="format", loc="query")
    return value


def cell_text(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1%}" if 0 <= value <= 1 else f"{value:.2f}"
    return str(value)


def render_document_pdf(document: Document) -> bytes:
    """The document as a PDF; raises core.pdf.ReportUnavailable without a Chinese font."""
    sections = [
        {
            "section": s,
            "rows": [
                [cell_text(v) for v in row]
                for row in (s.rows if s.print_rows is None else s.print_rows)
            ],
            "totals": [cell_text(v) for v in s.totals] if s.totals else None,
        }
        for s in document.sections
    ]
    return render_pdf(PDF_TEMPLATE, {"document": document, "sections": sections})


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base[:26]} {n}", n + 1
    taken.add(name.lower())
    return name


def _xlsx_value(value: Cell) -> Any:
    if isinstance(value, Decimal | int | float) or value is None:
        return value
    return str(value)


def render_document_xlsx(document: Document) -> bytes:
    """The document as a workbook: an overview sheet, then one sheet per section.

    Written row by row (openpyxl's write-only mode: no cell objects kept), so a listing of
    thousands of rows costs its serialisation only.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)

    def styled(sheet: Any, values: list[Any], font: Any) -> list[Any]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = font
            cells.append(cell)
        return cells

    overview = book.create_sheet(_sheet_title(_("Overview"), taken))
    overview.column_dimensions["A"].width = 24
    overview.column_dimensions["B"].width = 48
    overview.append(styled(overview, [document.title], Font(bold=True, size=14)))
    overview.append([document.subtitle])
    for label, value in document.meta:
        overview.append([label, value])
    overview.append([_("Printed at"), document.printed_at.strftime("%Y-%m-%d %H:%M")])
    for section in document.sections:
        sheet = book.create_sheet(_sheet_title(section.title, taken))
        for index, header in enumerate(section.headers, start=1):
            width = max(12, min(48, len(str(header)) * 2 + 4))
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.append(styled(sheet, list(section.headers), bold))
        for row in section.rows:
            sheet.append([_xlsx_value(v) for v in row])
        if section.totals:
            sheet.append(styled(sheet, [_xlsx_value(v) for v in section.totals], bold))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_document(document: Document, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the document in `fmt` (pdf or xlsx)."""
    content = render_document_pdf(document) if fmt == PDF else render_document_xlsx(document)
    return content, CONTENT_TYPES[fmt], f"{safe_filename(document.filename)}.{fmt}"


def safe_filename(stem: str) -> str:
    """An ASCII file name stem (codes and periods keep their letters, digits and dashes)."""
    return _FILENAME_UNSAFE.sub("-", stem).strip("-") or "report"


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A report as a download (the filename is already ASCII-safe: see safe_filename)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
