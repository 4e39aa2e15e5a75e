"""The Excel import service: one call runs the pipeline of `zjtx.monitoring.imports`."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.audit import audit_record
from zjtx.core.errors import ErrorCode
from zjtx.core.files import removed_on_error, store_upload

from ..errors import (
    MonitoringConflict,
    MonitoringError,
    MonitoringErrorCode,
    MonitoringForbidden,
    MonitoringNotFound,
)
from ..imports.blanks import blank_cells
from ..imports.filecheck import FileProblem, check_xlsx
from ..imports.headers import map_headers
from ..imports.load import diff_values, existing_values, gc_paused, write_diff
from ..imports.messages import file_message, problem_text
from ..imports.reader import read_first_sheet
from ..imports.rows import RowOutcome, validate_rows
from ..models import ImportRun, ReportingPeriod
from ..rollups import rollup_apply_load
from ..selectors import enterprise_index, enterprises_outside_scope, indicators_active
from .periods import IMPORT_ROLES, PeriodRef, parse_period, period_get_or_open, period_problem

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def _can_import(actor: User) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.has_role(*IMPORT_ROLES))


def _audit_run(actor: User, run: ImportRun) -> None:
    audit_record(
        actor=actor,
        action=f"monitoring.import.{run.status}",
        obj=run,
        after={
            "period": run.period_code,
            "sha256": run.sha256,
            "file": run.original_name,
            "size": run.size,
            "dry_run": run.dry_run,
            "accept_valid_rows": run.accept_valid_rows,
            "rows_total": run.rows_total,
            "rows_accepted": run.rows_accepted,
            "rows_rejected": run.rows_rejected,
            "values_inserted": run.values_inserted,
            "values_replaced": run.values_replaced,
            "values_removed": run.values_removed,
            "values_unchanged": run.values_unchanged,
            "clear_blanks": run.clear_blanks,
            "values_blank": run.values_blank,
            "error_code": run.error_code,
        },
        success=run.status != ImportRun.Status.REJECTED,
    )


def _file_error(code: str, message: str) -> list[dict[str, Any]]:
    return [{"row": None, "column": "", "cell": "", "code": code, "message": message}]


@gc_paused()
def import_upload(
    *,
    actor: User,
    period_code: str,
    data: bytes,
    original_name: str,
    dry_run: bool = False,
    accept_valid_rows: bool = False,
    source_run: ImportRun | None = None,
    clear_blanks: bool = False,
) -> ImportRun:
    """Check, validate and (unless dry_run) store one monthly template upload (issue 5 §3).

    File-level problems raise MonitoringError (HTTP 400) after the run is recorded; header
    and row problems come back as a rejected run listing every error. With any row error
    nothing is stored unless accept_valid_rows. A blank cell over a stored value keeps it
    ("not reported") and is listed; only clear_blanks removes such values.
    """
    started = time.perf_counter()
    if not _can_import(actor):
        raise MonitoringForbidden(
            ErrorCode.FORBIDDEN, _("Only city and unit officers can import reports.")
        )
    run = ImportRun(
        uploader=actor,
        uploader_unit_id=actor.unit_id if actor.role == Role.UNIT_OFFICER else None,
        period_code=str(period_code or "")[:20],
        source_run=source_run,
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=(original_name or "upload.xlsx")[:255],
        size=len(data),
        dry_run=dry_run,
        accept_valid_rows=accept_valid_rows,
        clear_blanks=clear_blanks,
    )

    def finish(status: str) -> ImportRun:
        run.status = status
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        return run

    def refuse_file(code: str, **params: Any) -> MonitoringError:
        message = file_message(code, **params)
        finish(ImportRun.Status.REJECTED)
        run.error_code = code
        run.errors = _file_error(code, message)
        run.save()
        _audit_run(actor, run)
        return MonitoringError(code, message, {"import_id": run.pk})

    ref = parse_period(period_code)
    run.period_code = ref.code
    try:
        check_xlsx(data)
        rows = read_first_sheet(data)
    except FileProblem as problem:
        raise refuse_file(problem.code) from None
    if not original_name.lower().endswith((".xlsx", ".xltx")):
        run.original_name = (original_name + ".xlsx")[:255]
    # Every path below either saves the run (which then references the file) or raises with
    # the run unsaved or rolled back; the file goes with it (issue 16: no orphaned uploads).
    store_upload(run.file, data, "xlsx")
    with removed_on_error(run.file):
        return _import_stored(
            run=run,
            actor=actor,
            ref=ref,
            rows=rows,
            dry_run=dry_run,
            accept_valid_rows=accept_valid_rows,
            finish=finish,
            started=started,
        )


def _import_stored(
    *,
    run: ImportRun,
    actor: User,
    ref: PeriodRef,
    rows: list[list[Any]],
    dry_run: bool,
    accept_valid_rows: bool,
    finish: Callable[[str], ImportRun],
    started: float,
) -> ImportRun:
    """The pipeline after the file check: period, headers, rows, then dry run or load."""
    blocked = period_problem(ref)
    period = None if blocked else period_get_or_open(ref=ref)
    if period is not None and period.is_locked:
        blocked = ("period_locked", {"period": ref.code})
    if blocked:
        code, params = blocked
        run.period = period
        run.error_code = code
        run.errors = _file_error(code, file_message(code, **params))
        finish(ImportRun.Status.REJECTED).save()
        _audit_run(actor, run)
        return run
    assert period is not None
    run.period = period

    indicators = indicators_active(frequency=ref.frequency)
    columns = map_headers(rows, indicators)
    if columns.errors:
        run.error_code = "header_mismatch"
        run.errors = columns.errors
        finish(ImportRun.Status.REJECTED).save()
        _audit_run(actor, run)
        return run

    in_scope = enterprise_index(user=actor)
    outcome = validate_rows(
        rows,
        columns,
        in_scope=in_scope,
        classify_missing=lambda codes: enterprises_outside_scope(user=actor, codes=codes),
    )
    rows.clear()  # the caller still holds the list; free the cells before loading
    _count(run, outcome)
    if outcome.rows_total == 0:
        run.error_code = "no_data_rows"
        run.errors = _file_error("no_data_rows", problem_text("no_data_rows"))
        finish(ImportRun.Status.REJECTED).save()
        _audit_run(actor, run)
        return run
    if outcome.errors and not accept_valid_rows:
        finish(ImportRun.Status.REJECTED).save()
        _audit_run(actor, run)
        return run

    in_file = {c.indicator.pk for c in columns.columns}
    if dry_run:
        old = existing_values(period.pk, outcome.enterprise_ids)
        diff = diff_values(
            outcome.values,
            outcome.enterprise_ids,
            old,
            clear_blanks=run.clear_blanks,
            indicator_ids=in_file,
        )
        _count_diff(run, diff)
        run.blank_cells = blank_cells(diff.blanks, old, outcome.row_of, columns)
        finish(ImportRun.Status.VALIDATED).save()
        _audit_run(actor, run)
        return run

    try:
        with transaction.atomic():
            locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
            if locked.is_locked:
                raise MonitoringConflict(
                    MonitoringErrorCode.PERIOD_LOCKED,
                    file_message("period_locked", period=ref.code),
                )
            old = existing_values(period.pk, outcome.enterprise_ids)
            diff = diff_values(
                outcome.values,
                outcome.enterprise_ids,
                old,
                clear_blanks=run.clear_blanks,
                indicator_ids=in_file,
            )
            _count_diff(run, diff)
            run.blank_cells = blank_cells(diff.blanks, old, outcome.row_of, columns)
            finish(ImportRun.Status.COMMITTED).save()
            write_diff(diff=diff, period_id=period.pk, run_id=run.pk, now=timezone.now())
            rollup_apply_load(
                period_id=period.pk,
                unit_of={ref.id: ref.unit_id for ref in in_scope.values()},
                enterprise_ids=outcome.enterprise_ids,
                old=old,
                # Kept values still count as reported (only the enterprise id is read).
                new_rows=[*outcome.values, *((e, i, None, "") for e, i in diff.kept)]
                if diff.kept
                else outcome.values,
                inserted=diff.inserts,
                moved=diff.moved,
            )
            run.duration_ms = int((time.perf_counter() - started) * 1000)
            ImportRun.objects.filter(pk=run.pk).update(duration_ms=run.duration_ms)
            _audit_run(actor, run)
    except IntegrityError as exc:
        raise MonitoringConflict(
            MonitoringErrorCode.CONCURRENT_IMPORT,
            _(
                "Another upload for the same enterprises and period was stored meanwhile. Upload again."
            ),
        ) from exc
    return run


def _count(run: ImportRun, outcome: RowOutcome) -> None:
    run.rows_total = outcome.rows_total
    run.rows_accepted = outcome.rows_accepted
    run.rows_rejected = outcome.rows_rejected
    run.rows_blank = outcome.rows_blank
    run.errors = outcome.errors
    if outcome.errors:
        run.error_code = "row_errors"


def _count_diff(run: ImportRun, diff: Any) -> None:
    run.values_inserted = diff.new_count
    run.values_replaced = diff.replaced
    run.values_removed = diff.removed
    run.values_unchanged = diff.unchanged
    run.values_blank = len(diff.blanks)


def import_confirm(*, actor: User, run: ImportRun, clear_blanks: bool | None = None) -> ImportRun:
    """Commit a validated dry run from its stored file, so the officer need not upload again.

    clear_blanks (default: as the dry run was asked) removes the stored values it listed."""
    if run.uploader_id != actor.pk:
        raise MonitoringNotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if run.status != ImportRun.Status.VALIDATED or not run.dry_run or not run.file:
        raise MonitoringConflict(
            MonitoringErrorCode.NOT_CONFIRMABLE, _("Only a validated dry run can be confirmed.")
        )
    if ImportRun.objects.filter(source_run=run, status=ImportRun.Status.COMMITTED).exists():
        raise MonitoringConflict(
            MonitoringErrorCode.ALREADY_COMMITTED,
            _("This dry run has already been confirmed and stored."),
        )
    with run.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != run.sha256:
        raise MonitoringConflict(
            MonitoringErrorCode.FILE_CHANGED, _("The stored file has changed; upload it again.")
        )
    return import_upload(
        actor=actor,
        period_code=run.period_code,
        data=data,
        original_name=run.original_name,
        dry_run=False,
        accept_valid_rows=run.accept_valid_rows,
        source_run=run,
        clear_blanks=run.clear_blanks if clear_blanks is None else clear_blanks,
    )
