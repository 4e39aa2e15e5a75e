"""Pages of background jobs: the list, one job's progress (polled while it runs), retry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import jobs
from .errors import DomainError


@login_required
def job_list(request):  # type: ignore[no-untyped-def]
    page = Paginator(jobs.jobs_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page})


@login_required
def job_detail(request, pk):  # type: ignore[no-untyped-def]
    job = jobs.job_for(request.user, pk)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def job_retry(request, pk):  # type: ignore[no-untyped-def]
    job = jobs.job_for(request.user, pk)
    try:
        new = jobs.retry_job(job, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(job)
    return redirect(new)
