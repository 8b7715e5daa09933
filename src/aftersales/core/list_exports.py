"""Any console or portal list as CSV or XLSX: `?export=csv|xlsx` on the list's own URL.

The rows are the list's own queryset (its filters, its access); the columns are the model's
fields, a related row named by its number, code or name, choices by their label, moments in
the reader's time zone. Up to STREAM_MAX rows stream at once; a larger list becomes a job the
worker writes with progress, when a handler is registered (reports registers one), else the
first EXPORT_CAP rows stream with a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.spreadsheets import FORMATS, safe_cell, spreadsheet_response

STREAM_MAX = 10_000
EXPORT_CAP = 100_000
CHUNK = 1000
TRUNCATED = gettext_lazy(
    "Only the first %(cap)s rows are exported: narrow the filter to see the rest."
)
# Bookkeeping columns nobody reads in a spreadsheet.
SKIPPED = {
    "search_text",
    "version",
    "revision",
    "next_check_at",
    "next_sla_check_at",
    "password",
    "auto_close_notice_sent",
}
NAMING_FIELDS = ("number", "code", "username", "name", "title")


class LargeExports(Protocol):
    """Who writes lists longer than STREAM_MAX: `start` answers the request (a job page);
    the worker replays the list's request with `request.export_job` set, and `write` fills
    the job's file from the same queryset."""

    def start(self, request: HttpRequest, qs: QuerySet, fmt: str, total: int) -> Any: ...

    def write(self, job: Any, qs: QuerySet, fmt: str) -> Any: ...


_large_exports: LargeExports | None = None


def register_large_exports(handler: LargeExports) -> None:
    global _large_exports
    _large_exports = handler


@dataclass(frozen=True)
class Column:
    header: str
    lookup: str
    field: models.Field

    def cell(self, value: Any, tz: dt.tzinfo) -> Any:
        if value is None:
            return ""
        if self.field.choices:
            return str(dict(self.field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, dt.datetime):
            # openpyxl refuses aware datetimes; both formats show the reader's wall clock.
            return timezone.localtime(value, tz).replace(tzinfo=None)
        if isinstance(value, dt.timedelta):
            return round(value.total_seconds() / 60)
        if isinstance(value, str):
            return safe_cell(value)
        if isinstance(value, dict | list):
            return ""
        return value if isinstance(value, int | float | dt.date) else str(value)


def _naming_field(model: type[models.Model]) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return next((name for name in NAMING_FIELDS if name in names), None)


def columns_of(model: type[models.Model]) -> list[Column]:
    """The exported columns of `model`: its fields, a related row by its naming field."""
    found = []
    for field in model._meta.concrete_fields:
        if field.name in SKIPPED or isinstance(field, models.JSONField | models.FileField):
            continue
        header = str(field.verbose_name)
        if field.is_relation:
            naming = _naming_field(field.related_model)
            lookup = f"{field.name}__{naming}" if naming else field.attname
        else:
            lookup = field.attname
        found.append(Column(header[:1].upper() + header[1:], lookup, field))
    return found


def rows(qs: QuerySet, *, cap: int | None = EXPORT_CAP) -> Iterator[list]:
    """The header, then a list of cells a row, in chunks (one query a chunk)."""
    tz = timezone.get_current_timezone()
    columns = columns_of(qs.model)
    yield [c.header for c in columns]
    values = qs.values_list(*[c.lookup for c in columns]).iterator(chunk_size=CHUNK)
    for sent, row in enumerate(values):
        if cap is not None and sent == cap:
            yield [str(TRUNCATED % {"cap": f"{cap:,}"})]
            return
        yield [column.cell(value, tz) for column, value in zip(columns, row, strict=True)]


def wanted_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("export", "")
    return fmt if fmt in FORMATS else None


def filename_for(qs: QuerySet) -> str:
    name = slugify(str(qs.model._meta.verbose_name_plural)) or qs.model._meta.model_name
    return f"{name}-{timezone.localdate():%Y%m%d}"


def export_response(request: HttpRequest, qs: QuerySet, fmt: str) -> Any:
    """The list as a download now, or, when longer than STREAM_MAX, the handler's job page."""
    if _large_exports is not None:
        job = getattr(request, "export_job", None)
        if job is not None:
            return _large_exports.write(job, qs, fmt)
        total = qs.count()
        if total > STREAM_MAX:
            return _large_exports.start(request, qs, fmt, total)
    return spreadsheet_response(rows(qs), fmt=fmt, filename=filename_for(qs))
