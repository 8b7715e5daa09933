"""The worker's part of large list exports (imported from ReportsConfig.ready)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from aftersales.reports import exports
from aftersales.reports.models import ExportJob, ExportStatus


@db_task()
def export_task(job_id: int) -> None:
    """Write the job's file; a job already finished (a retried task) is left alone."""
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is not None and job.status == ExportStatus.QUEUED:
        exports.export_run(job)
