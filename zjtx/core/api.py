"""Background jobs in the API: a job's status, progress and result, the caller's jobs, retry."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Router, Schema

from zjtx.core.http import AuthedRequest

from . import jobs
from .api_schemas import ERRORS
from .models import BackgroundJob

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: UUID
    kind: str
    title: str
    status: str
    status_display: str
    progress_done: int
    progress_total: int
    percent: int
    message: str
    result_url: str
    result_summary: dict[str, Any]
    error: str
    page_url: str
    retry_of: UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def job_out(job: BackgroundJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "status_display": str(job.get_status_display()),
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "percent": job.percent,
        "message": job.message,
        "result_url": job.result_url,
        "result_summary": job.result_summary or {},
        "error": job.error,
        "page_url": job.get_absolute_url(),
        "retry_of": job.retry_of_id,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


@router.get("/jobs", response=list[JobOut], url_name="jobs", summary="The caller's jobs")
def job_list(request: AuthedRequest) -> list[dict[str, Any]]:
    return [job_out(j) for j in jobs.jobs_for(request.user)[:100]]


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, url_name="job", summary="One job")
def job_detail(request: AuthedRequest, job_id: UUID) -> dict[str, Any]:
    return job_out(jobs.job_for(request.user, job_id))


@router.post(
    "/jobs/{job_id}/retry",
    response={201: JobOut, **ERRORS},
    url_name="job-retry",
    summary="Start a failed job again",
)
def job_retry(request: AuthedRequest, job_id: UUID) -> tuple[int, dict[str, Any]]:
    job = jobs.job_for(request.user, job_id)
    return 201, job_out(jobs.retry_job(job, actor=request.user))
