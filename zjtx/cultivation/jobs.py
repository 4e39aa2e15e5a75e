"""Background job: a candidate run with progress and a result page (zjtx.core.jobs)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zjtx.core.jobs import JobContext, job_handler

from .candidates import candidate_run_execute
from .models import CandidateRun


@job_handler("cultivation.candidates", title=gettext_lazy("Candidate run"))
def run_candidates(ctx: JobContext) -> None:
    run = CandidateRun.objects.get(pk=ctx.params["run_id"])

    def progress(done: int, total: int, message: str = "") -> None:
        ctx.progress(
            done, total, _("%(done)s of %(total)s enterprises") % {"done": done, "total": total}
        )

    try:
        candidate_run_execute(run=run, actor=ctx.actor, progress=progress)
    except Exception as exc:
        CandidateRun.objects.filter(pk=run.pk).update(
            status=CandidateRun.Status.FAILED, error=str(exc)[:500]
        )
        raise
    run.refresh_from_db()
    ctx.set_result(
        url=reverse("cultivation:run", args=[run.pk]),
        summary={"enterprises": run.enterprise_count, "candidates": run.candidate_count},
    )
