"""Spreadsheet import of customers, contacts and assets: preview, then commit all-or-nothing.

columns.py names the columns (shared with exports.py), reading.py turns a .csv/.xlsx into
numbered rows, engine.py and kinds.py check and write them in batches, jobs.py holds the
services the views, API and Huey tasks call.
"""

from __future__ import annotations

from aftersales.registry.imports.jobs import (
    describe,
    export_allowed,
    import_commit,
    import_commit_request,
    import_job_create,
    import_job_get_for_user,
    import_jobs_for_user,
    import_preview,
    import_progress,
    message_of,
)

__all__ = [
    "describe",
    "export_allowed",
    "import_commit",
    "import_commit_request",
    "import_job_create",
    "import_job_get_for_user",
    "import_jobs_for_user",
    "import_preview",
    "import_progress",
    "message_of",
]
