"""Background jobs: the annual report build and the roll-up refresh (zjtx.core.jobs)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from zjtx.core.jobs import JobContext, job_handler

from .models import AnnualReport


@job_handler("reports.annual", title=gettext_lazy("Annual development report"))
def build_annual_report(ctx: JobContext) -> None:
    from .services import annual_report_build

    def progress(done: int, total: int, message: str = "") -> None:
        ctx.progress(done, total, message)

    report = annual_report_build(report_id=int(ctx.params["report_id"]), progress=progress)
    ctx.set_result(
        url=report.get_absolute_url(),
        summary={
            "year": report.year,
            "figures": report.snapshot.figures.count() if report.snapshot else 0,
            "duration_ms": report.duration_ms,
        },
    )


@job_handler("reports.rollups", title=gettext_lazy("Dashboard roll-up refresh"))
def refresh_rollups(ctx: JobContext) -> None:
    from django.urls import reverse

    from .rollups import rollups_refresh

    years = ctx.params.get("years")

    def progress(done: int, total: int, message: str = "") -> None:
        ctx.progress(done, total, message)

    rows = rollups_refresh(years=years, progress=progress)
    ctx.set_result(url=reverse("reports:dashboard"), summary={"rows": rows})


__all__ = ["AnnualReport", "build_annual_report", "refresh_rollups"]
