"""Expert pages: hand assignment, scoring, declines, the pool and declared relations."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zjtx.accounts.models import Role, User
from zjtx.accounts.permissions import role_required
from zjtx.core.credit_code import normalize as normalize_credit_code
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.enterprises.models import Enterprise
from zjtx.reference.models import AssessmentUnit

from .. import selectors, services
from ..models import (
    ExpertProfile,
    ExpertRelation,
)
from ._common import (
    _error,
    _get_or_404,
    _int,
)


@require_POST
@role_required(Role.CITY_OFFICER)
def expert_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    expert = ExpertProfile.objects.filter(pk=_int(request.POST.get("expert")) or 0).first()
    if expert is None:
        raise Http404
    try:
        services.expert_assign(application=app, expert=expert, actor=request.user)
    except DomainError as error:
        _error(request, error)
    return redirect("certification:application-detail", app.pk)


@require_POST
@role_required(Role.CITY_OFFICER)
def assignment_remove(request: AuthedRequest, pk: int, assignment_pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    assignment = app.assignments.filter(pk=assignment_pk).first()
    if assignment is None:
        raise Http404
    try:
        services.assignment_remove(
            assignment=assignment, actor=request.user, note=request.POST.get("note", "")
        )
    except DomainError as error:
        _error(request, error)
    return redirect("certification:application-detail", app.pk)


@require_POST
@role_required(Role.EXPERT)
def scores_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    assignment = selectors.assignment_for(user=request.user, application=app)
    if assignment is None:
        raise Http404
    scores = []
    try:
        for item in app.form_schema.get("rubric") or app.round.rubric:
            ind = str(item["id"])
            scores.append(
                services.ScoreIn(
                    ind,
                    Decimal(request.POST.get(f"score_{ind}", "").strip() or "-1"),
                    request.POST.get(f"comment_{ind}", ""),
                    request.POST.get(f"justification_{ind}", ""),
                )
            )
    except InvalidOperation:
        messages.error(request, _("Scores must be numbers."))
        return redirect("certification:application-detail", app.pk)
    try:
        services.scores_submit(
            assignment=assignment,
            scores=scores,
            actor=request.user,
            undertaking=request.POST.get("undertaking") == "1",
        )
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Scores submitted."))
    return redirect("certification:application-detail", app.pk)


@require_POST
@role_required(Role.EXPERT)
def assignment_decline(request: AuthedRequest, pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    assignment = selectors.assignment_for(user=request.user, application=app)
    if assignment is None:
        raise Http404
    try:
        services.assignment_decline(
            assignment=assignment,
            reason_code=request.POST.get("reason_code", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except DomainError as error:
        _error(request, error)
        return redirect("certification:application-detail", app.pk)
    messages.success(request, _("You declined the assignment."))
    return redirect("certification:home")


@role_required(Role.CITY_OFFICER)
def expert_list(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            if request.POST.get("op") == "relation":
                expert = ExpertProfile.objects.filter(
                    pk=_int(request.POST.get("expert")) or 0
                ).first()
                enterprise = Enterprise.objects.filter(
                    credit_code=normalize_credit_code(request.POST.get("credit_code"))
                ).first()
                if expert is None or enterprise is None:
                    messages.error(request, _("Unknown expert or enterprise."))
                else:
                    services.expert_relation_declare(
                        expert=expert,
                        enterprise=enterprise,
                        kind=request.POST.get("kind", ""),
                        note=request.POST.get("note", ""),
                        actor=request.user,
                    )
            else:
                user = User.objects.filter(
                    pk=_int(request.POST.get("user")) or 0, role=Role.EXPERT
                ).first()
                if user is None:
                    raise Http404
                services.expert_profile_save(
                    user=user,
                    actor=request.user,
                    employer_name=request.POST.get("employer_name", ""),
                    employer_credit_code=request.POST.get("employer_credit_code", ""),
                    unit=AssessmentUnit.objects.filter(
                        pk=_int(request.POST.get("unit")) or 0
                    ).first(),
                    fields=(request.POST.get("fields") or "").replace("，", ",").split(","),
                )
            messages.success(request, _("Saved."))
        except DomainError as error:
            _error(request, error)
        return redirect("certification:experts")
    latest = selectors.round_latest()
    load = selectors.expert_load(round=latest) if latest else {}
    return render(
        request,
        "certification/experts.html",
        {
            "experts": [(e, load.get(e.pk, 0)) for e in selectors.expert_pool()],
            "relations": ExpertRelation.objects.select_related("expert__user", "enterprise")[:200],
            "users": User.objects.filter(role=Role.EXPERT, is_active=True).order_by("username"),
            "units": AssessmentUnit.objects.all(),
            "kinds": ExpertRelation.Kind.choices,
            "latest": latest,
        },
    )
