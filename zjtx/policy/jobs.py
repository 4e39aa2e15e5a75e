"""The 免申即享 scan as a background job with progress (zjtx/core/jobs.py, ADR 0016).

A city-scale scan (20,000 enterprises × every award program) takes seconds to a minute; it
runs in a task worker and the officer watches its progress page, which links to the scan's
hits when done.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zjtx.core.errors import DomainError
from zjtx.core.jobs import JobContext, job_handler
from zjtx.policy.errors import PolicyErrorCode

from . import scan

KIND = "policy.scan"


@job_handler(KIND, title=gettext_lazy("Eligibility scan (no application needed)"))
def scan_job(ctx: JobContext) -> None:
    """Params: as_of (YYYY-MM-DD), programs (list of program ids, empty for every award)."""
    try:
        as_of = date.fromisoformat(str(ctx.params.get("as_of", "")))
    except ValueError:
        raise DomainError(
            PolicyErrorCode.INVALID_DATE, _("Enter the scan date as YYYY-MM-DD.")
        ) from None

    def progress(done: int, total: int) -> None:
        ctx.progress(
            done,
            total,
            message=_("%(done)s of %(total)s enterprises checked") % {"done": done, "total": total},
        )

    run = scan.scan_run(
        actor=ctx.actor,
        as_of=as_of,
        program_ids=list(ctx.params.get("programs") or []) or None,
        progress=progress,
    )
    ctx.progress(
        run.enterprise_count,
        run.enterprise_count,
        message=_("%(count)s enterprises checked, %(eligible)s likely eligible")
        % {"count": run.enterprise_count, "eligible": run.eligible_count},
    )
    ctx.set_result(
        url=reverse("policy:scan-detail", args=[run.pk]),
        summary={
            "scan_id": run.pk,
            "enterprises": run.enterprise_count,
            "eligible": run.eligible_count,
        },
    )
