"""Long work in the background, with progress and a result page (ADR 0016).

An app registers a handler for a job kind and starts jobs through `start_job`:

    @job_handler("reports.annual", title=_("Annual development report"))
    def build_report(ctx: JobContext) -> None:
        for i, chunk in enumerate(chunks):
            ...
            ctx.progress(i + 1, len(chunks), message=_("Chapter %(n)s") % {"n": i + 1})
        ctx.set_result(url=reverse(...), summary={"pages": 42})

    job = start_job("reports.annual", actor=request.user, params={"year": 2026})
    return redirect(job)  # the progress page, /jobs/<id>/

The work runs in the Django Tasks backend that settings name (TASKS): the database backend with
`manage.py db_worker` by default, RQ on Redis to scale out, the immediate backend in tests (the
job has finished when `start_job` returns). A handler raising DomainError fails the job with that
message; anything else fails it with an incident number the user can quote. A handler writes its
data in its own transactions, so that a failure leaves nothing half-written.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zjtx.accounts.models import Role

from .audit import audit_record
from .errors import DomainError, ErrorCode, NotFound
from .models import BackgroundJob

if TYPE_CHECKING:
    from zjtx.accounts.models import User


logger = logging.getLogger("zjtx.jobs")
PROGRESS_WRITE_INTERVAL = 0.5  # seconds between progress writes


class JobErrorCode(StrEnum):
    UNKNOWN_KIND = "job_unknown_kind"
    NOT_RETRYABLE = "job_not_retryable"
    BAD_PARAMS = "job_bad_params"


@dataclass(frozen=True)
class JobKind:
    kind: str
    title: str | Promise
    handler: Callable[[JobContext], None]


_REGISTRY: dict[str, JobKind] = {}


def job_handler(
    kind: str, *, title: str | Promise
) -> Callable[[Callable[[JobContext], None]], Callable[[JobContext], None]]:
    """Register `fn` as the handler of `kind` (one handler per kind)."""

    def register(fn: Callable[[JobContext], None]) -> Callable[[JobContext], None]:
        _REGISTRY[kind] = JobKind(kind=kind, title=title, handler=fn)
        return fn

    return register


def registered_kinds() -> dict[str, JobKind]:
    return dict(_REGISTRY)


class JobContext:
    """What a handler sees: its parameters, who started it, and a way to report progress."""

    def __init__(self, job: BackgroundJob) -> None:
        self.job = job
        self.params: dict[str, Any] = dict(job.params or {})
        self.actor = job.created_by
        self._last_write = 0.0

    def progress(self, done: int, total: int, message: str | Promise = "") -> None:
        """Record progress; written at most every half second, and always at the end."""
        now = time.monotonic()
        done, total = max(0, int(done)), max(0, int(total))
        if done < total and now - self._last_write < PROGRESS_WRITE_INTERVAL:
            return
        self._last_write = now
        self.job.progress_done, self.job.progress_total = done, total
        self.job.message = str(message)[:300]
        BackgroundJob.objects.filter(pk=self.job.pk).update(
            progress_done=done, progress_total=total, message=self.job.message
        )

    def set_result(self, *, url: str = "", summary: dict[str, Any] | None = None) -> None:
        self.job.result_url = url
        self.job.result_summary = summary or {}


def start_job(
    kind: str,
    *,
    actor: User,
    params: dict[str, Any] | None = None,
    unit: Any = None,
    title: str | Promise | None = None,
    retry_of: BackgroundJob | None = None,
) -> BackgroundJob:
    """Queue a job of a registered kind; returns its row (finished already on the immediate
    backend). The task is handed to the backend after the caller's transaction commits."""
    entry = _REGISTRY.get(kind)
    if entry is None:
        raise DomainError(
            JobErrorCode.UNKNOWN_KIND, _("This kind of background job does not exist.")
        )
    params = params or {}
    try:
        json.dumps(params)
    except (TypeError, ValueError) as exc:
        raise DomainError(
            JobErrorCode.BAD_PARAMS, _("The job parameters cannot be stored.")
        ) from exc
    unit_id = getattr(unit, "pk", unit)
    if unit_id is None and getattr(actor, "role", "") == Role.UNIT_OFFICER:
        unit_id = actor.unit_id
    job = BackgroundJob.objects.create(
        kind=kind,
        title=str(title or entry.title)[:200],
        params=params,
        created_by=actor if getattr(actor, "pk", None) else None,
        unit_id=unit_id,
        retry_of=retry_of,
    )
    audit_record(actor=actor, action="job.start", obj=job, after={"kind": kind, "params": params})
    _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: BackgroundJob) -> None:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    from .tasks import run_background_job

    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend):
        run_background_job.enqueue(str(job.pk))
    else:
        transaction.on_commit(lambda: run_background_job.enqueue(str(job.pk)))


def execute(job_id: str | UUID) -> None:
    """Run one queued job (called by the task backend). A job already started is not rerun."""
    with transaction.atomic():
        # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        job = BackgroundJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != BackgroundJob.Status.QUEUED:
            return
        job.status = BackgroundJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    entry = _REGISTRY.get(job.kind)
    ctx = JobContext(job)
    try:
        if entry is None:
            raise DomainError(
                JobErrorCode.UNKNOWN_KIND, _("This kind of background job does not exist.")
            )
        entry.handler(ctx)
    except DomainError as exc:
        _finish(job, ctx, failed=True, error=exc.message)
    except Exception:  # any failure is recorded on the job, with an incident id
        from .edge import new_incident

        incident = new_incident(None)
        logger.exception("incident %s: background job %s (%s) failed", incident, job.pk, job.kind)
        _finish(
            job,
            ctx,
            failed=True,
            error=_(
                "Internal system error. Contact the administrator and quote incident number %(incident)s."
            )
            % {"incident": incident},
        )
    else:
        _finish(job, ctx, failed=False)


def _finish(job: BackgroundJob, ctx: JobContext, *, failed: bool, error: str = "") -> None:
    job.status = BackgroundJob.Status.FAILED if failed else BackgroundJob.Status.SUCCEEDED
    job.finished_at = timezone.now()
    job.error = error
    if not failed and job.progress_total:
        job.progress_done = job.progress_total
    job.save(
        update_fields=[
            "status",
            "finished_at",
            "error",
            "progress_done",
            "progress_total",
            "message",
            "result_url",
            "result_summary",
        ]
    )
    audit_record(
        actor=job.created_by,
        action="job.fail" if failed else "job.finish",
        obj=job,
        after={"status": job.status, "error": error, "result_url": job.result_url},
        success=not failed,
        username="" if job.created_by else "system",
    )
    if job.created_by_id:
        from . import notifications

        title = (
            gettext_lazy("Background job failed: %(title)s")
            if failed
            else gettext_lazy("Background job finished: %(title)s")
        )
        notifications.notify(
            recipients=[job.created_by],
            title=title,
            params={"title": job.title},
            body=error,
            url=job.get_absolute_url(),
        )


def retry_job(job: BackgroundJob, *, actor: User) -> BackgroundJob:
    """Start a failed job again with the same parameters, as a new job linked to the old one."""
    if job.status != BackgroundJob.Status.FAILED:
        raise DomainError(JobErrorCode.NOT_RETRYABLE, _("Only a failed job can be retried."))
    return start_job(
        job.kind, actor=actor, params=job.params, unit=job.unit_id, title=job.title, retry_of=job
    )


# ---- selectors -------------------------------------------------------------------------


def jobs_for(user: User) -> QuerySet[BackgroundJob]:
    """The jobs a user may see: the city officer and the system administrator all, a unit officer
    those of the unit, anyone else the jobs they started."""
    qs = BackgroundJob.objects.select_related("created_by", "unit")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.role in (Role.CITY_OFFICER, Role.SYSADMIN):
        return qs
    if user.role == Role.UNIT_OFFICER and user.unit_id:
        from django.db.models import Q

        return qs.filter(Q(unit_id=user.unit_id) | Q(created_by=user))
    return qs.filter(created_by=user)


def job_for(user: User, job_id: Any) -> BackgroundJob:
    try:
        job = jobs_for(user).filter(pk=job_id).first()
    except (ValueError, TypeError, ValidationError):  # a malformed id is just absent
        job = None
    if job is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return job
