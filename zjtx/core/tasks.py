"""The one Django task every background job runs through (see zjtx/core/jobs.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_background_job(job_id: str) -> None:
    from .jobs import execute

    execute(job_id)
