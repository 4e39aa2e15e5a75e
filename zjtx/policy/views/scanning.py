"""免申即享 scans: run one, read its hits, notify the enterprises found."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.jobs import start_job

from .. import scan
from ..jobs import KIND as scan_job_kind
from ..models import PolicyProgram
from ..permissions import can_scan
from ..selectors import packages_current


def _require_scanner(request: AuthedRequest) -> None:
    if not can_scan(request.user):
        raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def scans(request: AuthedRequest) -> HttpResponse:
    """List scans; POST runs a new one over every enterprise against the award programs."""
    _require_scanner(request)
    awards = [p for p in packages_current().values() if p.kind == "award"]
    if request.method == "POST":
        try:
            as_of = date.fromisoformat(request.POST.get("as_of", ""))
        except ValueError:
            messages.error(request, _("Enter the scan date as YYYY-MM-DD."))
            return redirect("policy:scans")
        chosen = request.POST.getlist("programs")
        try:
            scan.scan_programs(as_of=as_of, program_ids=chosen or None)  # refuse bad input now
            job = start_job(
                scan_job_kind,
                actor=request.user,
                params={"as_of": as_of.isoformat(), "programs": chosen},
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("policy:scans")
        # The scan runs in a task worker: its progress page links to the hits when done (with
        # the immediate backend of tests and small sites it has finished already).
        if job.status == job.Status.SUCCEEDED and job.result_url:
            return redirect(job.result_url)
        if job.status == job.Status.FAILED and job.error:
            messages.error(request, job.error)
            return redirect("policy:scans")
        return redirect(job)
    context = {
        "runs": scan.scan_list_for(user=request.user)[:50],
        "awards": sorted(awards, key=lambda p: p.id),
        "today": timezone.localdate(),
    }
    return render(request, "policy/scans.html", context)


@login_required
def scan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    run = scan.scan_get(user=request.user, pk=pk)
    hits = scan.scan_hits(run=run)
    program = request.GET.get("program") or ""
    if program:
        hits = hits.filter(program_id=program)
    page = Paginator(hits, 50).get_page(request.GET.get("page"))
    titles = dict(PolicyProgram.objects.values_list("id", "title"))
    return render(
        request,
        "policy/scan_detail.html",
        {
            "run": run,
            "page": page,
            "program": program,
            "programs": [(pid, titles.get(pid, pid)) for pid in run.programs],
        },
    )


@require_POST
@login_required
def scan_notify(request: AuthedRequest, pk: int) -> HttpResponse:
    run = scan.scan_get(user=request.user, pk=pk)
    try:
        count = scan.scan_notify(run=run, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(count)s notifications were sent to the enterprises.") % {"count": count}
        )
    return redirect("policy:scan-detail", pk=run.pk)
