"""The import engine: stream rows in chunks, check each, look existing keys up in batches.

The same pass serves the preview (write=False) and the commit (write=True, inside the
caller's transaction), so both apply exactly the same rules.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Model
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from aftersales.core import timeline
from aftersales.lib.phones import looks_like_phone
from aftersales.registry.imports.columns import COLUMNS, header_of, map_headers
from aftersales.registry.imports.reading import cell_date, cell_int, cell_text, is_blank, open_table
from aftersales.registry.models import Customer
from aftersales.registry.services import BAD_PHONE, REQUIRED, UNKNOWN_CUSTOMER

# Rows checked (and written) per batch; progress is reported after each one.
CHUNK = 500
# Keys per IN (...) query: well under SQLite's and PostgreSQL's parameter limits.
LOOKUP_BATCH = 900

CREATE, UPDATE, UNCHANGED, BAD = "create", "update", "unchanged", "bad"

MISSING_COLUMN = _("This column is missing from the header row.")
TOO_LONG = _("Longer than %(max)s characters.")
BAD_EMAIL = _("Enter a valid e-mail address.")
BAD_DATE = _("Enter a date like 2025-03-01 or 2025/3/1.")
BAD_NUMBER = _("Enter a whole number between 0 and %(max)s.")
DUPLICATE_IN_FILE = _("The same key is already on row %(row)s of this file.")
RETIRED = _("A retired record has this key; reactivate it before importing.")


@dataclass
class Row:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    action: str = ""
    key: Any = None
    label: str = ""  # what the user calls the row: its code or serial number
    stored: dict[str, Any] | None = None  # the matching record's values
    written_id: int | None = None  # the record's id once written (for its timeline row)

    def problem(self, field_name: str, message: Any, **params: Any) -> None:
        # Stored untranslated (the task runs under translation.override(None)); the page and
        # the API translate it for whoever reads it.
        self.problems.append({"field": field_name, "message": str(message), "params": params})

    @property
    def bad(self) -> bool:
        return bool(self.problems)


class Planner(ABC):
    """Rules for one kind of row. Subclasses fill in clean, plan and write."""

    kind: ClassVar[str]
    model: ClassVar[type[Model]]
    subject_kind: ClassVar[str]  # the timeline's name for the rows written

    def __init__(self, *, present: frozenset[str], now: dt.datetime, by: Any = None):
        self.present = present
        self.now = now
        self.by = by
        self.seen: dict[Any, int] = {}  # key -> first row number with it
        self._customers: dict[str, int | None] = {}

    # -- cleaning helpers -------------------------------------------------------------------
    def text(self, row: Row, raw: dict, name: str, max_length: int, required: bool = False):
        if name not in raw:
            return
        value = cell_text(raw[name])
        if required and not value:
            row.problem(name, REQUIRED)
        elif len(value) > max_length:
            row.problem(name, TOO_LONG, max=max_length)
        row.values[name] = value

    def phone(self, row: Row, raw: dict, name: str = "phone") -> None:
        self.text(row, raw, name, 40)
        value = row.values.get(name, "")
        if value and not looks_like_phone(value):
            row.problem(name, BAD_PHONE)

    def email(self, row: Row, raw: dict, name: str = "email") -> None:
        self.text(row, raw, name, 254)
        value = row.values.get(name, "")
        if value:
            try:
                validate_email(value)
            except ValidationError:
                row.problem(name, BAD_EMAIL)

    def date(self, row: Row, raw: dict, name: str) -> None:
        if name not in raw:
            return
        try:
            row.values[name] = cell_date(raw[name])
        except (ValueError, TypeError, OverflowError):
            row.problem(name, BAD_DATE)

    def whole_number(self, row: Row, raw: dict, name: str, maximum: int) -> None:
        if name not in raw:
            return
        try:
            value = cell_int(raw[name])
        except (ValueError, TypeError):
            value = -1
        if value is not None and not 0 <= value <= maximum:
            row.problem(name, BAD_NUMBER, max=maximum)
        row.values[name] = value

    # -- batched look-ups -------------------------------------------------------------------
    def customer_ids(self, rows: Iterable[Row], name: str = "customer") -> None:
        """Resolve customer codes to ids, one query per batch of unseen codes."""
        wanted = {r.values[name].upper() for r in rows if not r.bad}
        missing = [code for code in wanted if code not in self._customers]
        for start in range(0, len(missing), LOOKUP_BATCH):
            part = missing[start : start + LOOKUP_BATCH]
            self._customers.update(dict.fromkeys(part))
            found = (
                Customer.objects.annotate(key=Upper("code"))
                .filter(key__in=part, is_active=True)
                .values_list("key", "id")
            )
            self._customers.update(found)
        for row in rows:
            if row.bad:
                continue
            pk = self._customers.get(row.values[name].upper())
            if pk is None:
                row.problem(name, UNKNOWN_CUSTOMER)
            else:
                row.values["customer_id"] = pk

    def stored_by(self, keys: list[Any], fetch: Callable[[list[Any]], Iterable[dict]]) -> dict:
        """Map key -> stored values, querying LOOKUP_BATCH keys at a time."""
        found: dict[Any, dict] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), LOOKUP_BATCH):
            for item in fetch(unique[start : start + LOOKUP_BATCH]):
                found.setdefault(item["key"], item)
        return found

    def classify(self, row: Row, stored: dict | None, compare: Iterable[str]) -> None:
        """Mark the row create, update or unchanged against what is stored."""
        if row.bad:
            return
        if stored is None:
            row.action = CREATE
            return
        if not stored["is_active"]:
            row.problem(self.key_field, RETIRED)
            return
        row.stored = stored
        changed = any(row.values[f] != stored[f] for f in compare if f in row.values)
        row.action = UPDATE if changed else UNCHANGED

    def unique_in_file(self, row: Row) -> bool:
        if row.bad:
            return False
        first = self.seen.get(row.key)
        if first is not None:
            row.problem(self.key_field, DUPLICATE_IN_FILE, row=first)
            return False
        self.seen[row.key] = row.number
        return True

    # -- per kind ---------------------------------------------------------------------------
    key_field: ClassVar[str]

    @abstractmethod
    def clean(self, row: Row, raw: dict[str, Any]) -> None:
        """Parse one row's cells into values, noting problems on the row."""

    @abstractmethod
    def plan(self, rows: list[Row]) -> None:
        """Decide create / update / unchanged for a batch of rows."""

    @abstractmethod
    def write(self, rows: list[Row]) -> None:
        """Write a batch of planned rows."""

    def finish(self, *, write: bool) -> list[Row]:
        """Checks that need the whole file; returns rows found bad only now."""
        return []

    def customer_of_row(self, row: Row) -> int | None:
        return row.values.get("customer_id")

    def audit(self, rows: list[Row]) -> None:
        """One timeline row per record written, in one INSERT (rule 3): who imported it, and
        for an update the imported fields old → new."""
        fields = [f for f in self.editable if f in self.present]
        entries = [
            timeline.entry(
                subject_kind=self.subject_kind,
                subject_id=row.written_id,
                customer_id=self.customer_of_row(row),
                actor=self.by,
                at=self.now,
                kind="created" if row.action == CREATE else "updated",
                text=row.label,
                internal=True,
                data={"import": True},
                changes=timeline.changes_between(
                    {f: (row.stored or {}).get(f) for f in fields},
                    {f: row.values.get(f, (row.stored or {}).get(f)) for f in fields},
                )
                if row.action == UPDATE
                else None,
            )
            for row in rows
            if row.written_id is not None
        ]
        if entries:
            timeline.record_all(entries)


@dataclass
class Outcome:
    total_rows: int = 0
    processed_rows: int = 0
    counts: Counter = field(default_factory=Counter)
    errors: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def bad(self) -> int:
        return self.counts[BAD]

    def as_counts(self) -> dict[str, int]:
        return {name: self.counts[name] for name in (CREATE, UPDATE, UNCHANGED, BAD)}


def run(
    *,
    kind: str,
    fileobj: IO[bytes],
    name: str,
    write: bool,
    now: dt.datetime,
    progress: Callable[[int, int], None] | None = None,
    by: Any = None,
) -> Outcome:
    """Check every row of the file; with write=True also apply it (caller holds a transaction).

    Writing stops at the first bad row: the caller must roll back when the outcome has any.
    Raises reading.UnreadableFile when the file cannot be read at all.
    """
    from aftersales.registry.imports.kinds import PLANNERS

    table = open_table(fileobj, name)
    positions, written, unknown = map_headers(kind, table.header)
    outcome = Outcome(total_rows=table.total_rows, ignored_columns=unknown)

    def column(field_name: str) -> str:
        return written.get(field_name) or header_of(kind, field_name)

    def report(row: Row) -> None:
        for problem in row.problems:
            problem["column"] = column(problem["field"])
        outcome.errors.append({"row": row.number, "key": row.label, "problems": row.problems})

    missing = [c for c in COLUMNS[kind] if c.required and c.field not in written]
    if missing:
        header = Row(table.header_row)
        for col in missing:
            header.problem(col.field, MISSING_COLUMN)
        report(header)
        outcome.counts[BAD] = 0
        return outcome

    planner = PLANNERS[kind](present=frozenset(written), now=now, by=by)
    chunk: list[Row] = []

    def flush() -> None:
        planner.plan(chunk)
        for row in chunk:
            if row.bad:
                row.action = BAD
                report(row)
            outcome.counts[row.action] += 1
        if write and not outcome.bad:
            written = [r for r in chunk if r.action in (CREATE, UPDATE)]
            planner.write(written)
            planner.audit(written)
        chunk.clear()
        if progress is not None:
            progress(outcome.processed_rows, outcome.total_rows)

    for number, cells in table.rows:
        outcome.processed_rows += 1
        if is_blank(cells):
            continue
        raw = {f: (cells[i] if i < len(cells) else None) for i, f in positions.items()}
        row = Row(number)
        planner.clean(row, raw)
        chunk.append(row)
        if len(chunk) >= CHUNK:
            flush()
    flush()
    for row in planner.finish(write=write and not outcome.bad):
        outcome.counts[row.action] -= 1
        outcome.counts[BAD] += 1
        row.action = BAD
        report(row)
    outcome.errors.sort(key=lambda e: e["row"])
    outcome.total_rows = outcome.processed_rows
    return outcome
