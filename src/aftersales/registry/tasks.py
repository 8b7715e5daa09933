"""Huey tasks of the registry: thin, they take ids and call services."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from aftersales.core.db import analyze_sqlite
from aftersales.registry import imports


@db_task()
def import_preview_task(job_id: int) -> None:
    imports.import_preview(job_id=job_id)


@db_task()
def import_commit_task(job_id: int) -> None:
    imports.import_commit(job_id=job_id)
    # A bulk load changes the tables' sizes: fresh statistics for SQLite's planner.
    analyze_sqlite()
