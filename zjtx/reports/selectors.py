"""Reads of the reports app: annual reports in scope, published reports, figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.errors import ErrorCode, NotFound

from .models import AnnualReport, ReportFigure

if TYPE_CHECKING:
    from zjtx.accounts.models import User


OFFICERS = (Role.CITY_OFFICER, Role.UNIT_OFFICER)


def _not_found() -> NotFound:
    return NotFound(ErrorCode.NOT_FOUND, _("Not found."))


@dataclass(frozen=True)
class PublishedReport:
    """What the public portal lists for a published annual report (nothing else leaks)."""

    pk: int
    year: int
    title: str
    published_at: datetime | None
    docx_url: str
    pdf_url: str
    docx_size: int
    pdf_size: int


def _size(field: Any) -> int:
    try:
        return int(field.size) if field else 0
    except (OSError, ValueError):
        return 0


def published_reports() -> list[PublishedReport]:
    """The annual reports the city has published, newest year first (one per year: the latest
    published build). Public: no login needed to list or download them."""
    rows = (
        AnnualReport.objects.filter(
            publication=AnnualReport.Publication.PUBLISHED, status=AnnualReport.Status.DONE
        )
        .exclude(docx="")
        .order_by("-year", "-published_at", "-id")
    )
    seen: set[int] = set()
    out: list[PublishedReport] = []
    for report in rows:
        if report.year in seen:
            continue
        seen.add(report.year)
        out.append(
            PublishedReport(
                pk=report.pk,
                year=report.year,
                title=report_title(report.year),
                published_at=report.published_at,
                docx_url=reverse("reports:public-file", args=[report.pk, "docx"]),
                pdf_url=reverse("reports:public-file", args=[report.pk, "pdf"])
                if report.pdf
                else "",
                docx_size=_size(report.docx),
                pdf_size=_size(report.pdf),
            )
        )
    return out


def report_title(year: int) -> str:
    return _(
        "Wuhu %(year)s annual development report on specialized, refined, distinctive and novel SMEs"
    ) % {"year": year}


def published_report_get(*, pk: int) -> AnnualReport:
    """A published, finished report for anonymous download; anything else is 404."""
    report = AnnualReport.objects.filter(
        pk=pk, publication=AnnualReport.Publication.PUBLISHED, status=AnnualReport.Status.DONE
    ).first()
    if report is None:
        raise _not_found()
    return report


def annual_reports_for(*, user: User) -> QuerySet[AnnualReport]:
    """Officers read every annual report (city-wide documents); others none."""
    if not getattr(user, "is_authenticated", False) or user.role not in OFFICERS:
        return AnnualReport.objects.none()
    return AnnualReport.objects.select_related("snapshot", "started_by").order_by("-year", "-id")


def annual_report_get(*, pk: int, user: User) -> AnnualReport:
    report = annual_reports_for(user=user).filter(pk=pk).first()
    if report is None:
        raise _not_found()
    return report


def report_figures(report: AnnualReport) -> QuerySet[ReportFigure]:
    if report.snapshot_id is None:
        return ReportFigure.objects.none()
    return ReportFigure.objects.filter(snapshot_id=report.snapshot_id).order_by("order")


def report_figure_get(*, report: AnnualReport, key: str) -> ReportFigure:
    figure = report_figures(report).filter(key=key).first()
    if figure is None:
        raise _not_found()
    return figure


def report_year_choices() -> list[int]:
    """Years a report can be started for: the current year back to five years before."""
    from django.utils import timezone

    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


def units_for(*, user: User) -> list[Any]:
    """Units whose dashboard the user may open (the city: all; a unit officer: their own)."""
    from zjtx.accounts.scoping import scope_unit_qs
    from zjtx.reference.models import AssessmentUnit

    return list(scope_unit_qs(AssessmentUnit.objects.order_by("sort_order", "code"), user, "pk"))
