"""Read an uploaded .csv or .xlsx into numbered rows of cells, as the user sees them in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls

WRONG_TYPE = _("Upload an .xlsx or .csv file.")
OLD_XLS = _("Old .xls files are not supported: save the sheet as .xlsx or .csv and upload again.")
UNREADABLE_XLSX = _("This file could not be read as an .xlsx workbook.")
UNREADABLE_CSV = _("This file could not be read as CSV text.")
EMPTY_FILE = _("The file has no header row.")

# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Written in front of risky text by the exporter so Excel does not run it as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class UnreadableFile(Exception):
    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = message


def file_type(name: str, head: bytes) -> str:
    """Say "csv" or "xlsx" from the name and the first bytes, or raise UnreadableFile."""
    lowered = (name or "").lower()
    if head.startswith(OLE_MAGIC) or lowered.endswith(".xls"):
        raise UnreadableFile(OLD_XLS)
    if lowered.endswith(".xlsx"):
        if not head.startswith(XLSX_MAGIC):
            raise UnreadableFile(UNREADABLE_XLSX)
        return "xlsx"
    if lowered.endswith(".csv"):
        if head.startswith(XLSX_MAGIC):  # a workbook renamed to .csv
            raise UnreadableFile(UNREADABLE_CSV)
        return "csv"
    raise UnreadableFile(WRONG_TYPE)


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel in China saves "CSV" as GBK; GB18030 is its superset.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(UNREADABLE_CSV) from exc


@dataclass
class Table:
    header: list[Any]
    header_row: int
    total_rows: int  # data rows after the header, blank ones included
    rows: Iterator[tuple[int, list[Any]]]  # (row number as Excel shows it, cells)


def _first_nonblank(numbered: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[Any]]:
    for number, cells in numbered:
        if not is_blank(cells):
            return number, cells
    raise UnreadableFile(EMPTY_FILE)


def read_csv(data: bytes) -> Table:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    if "\x00" in text:
        raise UnreadableFile(UNREADABLE_CSV)

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            yield from enumerate(reader, start=1)
        except csv.Error as exc:
            raise UnreadableFile(UNREADABLE_CSV) from exc

    try:
        total = sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(UNREADABLE_CSV) from exc
    rows = numbered()
    header_row, header = _first_nonblank(rows)
    return Table(header, header_row, total - header_row, rows)


def read_xlsx(fileobj: IO[bytes]) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(fileobj, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        declared = sheet.max_row
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        raise UnreadableFile(UNREADABLE_XLSX) from exc

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
                yield number, list(cells)
        finally:
            book.close()

    if not declared:  # no dimension in the file: count once, it is cheap in read-only mode
        declared = sum(1 for _ in sheet.iter_rows(min_row=1, values_only=True))
    rows = numbered()
    header_row, header = _first_nonblank(rows)
    return Table(list(header), header_row, max(declared - header_row, 0), rows)


def open_table(fileobj: IO[bytes], name: str) -> Table:
    head = fileobj.read(8)
    fileobj.seek(0)
    if file_type(name, head) == "xlsx":
        return read_xlsx(fileobj)
    return read_csv(fileobj.read())


def is_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def cell_text(value: Any) -> str:
    """A cell as text: numbers lose Excel's '.0', dates become ISO, text is stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in _FORMULA_START:
        return text[1:]
    return text


def cell_date(value: Any) -> dt.date | None:
    """A date from an Excel date cell, an Excel day number, '2025-03-01', '2025/3/1', ...

    Raises ValueError when the cell is not empty and not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = cell_text(value)
    text = str(value).strip()
    if not text:
        return None
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        raise ValueError(text)
    year, month, day = (int(part) for part in match.groups())
    return dt.date(year, month, day)


def cell_int(value: Any) -> int | None:
    """A whole number from a numeric or text cell; raises ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = cell_text(value)
    if not text:
        return None
    if text.endswith(".0"):
        text = text[:-2]
    return int(text)
