"""/api/v1/monitoring: template download, imports, stored values (issue 5 "API")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import ConfigDict

from zjtx.accounts.models import Role
from zjtx.core.audit import audit_export

from . import selectors, services
from .errors import MonitoringError, MonitoringErrorCode, MonitoringForbidden
from .imports.filecheck import MAX_UPLOAD_BYTES
from .imports.messages import file_message
from .models import ImportRun
from .views import template_response

router = Router(tags=["monitoring"])
# Input bodies name every field they take; an unknown one is a 400 naming it.
FORBID_EXTRA = ConfigDict(extra="forbid")


class ImportErrorOut(Schema):
    row: int | None
    column: str
    cell: str = ""
    code: str
    message: str


class BlankCellOut(Schema):
    row: int | None
    enterprise: str
    indicator: str
    column: str
    old: str
    message: str


class ImportRunOut(Schema):
    id: int
    status: str
    period: str
    file_name: str
    sha256: str
    dry_run: bool
    accept_valid_rows: bool
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    rows_blank: int
    values_inserted: int
    values_replaced: int
    values_removed: int
    values_unchanged: int
    clear_blanks: bool = False
    values_blank: int = 0
    blank_cells: list[BlankCellOut] = []
    created_at: datetime
    duration_ms: int
    errors: list[ImportErrorOut]


class ValueOut(Schema):
    indicator: str
    name: str
    unit: str
    value: Decimal | None
    value_stored: Decimal | None
    text: str
    updated_at: datetime
    import_id: int | None


class ValuesOut(Schema):
    credit_code: str
    name: str
    period: str
    values: list[ValueOut]


def run_out(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "period": run.period_code,
        "file_name": run.original_name,
        "sha256": run.sha256,
        "dry_run": run.dry_run,
        "accept_valid_rows": run.accept_valid_rows,
        "rows_total": run.rows_total,
        "rows_accepted": run.rows_accepted,
        "rows_rejected": run.rows_rejected,
        "rows_blank": run.rows_blank,
        "values_inserted": run.values_inserted,
        "values_replaced": run.values_replaced,
        "values_removed": run.values_removed,
        "values_unchanged": run.values_unchanged,
        "clear_blanks": run.clear_blanks,
        "values_blank": run.values_blank,
        "blank_cells": run.blank_cells,
        "created_at": run.created_at,
        "duration_ms": run.duration_ms,
        "errors": run.errors,
    }


def _require_import_role(request: Any) -> None:
    if not request.user.has_role(Role.CITY_OFFICER, Role.UNIT_OFFICER):
        raise MonitoringForbidden(
            MonitoringErrorCode.FORBIDDEN, _("Only city and unit officers can import reports.")
        )


@router.get("/monitoring/template", url_name="monitoring-template")
def template(request: Any, period: str) -> HttpResponse:
    """The xlsx template for the period (`2026-10` a month, `2026-Q3` a quarter, `2026` a
    year), with that form's indicators and the caller's enterprises pre-listed."""
    _require_import_role(request)
    return template_response(request.user, period)


@router.post("/monitoring/imports", response=ImportRunOut, url_name="monitoring-import")
def import_create(
    request: Any,
    file: File[UploadedFile],
    period: Form[str],
    dry_run: Form[bool] = False,
    accept_valid_rows: Form[bool] = False,
    clear_blanks: Form[bool] = False,
) -> dict[str, Any]:
    """Upload a filled template: 400 for unusable files, else the run with every row error.

    A blank cell over a stored value keeps it and is listed in `blank_cells`; with
    `clear_blanks` the listed values are removed (kept in the value history)."""
    _require_import_role(request)
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise MonitoringError(
            MonitoringErrorCode.FILE_TOO_LARGE, file_message(MonitoringErrorCode.FILE_TOO_LARGE)
        )
    run = services.import_upload(
        actor=request.user,
        period_code=period,
        data=file.read(),
        original_name=file.name or "upload.xlsx",
        dry_run=dry_run,
        accept_valid_rows=accept_valid_rows,
        clear_blanks=clear_blanks,
    )
    return run_out(run)


@router.get(
    "/monitoring/imports/{import_id}", response=ImportRunOut, url_name="monitoring-import-get"
)
def import_get(request: Any, import_id: int) -> dict[str, Any]:
    return run_out(selectors.import_run_get(pk=import_id, user=request.user))


@router.post(
    "/monitoring/imports/{import_id}/commit",
    response=ImportRunOut,
    url_name="monitoring-import-commit",
)
def import_commit(request: Any, import_id: int, clear_blanks: bool | None = None) -> dict[str, Any]:
    """Store a validated dry run from its kept file, without uploading again; `clear_blanks`
    (default: as the dry run) removes the stored values its blank cells listed."""
    run = selectors.import_run_get(pk=import_id, user=request.user)
    return run_out(services.import_confirm(actor=request.user, run=run, clear_blanks=clear_blanks))


@router.get("/monitoring/values", response=ValuesOut, url_name="monitoring-values")
def values(request: Any, period: str, credit_code: str) -> dict[str, Any]:
    """Stored values of one enterprise for one period, in the template unit and in 元."""
    ref = services.parse_period(period)
    enterprise, stored = selectors.values_for(
        user=request.user, period_code=ref.code, credit_code=credit_code
    )
    return {
        "credit_code": enterprise.credit_code,
        "name": enterprise.name,
        "period": ref.code,
        "values": [
            {
                "indicator": s.indicator.code,
                "name": s.indicator.name,
                "unit": s.indicator.unit,
                "value": None if s.indicator.is_text else s.display,
                "value_stored": s.value,
                "text": s.text,
                "updated_at": s.updated_at,
                "import_id": s.import_run_id,
            }
            for s in stored
        ],
    }


class WarningOut(Schema):
    id: int
    period: str
    credit_code: str
    enterprise: str
    unit: str
    rule: str
    level: str
    explanation: str
    facts: dict[str, Any]
    status: str
    note: str


@router.get("/monitoring/warnings", response=list[WarningOut], url_name="monitoring-warnings")
def warnings(request: Any, period: str, level: str = "", status: str = "") -> list[dict[str, Any]]:
    """Early warnings of the period in the caller's jurisdiction, with their explanation."""
    ref = services.parse_period(period)
    found = selectors.period_list().filter(code=ref.code).first()
    if found is None:
        return []
    out = [
        {
            "id": w.pk,
            "period": w.period.code,
            "credit_code": w.enterprise.credit_code,
            "enterprise": w.enterprise.name,
            "unit": w.unit.name,
            "rule": w.rule.code,
            "level": w.level,
            "explanation": w.explanation,
            "facts": w.facts,
            "status": w.status,
            "note": w.note,
        }
        for w in selectors.warning_list_for(
            user=request.user, period=found, level=level, status=status
        )[:5000]
    ]
    audit_export(
        actor=request.user,
        action="monitoring.api_warning_list",
        object_type="monitoring.monitoringwarning",
        count=len(out),
        filters={"period": ref.code, "level": level, "status": status},
    )
    return out


# --- Indicator catalogue ---------------------------------------------------------------------
# Reading: every monitoring role (inactive indicators only for the city officer).
# Writing: the city officer, through services.catalogue (400 with the fields at fault).
# Imported here so that the section stays one block at the end of the file.
from .selectors import catalogue as catalogue_selectors  # noqa: E402
from .services import catalogue as catalogue_services  # noqa: E402


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    header: str
    unit: str
    is_money: bool
    kind: str
    frequency: str
    accumulation: str
    decimal_places: int
    min_value: Decimal | None
    max_value: Decimal | None
    max_length: int
    sort_order: int
    active: bool


class IndicatorCreateIn(Schema):
    model_config = FORBID_EXTRA

    code: str
    name: str
    unit: str = ""
    kind: str = "numeric"
    frequency: str = "monthly"
    accumulation: str = "current_month"
    decimal_places: int = 2
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_length: int = 2000
    sort_order: int | None = None
    active: bool = True


class IndicatorUpdateIn(Schema):
    model_config = FORBID_EXTRA

    code: str | None = None
    name: str | None = None
    unit: str | None = None
    kind: str | None = None
    frequency: str | None = None
    accumulation: str | None = None
    decimal_places: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_length: int | None = None
    sort_order: int | None = None
    active: bool | None = None


def indicator_out(indicator: Any) -> dict[str, Any]:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.name,
        "header": indicator.header,
        "unit": indicator.unit,
        "is_money": indicator.is_money,
        "kind": indicator.kind,
        "frequency": indicator.frequency,
        "accumulation": indicator.accumulation,
        "decimal_places": indicator.decimal_places,
        "min_value": indicator.min_value,
        "max_value": indicator.max_value,
        "max_length": indicator.max_length,
        "sort_order": indicator.sort_order,
        "active": indicator.active,
    }


@router.get("/monitoring/indicators", response=list[IndicatorOut], url_name="monitoring-indicators")
def indicator_list(request: Any) -> list[dict[str, Any]]:
    """The indicator catalogue in template order."""
    return [indicator_out(i) for i in catalogue_selectors.indicator_list_for(user=request.user)]


@router.post(
    "/monitoring/indicators",
    response={201: IndicatorOut},
    url_name="monitoring-indicator-create",
)
def indicator_create(request: Any, payload: IndicatorCreateIn) -> tuple[int, dict[str, Any]]:
    """Add an indicator (city officer)."""
    indicator = catalogue_services.indicator_create(actor=request.user, **payload.dict())
    return 201, indicator_out(indicator)


@router.patch(
    "/monitoring/indicators/{indicator_id}",
    response=IndicatorOut,
    url_name="monitoring-indicator-update",
)
def indicator_update(request: Any, indicator_id: int, payload: IndicatorUpdateIn) -> dict[str, Any]:
    """Change the fields sent (city officer); `"active": false` deactivates."""
    if not catalogue_selectors.can_maintain_catalogue(user=request.user):
        raise MonitoringForbidden(
            MonitoringErrorCode.FORBIDDEN,
            _("Only the city officer can maintain the indicator catalogue."),
        )
    indicator = catalogue_selectors.indicator_get(pk=indicator_id)
    changes = payload.dict(exclude_unset=True)
    indicator = catalogue_services.indicator_update(
        actor=request.user, indicator=indicator, changes=changes
    )
    return indicator_out(indicator)
