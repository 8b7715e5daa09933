"""Huey tasks of the knowledge base: thin, they take ids and call services."""

from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task, db_task

from aftersales.core.crontab import local_crontab
from aftersales.core.db import analyze_sqlite
from aftersales.kb import articles, index
from aftersales.kb.models import ReindexJob


@db_task()
def reindex_task(job_id: int) -> None:
    """Rebuild the whole search index for the job (its page shows the progress)."""
    job = ReindexJob.objects.get(pk=job_id)
    index.reindex_all(job)
    # A rebuild rewrites most of the index tables: fresh statistics for SQLite's planner.
    analyze_sqlite()


@db_periodic_task(local_crontab(hour="8", minute="15"))
def remind_article_reviews() -> int:
    """Every morning: tell owners about their published articles due for review."""
    return articles.review_reminders_send()
