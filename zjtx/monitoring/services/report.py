"""The enterprise's own monthly, quarterly or annual report, filled online (issue 5 §2)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.errors import ErrorCode, NotFound

from ..errors import MonitoringConflict, MonitoringError, MonitoringErrorCode, MonitoringForbidden
from ..imports.load import diff_values, existing_values, write_diff
from ..imports.messages import file_message, problem_text
from ..imports.rows import FEN, check_cell
from ..models import ImportRun, Indicator, ReportingPeriod
from ..rollups import rollup_apply_load
from .imports import _audit_run, _count_diff
from .periods import parse_period, period_get_or_open, period_problem

if TYPE_CHECKING:
    from zjtx.accounts.models import User


@dataclass
class FormOutcome:
    lines: list[Any]
    has_errors: bool
    has_flags: bool
    run: ImportRun | None = None


def enterprise_report_submit(
    *, actor: User, period_code: str, raw: dict[int, str], store: bool, confirm_flags: bool = False
) -> FormOutcome:
    """An enterprise fills its monthly report online (issue 5 §2): YTD and YoY are shown,
    slips are flagged and must be confirmed before the values are stored."""
    from ..selectors import enterprise_report
    from ..slips import slip

    if not actor.has_role(Role.ENTERPRISE) or not actor.enterprise_id:
        raise MonitoringForbidden(
            ErrorCode.FORBIDDEN, _("Only an enterprise user fills in its own report.")
        )
    ref = parse_period(period_code)
    blocked = period_problem(ref)
    if blocked:
        raise MonitoringError(blocked[0], file_message(blocked[0], **blocked[1]))
    existing_period = ReportingPeriod.objects.filter(code=ref.code).first()
    if existing_period is not None and existing_period.is_locked:
        raise MonitoringConflict(
            MonitoringErrorCode.PERIOD_LOCKED, file_message("period_locked", period=ref.code)
        )
    enterprise = actor.enterprise
    if enterprise is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    lines = enterprise_report(user=actor, enterprise=enterprise, ref=ref)
    for line in lines:
        # NUL cannot be stored in a PostgreSQL text column; it never belongs in a report.
        text = (raw.get(line.indicator.pk) or "").replace("\x00", "").strip()
        line.raw = text
        stored_now = line.value
        if line.indicator.is_text:
            line.text = text
            if len(text) > line.indicator.max_length:
                line.error = problem_text(
                    "text_too_long", length=len(text), limit=line.indicator.max_length
                )
            continue
        number, code, message = check_cell(text, line.indicator)
        if code:
            line.error = message
            continue
        line.value = number
        accumulation = line.indicator.accumulation
        if accumulation == Indicator.Accumulation.CURRENT_MONTH:
            if line.ytd is not None or number is not None:
                # 1–N月累计 with this month's entry in place of the stored one
                line.ytd = (
                    (line.ytd or Decimal(0)) - (stored_now or Decimal(0)) + (number or Decimal(0))
                )
        elif accumulation == Indicator.Accumulation.YEAR_TO_DATE:
            line.ytd = number
        line.flag = slip(number, line.history)
    has_errors = any(line.error for line in lines)
    has_flags = any(line.flag for line in lines)
    outcome = FormOutcome(lines, has_errors, has_flags)
    if not store or has_errors or (has_flags and not confirm_flags):
        return outcome
    values = [
        (
            enterprise.pk,
            line.indicator.pk,
            None
            if line.indicator.is_text or line.value is None
            else (line.value * line.indicator.factor).quantize(FEN),
            line.text if line.indicator.is_text else "",
        )
        for line in lines
        if (line.text if line.indicator.is_text else line.value is not None)
    ]
    payload = repr(sorted((i, str(v), t) for _e, i, v, t in values)).encode()
    with transaction.atomic():
        # The row read above when it exists (opening one reads the holiday calendar).
        period = existing_period or period_get_or_open(ref=ref)
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.is_locked:
            raise MonitoringConflict(
                MonitoringErrorCode.PERIOD_LOCKED, file_message("period_locked", period=ref.code)
            )
        run = ImportRun(
            uploader=actor,
            uploader_unit_id=enterprise.unit_id,
            period=period,
            period_code=ref.code,
            channel=ImportRun.Channel.FORM,
            sha256=hashlib.sha256(payload).hexdigest(),
            original_name=str(_("Online form")),
            rows_total=1,
            rows_accepted=1,
            status=ImportRun.Status.COMMITTED,
        )
        old = existing_values(period.pk, {enterprise.pk})
        diff = diff_values(values, {enterprise.pk}, old)
        _count_diff(run, diff)
        run.save()
        write_diff(diff=diff, period_id=period.pk, run_id=run.pk, now=timezone.now())
        rollup_apply_load(
            period_id=period.pk,
            unit_of={enterprise.pk: enterprise.unit_id},
            enterprise_ids={enterprise.pk},
            old=old,
            new_rows=values,
            inserted=diff.inserts,
            moved=diff.moved,
        )
        _audit_run(actor, run)
    outcome.run = run
    return outcome
