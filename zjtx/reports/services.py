"""Writes of the reports app: start, build, rebuild and publish annual reports; refresh roll-ups."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_record
from zjtx.core.errors import DomainError
from zjtx.core.workflow import run

from .documents import render_all
from .errors import ReportConflict, ReportError, ReportErrorCode
from .models import AnnualReport, ReportSnapshot
from .rollups import rollups_refresh
from .snapshot import snapshot_take
from .workflow import PUBLICATION

if TYPE_CHECKING:
    from zjtx.accounts.models import User


logger = logging.getLogger("zjtx.reports")
ProgressFn = Callable[[int, int, str], None]
FIRST_YEAR = 2000
STEPS = 6


def _noop(done: int, total: int, message: str = "") -> None:
    return None


def _check_year(year: Any) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = 0
    last = timezone.localdate().year
    if not FIRST_YEAR <= value <= last:
        raise ReportError(
            ReportErrorCode.INVALID_YEAR,
            _("The report year must be between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": last},
            {"year": _("Between %(first)s and %(last)s") % {"first": FIRST_YEAR, "last": last}},
        )
    return value


def annual_report_start(
    *,
    year: Any,
    actor: User,
    snapshot: ReportSnapshot | None = None,
    background: bool = True,
) -> AnnualReport:
    """Start the annual development report (芜湖实施意见: publish a yearly 发展报告); the city
    only. With `snapshot`, the documents are rendered again from that frozen snapshot.
    `background=False` builds in this process (seed_demo, commands)."""
    require_role(
        actor, Role.CITY_OFFICER, message=_("Only the city officer starts the annual report.")
    )
    value = snapshot.year if snapshot is not None else _check_year(year)
    with transaction.atomic():
        report = AnnualReport.objects.create(
            year=value,
            started_by=actor,
            snapshot=snapshot,
            progress_total=STEPS,
            progress_message=_("Queued"),
        )
        audit_record(
            actor=actor,
            action="annual_report.start",
            obj=report,
            after={"year": value, "snapshot": snapshot.pk if snapshot else None},
        )
    if background:
        _dispatch(report, actor)
    else:
        annual_report_build(report_id=report.pk)
    report.refresh_from_db()
    return report


def _dispatch(report: AnnualReport, actor: User) -> None:
    """Hand the build to the background job runner (zjtx/core/jobs.py): a worker builds it
    with progress; in tests the immediate backend has finished when this returns."""
    from zjtx.core.jobs import start_job

    job = start_job(
        "reports.annual",
        actor=actor,
        params={"report_id": report.pk},
        title=_("Annual development report %(y)s") % {"y": report.year},
    )
    AnnualReport.objects.filter(pk=report.pk).update(job_id=str(job.pk))


def annual_report_build(*, report_id: int, progress: ProgressFn = _noop) -> AnnualReport:
    """Refresh the year's roll-ups, freeze the snapshot and render Word and PDF from it."""
    started = time.perf_counter()
    report = AnnualReport.objects.get(pk=report_id)

    def step(done: int, message: str) -> None:
        AnnualReport.objects.filter(pk=report.pk).update(
            status=AnnualReport.Status.RUNNING,
            progress_done=done,
            progress_total=STEPS,
            progress_message=message[:200],
        )
        progress(done, STEPS, message)

    try:
        snap = report.snapshot
        if snap is None:
            step(0, _("Refreshing the roll-ups of %(y)s") % {"y": report.year - 1})
            rollups_refresh(years=[report.year - 1])
            step(1, _("Refreshing the roll-ups of %(y)s") % {"y": report.year})
            rollups_refresh(years=[report.year])
            step(2, _("Freezing the snapshot"))
            snap = snapshot_take(year=report.year, actor=report.started_by)
        step(3, _("Drawing the charts and writing the documents"))
        docx, pdf, digest = render_all(snap.data)
        step(5, _("Storing the files"))
        stem = f"annual-{report.year}-{uuid.uuid4().hex[:12]}"
        with transaction.atomic():
            locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
            locked.snapshot = snap
            locked.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
            locked.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            locked.content_sha256 = digest
            locked.status = AnnualReport.Status.DONE
            locked.progress_done = STEPS
            locked.progress_total = STEPS
            locked.progress_message = _("Finished")
            locked.finished_at = timezone.now()
            locked.duration_ms = int((time.perf_counter() - started) * 1000)
            locked.save()
        progress(STEPS, STEPS, _("Finished"))
        return locked
    except DomainError as error:
        _fail(report, error.message)
        raise
    except Exception as exc:
        logger.exception("annual report %s failed", report.pk)
        _fail(report, _("The report could not be built: %(e)s") % {"e": type(exc).__name__})
        raise ReportError(
            ReportErrorCode.BUILD_FAILED, _("The report could not be built.")
        ) from exc


def _fail(report: AnnualReport, message: str) -> None:
    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReport.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def annual_report_rebuild(*, report: AnnualReport, actor: User) -> AnnualReport:
    """A new build from the same frozen snapshot (gives the same document)."""
    if report.snapshot_id is None or report.status != AnnualReport.Status.DONE:
        raise ReportConflict(
            ReportErrorCode.NOT_FINISHED, _("Only a finished report can be rebuilt.")
        )
    return annual_report_start(year=report.year, actor=actor, snapshot=report.snapshot)


def annual_report_publication(
    *, report: AnnualReport, action: str, actor: User, reason: str = ""
) -> AnnualReport:
    """Publish a finished report on the portal or withdraw it (with a reason)."""
    return run(PUBLICATION, report, action, actor=actor, reason=reason)  # type: ignore[no-any-return]


def rollups_refresh_all(*, actor: User | None = None, years: list[int] | None = None) -> int:
    """Rebuild the dashboard roll-ups (command `refresh_rollups`, nightly job)."""
    rows = rollups_refresh(years=years)
    audit_record(
        actor=actor,
        action="reports.rollups_refresh",
        object_type="reports.DashboardRollup",
        after={"rows": rows, "years": years or "all"},
    )
    return rows
