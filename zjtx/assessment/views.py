"""Assessment pages: runs and the ranking, a unit's trace ("why is my unit 7th"), objections and
their decisions, adjustments, the scheme, and the 通报 (issue, list, download)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_export
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.workflow import actions_for

from . import scheme, selectors, services
from .models import AssessmentRun
from .workflow import OBJECTION, RUN

OFFICERS = (Role.CITY_OFFICER, Role.UNIT_OFFICER)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require(request: AuthedRequest, *roles: str) -> None:
    require_role(request.user, *roles, hide=True)


def _role(request: AuthedRequest) -> str:
    return str(getattr(request.user, "role", ""))


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


@login_required
def run_list(request: AuthedRequest) -> HttpResponse:
    _require(request, *OFFICERS)
    today = timezone.localdate()
    runs = list(selectors.run_list_for(user=request.user))
    return render(
        request,
        "assessment/runs.html",
        {
            "runs": runs,
            "bulletins": selectors.bulletin_list_for(user=request.user)[:50],
            "is_city": _role(request) == Role.CITY_OFFICER,
            "years": list(range(today.year, services.FIRST_YEAR - 1, -1)),
            "units": services.assessed_units(today),
            "today": today,
        },
    )


@require_POST
@login_required
def run_compute(request: AuthedRequest) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    year = _int(request.POST.get("year"))
    try:
        run = services.run_compute(year=year or 0, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("assessment:runs")
    messages.success(request, _("The %(year)s assessment was computed.") % {"year": run.year})
    return redirect("assessment:run", run.pk)


@login_required
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, *OFFICERS)
    run = selectors.run_get(pk=pk, user=request.user)
    role = _role(request)
    today = timezone.localdate()
    scores = selectors.ranking(run)
    own = next((s for s in scores if s.unit_id == getattr(request.user, "unit_id", None)), None)
    window_open = (
        run.status == AssessmentRun.Status.PUBLISHED
        and run.window_ends_on is not None
        and today <= run.window_ends_on
    )
    objections = list(selectors.objection_list_for(run=run, user=request.user))
    titles = {e["indicator"]: e["title"] for e in (scores[0].trace if scores else [])}
    for o in objections:
        o.indicator_title = titles.get(o.indicator, "")  # type: ignore[attr-defined]
    return render(
        request,
        "assessment/run.html",
        {
            "run": run,
            "scores": scores,
            "own": own,
            "is_city": role == Role.CITY_OFFICER,
            "actions": actions_for(RUN, state=run.status, role=role),
            "objections": objections,
            "objection_actions": actions_for(OBJECTION, state="pending", role=role),
            "window_open": window_open,
            "can_object": role == Role.UNIT_OFFICER and window_open and own is not None,
            "indicators": [(k, e["title"]) for k, e in _indicator_titles(scores)],
            "bulletins": list(run.bulletins.defer("document").order_by("-issued_on")),
            "insufficient": any(s.insufficient for s in scores),
            "today": today,
        },
    )


def _titled(objections: list[Any], titles: dict[str, str]) -> list[Any]:
    for o in objections:
        o.indicator_title = titles.get(o.indicator, "")
    return objections


def _indicator_titles(scores: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    if not scores:
        return []
    return [(e["indicator"], e) for e in scores[0].trace]


@login_required
def unit_detail(request: AuthedRequest, pk: int, unit_id: int) -> HttpResponse:
    _require(request, *OFFICERS)
    run = selectors.run_get(pk=pk, user=request.user)
    score = selectors.score_get(run=run, unit_id=unit_id, user=request.user)
    lines = selectors.trace_lines(score)
    scores = selectors.ranking(run)
    above = [s for s in scores if s.score > score.score]
    next_above = min(above, key=lambda s: s.score) if above else None
    lost = sorted((line for line in lines if line.lost > 0), key=lambda line: -line.lost)
    good, weak = selectors.highlights_and_shortcomings(score)
    today = timezone.localdate()
    can_object = (
        _role(request) == Role.UNIT_OFFICER
        and run.status == AssessmentRun.Status.PUBLISHED
        and run.window_ends_on is not None
        and today <= run.window_ends_on
    )
    return render(
        request,
        "assessment/unit.html",
        {
            "run": run,
            "score": score,
            "lines": lines,
            "adjustments": selectors.adjustments_of(score),
            "total_weight": sum((Decimal(e["weight"]) for e in score.trace), Decimal(0)),
            "count": len(scores),
            "gap": (next_above.score - score.score) if next_above else None,
            "lost": lost[:3],
            "good": good,
            "weak": weak,
            "is_city": _role(request) == Role.CITY_OFFICER,
            "can_object": can_object,
            "can_adjust": _role(request) == Role.CITY_OFFICER
            and run.status != AssessmentRun.Status.FINAL,
            "indicators": [(e["indicator"], e["title"]) for e in score.trace],
            "objections": _titled(
                [
                    o
                    for o in selectors.objection_list_for(run=run, user=request.user)
                    if o.unit_id == unit_id
                ],
                {e["indicator"]: e["title"] for e in score.trace},
            ),
        },
    )


@require_POST
@login_required
def run_transition(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    run = selectors.run_get(pk=pk, user=request.user)
    try:
        services.run_transition(
            run=run, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("assessment:run", run.pk)


@require_POST
@login_required
def adjustment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    run = selectors.run_get(pk=pk, user=request.user)
    unit_id = _int(request.POST.get("unit")) or 0
    try:
        services.adjustment_add(
            run=run,
            unit_id=unit_id,
            points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""),
            indicator=request.POST.get("indicator", ""),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The adjustment was recorded."))
    if unit_id and request.POST.get("back") == "unit":
        return redirect("assessment:unit", run.pk, unit_id)
    return redirect("assessment:run", run.pk)


@require_POST
@login_required
def objection_file(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Role.UNIT_OFFICER)
    run = selectors.run_get(pk=pk, user=request.user)
    try:
        services.objection_file(
            run=run,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            indicator=request.POST.get("indicator", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your objection was sent to the city."))
    return redirect("assessment:unit", run.pk, request.user.unit_id)  # type: ignore[union-attr]


@require_POST
@login_required
def objection_decide(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    objection = selectors.objection_get(pk=pk, user=request.user)
    try:
        services.objection_decide(
            objection=objection,
            action=action,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            points=request.POST.get("points") or None,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The objection was decided."))
    return redirect(reverse("assessment:run", args=[objection.run_id]) + "#objections")


@require_POST
@login_required
def bulletin_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    run = selectors.run_get(pk=pk, user=request.user)
    try:
        bulletin = services.bulletin_issue_annual(
            run=run, actor=request.user, text=request.POST.get("text", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("assessment:run", run.pk)
    messages.success(request, _("Bulletin %(number)s was issued.") % {"number": bulletin.number})
    return redirect("assessment:bulletin", bulletin.pk)


@require_http_methods(["GET", "POST"])
@login_required
def bulletin_create(request: AuthedRequest) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if request.method == "POST":
        ids = [i for i in (_int(v) for v in request.POST.getlist("units")) if i is not None]
        try:
            bulletin = services.bulletin_issue_supervision(
                year=_int(request.POST.get("year")) or 0,
                unit_ids=ids,
                title=request.POST.get("title", ""),
                text=request.POST.get("text", ""),
                actor=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
            errors = error.fields
        else:
            messages.success(
                request, _("Bulletin %(number)s was issued.") % {"number": bulletin.number}
            )
            return redirect("assessment:bulletin", bulletin.pk)
    return render(
        request,
        "assessment/bulletin_form.html",
        {
            "units": services.assessed_units(today),
            "years": list(range(today.year, services.FIRST_YEAR - 1, -1)),
            "values": request.POST,
            "chosen": {str(v) for v in request.POST.getlist("units")},
            "errors": errors,
        },
    )


@login_required
def bulletin_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, *OFFICERS)
    bulletin = selectors.bulletin_get(pk=pk, user=request.user)
    return render(
        request,
        "assessment/bulletin.html",
        {"bulletin": bulletin, "units": list(bulletin.units.all())},
    )


@login_required
def bulletin_download(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, *OFFICERS)
    bulletin, content = selectors.bulletin_document(pk=pk, user=request.user)
    audit_export(
        actor=request.user,
        action="assessment.bulletin_download",
        object_type="assessment.bulletin",
        count=1,
        filters={"bulletin": bulletin.pk},
    )
    response = HttpResponse(content, content_type=DOCX)
    filename = f"bulletin-{bulletin.year}-{bulletin.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def scheme_detail(request: AuthedRequest) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    today = _date(request.GET.get("on")) or timezone.localdate()
    try:
        package = scheme.scheme_package()
    except DomainError as error:
        return render(request, "assessment/schemes.html", {"error": error.message, "on": today})
    return render(
        request,
        "assessment/schemes.html",
        {"scheme": scheme.scheme_describe(package, today), "on": today},
    )
