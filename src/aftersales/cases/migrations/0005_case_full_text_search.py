"""Full-text search objects for cases: a stored, GIN-indexed tsvector (PostgreSQL) or FTS5 (SQLite).

Also rewrites existing documents into the two-line layout of cases/search.py (public words,
then internal notes), so internal notes already written stop being customer-searchable.
"""

from __future__ import annotations

import logging
import re

from django.db import migrations

FTS_TABLE = "cases_case_fts"
PG_INDEX = "case_search_gin_idx"
_SPACES = re.compile(r"\s+")


def _words(text: str) -> str:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = (w.strip().lower() for w in jieba.cut_for_search(text or ""))
    kept = [w for w in words if w and any(ch.isalnum() for ch in w)]
    return _SPACES.sub(" ", " ".join(kept)).strip()[:50_000]


def _rebuild_documents(apps, connection) -> None:
    Case = apps.get_model("cases", "Case")
    Activity = apps.get_model("cases", "Activity")
    # Only documents still in the old one-line layout need it (a fresh or bulk-loaded table
    # has none).
    old = Case.objects.using(connection.alias).exclude(search_text__contains="\n")
    for case in old.order_by("pk").iterator(chunk_size=500):
        comments = Activity.objects.using(connection.alias).filter(case=case, kind="comment")
        fields = [case.number, case.title, case.description, case.fault_symptom]
        fields.append(case.serial_number)
        public = [case.number.lower(), _words(" ".join(fields))]
        internal = []
        for text, is_internal in comments.order_by("at", "id").values_list("text", "internal"):
            (internal if is_internal else public).append(_words(text))
        case.search_text = f"{' '.join(public)[:50_000]}\n{' '.join(internal)[:50_000]}"
        case.save(update_fields=["search_text"])


def forwards(apps, schema_editor) -> None:
    connection = schema_editor.connection
    _rebuild_documents(apps, connection)
    if connection.vendor == "postgresql":
        # A stored vector, not only an expression index: ranking tens of thousands of matches
        # must not re-parse every document (1.2 s for 50,000 matches in bench/case_bench.py).
        # Public words carry weight A, internal notes D: customers filter on A only, and an
        # internal note ranks below the customer-visible text for staff.
        schema_editor.execute(
            "ALTER TABLE cases_case ADD COLUMN IF NOT EXISTS search_vector tsvector "
            "GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple'::regconfig, split_part(search_text, E'\\n', 1)), 'A')"
            " || setweight(to_tsvector('simple'::regconfig, "
            "split_part(search_text, E'\\n', 2)), 'D')) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON cases_case USING gin (search_vector)"
        )
    elif connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(public, internal)"
        )
        schema_editor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, public, internal) "
            "SELECT id, substr(search_text, 1, instr(search_text || char(10), char(10)) - 1), "
            "substr(search_text, instr(search_text || char(10), char(10)) + 1) FROM cases_case"
        )


def backwards(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        schema_editor.execute("ALTER TABLE cases_case DROP COLUMN IF EXISTS search_vector")
    elif connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_case_sla_fields")]

    operations = [migrations.RunPython(forwards, backwards)]
