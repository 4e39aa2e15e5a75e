"""Large monitoring imports as background jobs with progress (zjtx/core/jobs.py, ADR 0016).

A workbook above ZJTX_IMPORT_JOB_THRESHOLD_BYTES (1 MB by default: a unit's monthly sheet is
far smaller, the city's 20,000-firm sheet far larger) is staged in the upload storage and
imported by a task worker through the same pipeline (services.import_upload); the officer
watches the job's progress page, which links to the import run when done. The staged copy is
deleted after a successful run and kept after a failure, so that "Retry" can use it
(cleanup_orphan_uploads removes it after an hour).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zjtx.core.errors import DomainError
from zjtx.core.jobs import JobContext, job_handler, start_job
from zjtx.core.models import BackgroundJob

from . import services
from .errors import MonitoringErrorCode
from .models import ImportRun

if TYPE_CHECKING:
    from zjtx.accounts.models import User


KIND = "monitoring.import"
DEFAULT_THRESHOLD_BYTES = 1024 * 1024
STAGE_FOLDER = "import-staging"


def threshold_bytes() -> int:
    return int(getattr(settings, "ZJTX_IMPORT_JOB_THRESHOLD_BYTES", DEFAULT_THRESHOLD_BYTES))


def _storage() -> Storage:
    return ImportRun._meta.get_field("file").storage  # type: ignore[attr-defined,no-any-return]


def import_start(
    *,
    actor: User,
    period_code: str,
    data: bytes,
    original_name: str,
    dry_run: bool,
    accept_valid_rows: bool,
    clear_blanks: bool,
) -> BackgroundJob:
    """Stage the workbook and queue its import; returns the job (its page shows progress)."""
    staged = _storage().save(f"{STAGE_FOLDER}/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    return start_job(
        KIND,
        actor=actor,
        params={
            "staged": staged,
            "period": str(period_code)[:20],
            "name": (original_name or "upload.xlsx")[:255],
            "size": len(data),
            "dry_run": dry_run,
            "accept_valid_rows": accept_valid_rows,
            "clear_blanks": clear_blanks,
        },
    )


@job_handler(KIND, title=gettext_lazy("Monitoring data import"))
def import_job(ctx: JobContext) -> None:
    params = ctx.params
    storage = _storage()
    ctx.progress(0, 3, message=_("Reading the workbook"))
    try:
        with storage.open(params["staged"], "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, KeyError):
        raise DomainError(
            MonitoringErrorCode.STAGED_FILE_MISSING,
            _("The uploaded file is no longer available; upload it again."),
        ) from None
    if ctx.actor is None:  # the officer's account is gone: nobody to import as
        raise DomainError(
            MonitoringErrorCode.STAGED_FILE_MISSING,
            _("The uploaded file is no longer available; upload it again."),
        )
    ctx.progress(1, 3, message=_("Checking, validating and storing the rows"))
    run = services.import_upload(
        actor=ctx.actor,
        period_code=str(params.get("period", "")),
        data=data,
        original_name=str(params.get("name", "upload.xlsx")),
        dry_run=bool(params.get("dry_run")),
        accept_valid_rows=bool(params.get("accept_valid_rows")),
        clear_blanks=bool(params.get("clear_blanks")),
    )
    storage.delete(params["staged"])
    ctx.progress(
        3,
        3,
        message=_("%(accepted)s of %(total)s rows accepted, %(rejected)s rejected")
        % {
            "accepted": run.rows_accepted,
            "total": run.rows_total,
            "rejected": run.rows_rejected,
        },
    )
    ctx.set_result(
        url=reverse("monitoring:import-detail", args=[run.pk]),
        summary={"import_id": run.pk, "status": run.status, "rows": run.rows_total},
    )
