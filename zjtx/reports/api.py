"""Annual report, benchmarks and dashboards: the JSON API.

Annual reports are city-wide documents: the city officer starts them, officers read them.
Benchmarks follow the enterprise scope (an enterprise: itself; a unit officer: its unit's
enterprises); anything outside scope is a 404.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from zjtx.core.api_schemas import ERRORS, ErrorOut
from zjtx.core.http import AuthedRequest

from . import selectors, services
from .benchmark import benchmark_enterprise_get, benchmark_for
from .dashboard import dashboard_data, dashboard_unit_for
from .models import AnnualReport, ReportFigure

router = Router(tags=["reports"])
FORBID_EXTRA = ConfigDict(extra="forbid")


class AnnualReportStartIn(Schema):
    model_config = FORBID_EXTRA
    year: int = Field(ge=1900, le=2999)


class AnnualReportStartOut(Schema):
    id: int
    job_id: str
    status: str
    url: str


class ReportFigureRefOut(Schema):
    key: str
    chapter: str
    label: str
    value: str
    unit: str
    display: str
    url: str


class ReportFigureOut(Schema):
    key: str
    chapter: str
    label: str
    value: str
    unit: str
    display: str
    definition: str
    source_query: str
    records: int


class ReportFilesOut(Schema):
    docx: str | None
    pdf: str | None


class AnnualReportOut(Schema):
    id: int
    year: int
    status: str
    status_label: str
    progress_done: int
    progress_total: int
    progress_percent: int
    progress_message: str
    error: str
    publication: str
    snapshot_taken_at: str | None
    content_sha256: str
    files: ReportFilesOut
    figures: list[ReportFigureRefOut]


def _report_out(report: AnnualReport) -> dict[str, Any]:
    done = report.status == AnnualReport.Status.DONE
    return {
        "id": report.pk,
        "year": report.year,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "progress_done": report.progress_done,
        "progress_total": report.progress_total,
        "progress_percent": report.progress_percent,
        "progress_message": report.progress_message,
        "error": report.error,
        "publication": report.publication,
        "snapshot_taken_at": report.snapshot.taken_at.isoformat() if report.snapshot else None,
        "content_sha256": report.content_sha256,
        "files": {
            "docx": reverse("reports:annual-file", args=[report.pk, "docx"]) if done else None,
            "pdf": reverse("reports:annual-file", args=[report.pk, "pdf"]) if done else None,
        },
        "figures": [
            {
                "key": f.key,
                "chapter": f.chapter,
                "label": f.label,
                "value": f.value,
                "unit": f.unit,
                "display": f.display,
                "url": f"/api/v1/reports/annual/{report.pk}/figures/{f.key}",
            }
            for f in selectors.report_figures(report)
        ],
    }


def _figure_out(f: ReportFigure) -> dict[str, Any]:
    return {
        "key": f.key,
        "chapter": f.chapter,
        "label": f.label,
        "value": f.value,
        "unit": f.unit,
        "display": f.display,
        "definition": f.definition,
        "source_query": f.source,
        "records": f.records,
    }


@router.post(
    "/reports/annual",
    response={202: AnnualReportStartOut, 400: ErrorOut, 403: ErrorOut},
    summary="Start the annual development report for a year (city officer)",
)
def annual_start(
    request: AuthedRequest, payload: AnnualReportStartIn
) -> tuple[int, dict[str, Any]]:
    report = services.annual_report_start(year=payload.year, actor=request.user)
    return 202, {
        "id": report.pk,
        "job_id": report.job_id or str(report.pk),
        "status": report.status,
        "url": f"/api/v1/reports/annual/{report.pk}",
    }


@router.get(
    "/reports/annual/{report_id}",
    response={200: AnnualReportOut, **ERRORS},
    summary="An annual report: status, progress, files and figure references",
)
def annual_get(request: AuthedRequest, report_id: int) -> dict[str, Any]:
    report = selectors.annual_report_get(pk=report_id, user=request.user)
    return _report_out(report)


@router.get(
    "/reports/annual/{report_id}/figures/{key}",
    response={200: ReportFigureOut, **ERRORS},
    summary="One figure of a report: value, definition, source query and records count",
)
def annual_figure(request: AuthedRequest, report_id: int, key: str) -> dict[str, Any]:
    report = selectors.annual_report_get(pk=report_id, user=request.user)
    return _figure_out(selectors.report_figure_get(report=report, key=key))


class BenchmarkCellOut(Schema):
    indicator: str
    label: str
    unit: str
    value: str | None
    peers: int
    shown: bool
    p25: str | None
    median: str | None
    p75: str | None
    position: str


class BenchmarkGroupOut(Schema):
    key: str
    label: str
    peers: int
    shown: bool
    cells: list[BenchmarkCellOut]


class BenchmarkOut(Schema):
    credit_code: str
    name: str
    year: int | None
    min_peers: int
    indicators: list[dict[str, Any]]
    groups: list[BenchmarkGroupOut]


def _s(v: Any) -> str | None:
    return None if v is None else str(v)


class BenchmarkQuery(Schema):
    year: int | None = Field(default=None, ge=1900, le=2999)


@router.get(
    "/benchmarks/{credit_code}",
    response={200: BenchmarkOut, **ERRORS},
    summary="An enterprise's indicators against its peer groups' quartiles (groups < 5 peers hidden)",
)
def benchmark_get(
    request: AuthedRequest, credit_code: str, query: Query[BenchmarkQuery]
) -> dict[str, Any]:
    firm = benchmark_enterprise_get(credit_code=credit_code, user=request.user)
    result = benchmark_for(firm=firm, year=query.year)
    groups = []
    for group in [*result.get("groups", []), *result.get("hidden", [])]:
        groups.append(
            {
                "key": group.key,
                "label": group.label,
                "peers": group.size,
                "shown": group.shown,
                "cells": [
                    {
                        "indicator": c.indicator,
                        "label": c.label,
                        "unit": c.unit,
                        "value": _s(c.value),
                        "peers": c.peers,
                        "shown": c.shown,
                        # Hidden groups give nothing but their size away.
                        "p25": _s(c.p25) if c.shown else None,
                        "median": _s(c.median) if c.shown else None,
                        "p75": _s(c.p75) if c.shown else None,
                        "position": c.position if c.shown else "",
                    }
                    for c in group.cells
                ],
            }
        )
    return {
        "credit_code": firm.credit_code,
        "name": firm.name,
        "year": result.get("year"),
        "min_peers": result.get("min_peers", 5),
        "indicators": [{**i, "value": _s(i["value"])} for i in result.get("indicators", [])],
        "groups": groups,
    }


class DashboardKpiOut(Schema):
    key: str
    label: str
    value: str | None
    display: str
    change_pct: str | None


class DashboardOut(Schema):
    year: int
    unit: str
    kpis: list[DashboardKpiOut]


class DashboardQuery(Schema):
    year: int | None = Field(default=None, ge=1900, le=2999)
    unit: int | None = Field(default=None, ge=1)


@router.get(
    "/dashboards",
    response={200: DashboardOut, **ERRORS},
    summary="Leadership dashboard figures (city, or one unit) from the roll-ups",
)
def dashboard_get(request: AuthedRequest, query: Query[DashboardQuery]) -> dict[str, Any]:
    unit = dashboard_unit_for(user=request.user, unit_id=query.unit)
    data = dashboard_data(unit=unit, year=query.year)
    return {
        "year": data["year"],
        "unit": str(data["unit"]),
        "kpis": [
            {
                "key": k.key,
                "label": k.label,
                "value": _s(k.value),
                "display": k.display,
                "change_pct": _s(k.change),
            }
            for k in data["kpis"]
        ],
    }
