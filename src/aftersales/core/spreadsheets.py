"""Rows of cells as a streamed CSV or an XLSX file, safe to open in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import translation
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to Excel: customer text is hostile input.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Text Excel shows as typed, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def csv_lines(cells: Iterable[list]) -> Iterator[str]:
    """CSV text a row at a time; the byte order mark makes Excel read UTF-8 (Chinese)."""
    yield "\ufeff"
    writer = csv.writer(_Echo())
    for row in cells:
        yield writer.writerow([_csv_value(v) for v in row])


def write_xlsx(cells: Iterable[list], out: IO[bytes], *, title: str = "") -> None:
    """A write-only workbook (rows never held in memory) saved to `out`."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or None)
    for row in cells:
        sheet.append(row)
    book.save(out)


def xlsx_file(cells: Iterable[list]) -> IO[bytes]:
    """The workbook in a temporary file, rewound (FileResponse closes it when sent)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_xlsx(cells, out)
    out.seek(0)
    return out


def in_language(cells: Iterable[list], language: str) -> Iterator[list]:
    """The rows made in `language`: a streamed body is read after the view returned."""
    with translation.override(language):
        yield from cells


def spreadsheet_response(cells: Iterable[list], *, fmt: str, filename: str) -> HttpResponseBase:
    """`cells` as a download: CSV streamed, XLSX from a temporary file."""
    language = translation.get_language() or "zh-hans"
    cells = in_language(cells, language)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(cells), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    return FileResponse(
        xlsx_file(cells), as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )
