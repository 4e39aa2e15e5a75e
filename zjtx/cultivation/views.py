"""Cultivation pages: my tiers, an enterprise's tiers with the pool-change and tier forms, the
pools, pool changes and their decisions, candidate runs with the bulk move, targets with
progress against the straight line, talent. Thin: every rule lives in services/selectors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.workflow import actions_for, clock_due
from zjtx.core.xlsx import XLSX_CONTENT_TYPE
from zjtx.enterprises import selectors as enterprise_selectors
from zjtx.reference.models import AssessmentUnit

from . import forms, selectors, services, talent_import
from .candidates import CANDIDATE_TIERS, start_candidate_run
from .errors import CultivationError, CultivationErrorCode
from .models import (
    POOL_ORDER,
    CandidateRun,
    Mark,
    Metric,
    Pool,
    PoolChange,
    StudioLevel,
    TalentKind,
    Tier,
    TierRecord,
    tier_label,
)
from .workflow import POOL_CHANGE

OFFICERS = (Role.CITY_OFFICER, Role.UNIT_OFFICER)
TALENT_ROLES = (Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE)


def _require(request: AuthedRequest, *roles: str) -> None:
    require_role(request.user, *roles, hide=True)


def _role(request: AuthedRequest) -> str:
    return str(getattr(request.user, "role", ""))


def _date(raw: str | None, default: date) -> date:
    try:
        parsed = parse_date(raw or "")
    except ValueError:
        parsed = None
    return parsed or default


def _state_view(enterprise: Any) -> dict[str, Any]:
    today = timezone.localdate()
    state = selectors.tier_state_of(enterprise_id=enterprise.pk, on=today)
    return {
        "state": state,
        "pool_label": tier_label("pool", state.pool),
        "tier_labels": [tier_label("certified", t) for t in Tier.values if t in state.tiers],
        "mark_labels": [tier_label("mark", m) for m in state.marks],
        "history": list(selectors.tier_history(enterprise_id=enterprise.pk)),
    }


# ------------------------------------------------------------------ tiers


@login_required
def my_tiers(request: AuthedRequest) -> HttpResponse:
    _require(request, Role.ENTERPRISE)
    enterprise = enterprise_selectors.enterprise_for_user(user=request.user)
    context = {"enterprise": enterprise, **_state_view(enterprise)}
    return render(request, "cultivation/tiers.html", context)


@login_required
def enterprise_tiers(request: AuthedRequest, credit_code: str) -> HttpResponse:
    _require(request, *OFFICERS)
    enterprise = enterprise_selectors.enterprise_get_for(user=request.user, credit_code=credit_code)
    context = {
        "enterprise": enterprise,
        **_state_view(enterprise),
        "pools": [(p.value, p.label) for p in POOL_ORDER],
        "open_change": selectors.open_change_of(enterprise.pk),
        "is_city": _role(request) == Role.CITY_OFFICER,
        "tiers": Tier.choices,
        "marks": Mark.choices,
        "tier_actions": [
            (a, TierRecord.Action(a).label) for a in ("grant", "recommend", "revoke", "expire")
        ],
        "today": timezone.localdate(),
    }
    return render(request, "cultivation/tiers.html", context)


@require_POST
@login_required
def change_create(request: AuthedRequest, credit_code: str) -> HttpResponse:
    _require(request, *OFFICERS)
    enterprise = enterprise_selectors.enterprise_get_for(user=request.user, credit_code=credit_code)
    try:
        change = services.pool_change_propose(
            enterprise=enterprise,
            to_pool=request.POST.get("to_pool", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("cultivation:enterprise", credit_code=enterprise.credit_code)
    if change.status == PoolChange.Status.CONFIRMED:
        messages.success(request, _("The pool change was recorded."))
    else:
        messages.success(request, _("The proposal was sent to the city for confirmation."))
    return redirect("cultivation:change", pk=change.pk)


@require_POST
@login_required
def tier_add(request: AuthedRequest, credit_code: str) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    enterprise = enterprise_selectors.enterprise_get_for(user=request.user, credit_code=credit_code)
    kind = request.POST.get("tier", "")
    track = "mark" if kind in Mark.values else "certified"
    today = timezone.localdate()
    valid_until = (
        parse_date(request.POST.get("valid_until", "") or "")
        if request.POST.get("valid_until")
        else None
    )
    try:
        services.tier_record_by_city(
            enterprise=enterprise,
            track=track,
            tier=kind,
            action=request.POST.get("action", ""),
            on=_date(request.POST.get("on"), today),
            valid_until=valid_until,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except (DomainError, ValueError) as error:
        messages.error(request, getattr(error, "message", str(error)))
    else:
        messages.success(request, _("The tier record was added."))
    return redirect("cultivation:enterprise", credit_code=enterprise.credit_code)


# ------------------------------------------------------------------ pools and changes


@login_required
def pools(request: AuthedRequest) -> HttpResponse:
    _require(request, *OFFICERS)
    today = timezone.localdate()
    pool = request.GET.get("pool") or ""
    if pool not in Pool.values:
        pool = ""
    unit = getattr(request.user, "unit", None) if _role(request) == Role.UNIT_OFFICER else None
    members = selectors.pool_members_for(user=request.user, on=today, pool=pool or None)
    by_unit = []
    if unit is None:
        counts = selectors.pool_counts_by_unit(on=today)
        for u in AssessmentUnit.objects.order_by("sort_order", "code"):
            row = counts.get(u.pk)
            if row:
                by_unit.append((u, row))
    return render(
        request,
        "cultivation/pools.html",
        {
            "counts": selectors.pool_counts(unit=unit, on=today),
            "growth": selectors.pool_growth(unit=unit, year=today.year),
            "members": members[:500],
            "member_total": len(members),
            "pool": pool,
            "pools": [(p.value, p.label) for p in POOL_ORDER if p != Pool.NONE],
            "by_unit": by_unit,
            "today": today,
        },
    )


@login_required
def changes(request: AuthedRequest) -> HttpResponse:
    _require(request, *OFFICERS)
    status = request.GET.get("status") or ""
    if status not in PoolChange.Status.values:
        status = ""
    rows = selectors.pool_change_list_for(user=request.user, status=status or None)
    return render(
        request,
        "cultivation/changes.html",
        {
            "changes": rows[:300],
            "status": status,
            "statuses": PoolChange.Status.choices,
        },
    )


@login_required
def change_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, *OFFICERS)
    change = selectors.pool_change_get(user=request.user, pk=pk)
    role = _role(request)
    return render(
        request,
        "cultivation/change.html",
        {
            "change": change,
            "actions": actions_for(POOL_CHANGE, state=change.status, role=role),
            "due_on": clock_due(POOL_CHANGE, change, "confirm"),
            "current": selectors.tier_state_of(
                enterprise_id=change.enterprise_id, on=timezone.localdate()
            ),
        },
    )


@require_POST
@login_required
def change_transition(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    _require(request, *OFFICERS)
    change = selectors.pool_change_get(user=request.user, pk=pk)
    try:
        services.pool_change_transition(
            change=change,
            action=action,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            new_reason=request.POST.get("new_reason", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("cultivation:change", pk=change.pk)


# ------------------------------------------------------------------ candidate runs


@require_http_methods(["GET", "POST"])
@login_required
def candidate_runs(request: AuthedRequest) -> HttpResponse:
    _require(request, *OFFICERS)
    if request.method == "POST":
        try:
            max_gaps = int(request.POST.get("max_gaps", "2") or 2)
        except ValueError:
            max_gaps = -1
        try:
            run = start_candidate_run(
                actor=request.user,
                as_of=_date(request.POST.get("as_of"), timezone.localdate()),
                tiers=request.POST.getlist("tiers") or None,
                max_gaps=max_gaps,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("cultivation:candidates")
        if run.status == CandidateRun.Status.RUNNING and run.job_id:
            return redirect(reverse("core:job", args=[run.job_id]))
        return redirect("cultivation:run", pk=run.pk)
    return render(
        request,
        "cultivation/candidates.html",
        {
            "runs": selectors.candidate_run_list_for(user=request.user)[:50],
            "tiers": [(t, tier_label("certified", t)) for t in CANDIDATE_TIERS],
            "today": timezone.localdate(),
        },
    )


@login_required
def candidate_run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, *OFFICERS)
    run = selectors.candidate_run_get(user=request.user, pk=pk)
    tier = request.GET.get("tier") or (run.tiers[0] if run.tiers else "")
    if tier not in run.tiers:
        raise Http404
    hits = list(selectors.candidate_hits(run=run, user=request.user, tier=tier)[:300])
    return render(
        request,
        "cultivation/run.html",
        {
            "run": run,
            "tier": tier,
            "tabs": [(t, tier_label("certified", t), run.summary.get(t, {})) for t in run.tiers],
            "hits": hits,
            "pools": [(p.value, p.label) for p in POOL_ORDER if p != Pool.NONE],
        },
    )


@require_POST
@login_required
def candidate_move(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, *OFFICERS)
    run = selectors.candidate_run_get(user=request.user, pk=pk)
    try:
        ids = [int(x) for x in request.POST.getlist("hits") if x.isdigit() and len(x) < 10]
        report = services.pool_changes_from_run(
            run=run,
            hit_ids=ids,
            to_pool=request.POST.get("to_pool", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        confirmed = sum(1 for c in report.changes if c.status == PoolChange.Status.CONFIRMED)
        messages.success(
            request,
            _("%(n)s pool changes made (%(confirmed)s confirmed), %(skipped)s skipped.")
            % {"n": len(report.changes), "confirmed": confirmed, "skipped": len(report.skipped)},
        )
        for name, why in list(report.skipped.items())[:10]:
            messages.warning(request, f"{name}：{why}")
    tier = request.POST.get("tier", "")
    url = reverse("cultivation:run", args=[run.pk])
    return redirect(f"{url}?tier={tier}" if tier in run.tiers else url)


# ------------------------------------------------------------------ targets


@login_required
def targets(request: AuthedRequest) -> HttpResponse:
    _require(request, *OFFICERS)
    on = _date(request.GET.get("on"), timezone.localdate())
    unit = getattr(request.user, "unit", None) if _role(request) == Role.UNIT_OFFICER else None
    sets = []
    for tset in selectors.target_sets():
        items = []
        for item in tset.items.all():
            progress = selectors.target_progress(item=item, on=on, unit=unit)
            per_unit = []
            if unit is None:
                for share in item.shares.all():
                    per_unit.append(selectors.target_progress(item=item, on=on, unit=share.unit))
            items.append({"item": item, "progress": progress, "per_unit": per_unit})
        sets.append(
            {"set": tset, "items": items, "current": tset.period_start <= on <= tset.period_end}
        )
    return render(
        request,
        "cultivation/targets.html",
        {"sets": sets, "on": on, "unit": unit, "can_edit": _role(request) == Role.CITY_OFFICER},
    )


@require_http_methods(["GET", "POST"])
@login_required
def target_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """The city officer's grid of targets: one row per target, a column per unit's share."""
    _require(request, Role.CITY_OFFICER)
    tset = selectors.target_set_get(pk=pk) if pk is not None else None
    units = list(AssessmentUnit.objects.all())
    codes = [u.code for u in units]
    names = {u.code: u.short_name or u.name for u in units}
    grid = forms.grid_of(tset, codes)
    top: dict[str, str] = {}
    rows: dict[int, list[str]] = {}
    if request.method == "POST":
        grid = forms.read_grid(request.POST, codes)
        parsed = forms.items_of(grid)
        try:
            if parsed.errors or parsed.start is None or parsed.end is None:
                # Cells that are not numbers or dates, and every other fault the service finds.
                fields = dict(parsed.errors)
                try:
                    services.target_set_check(
                        grid.title,
                        parsed.start or date.min,
                        parsed.end or date.max,
                        parsed.items,
                    )
                except DomainError as error:
                    fields = {**error.fields, **fields}
                raise CultivationError(
                    CultivationErrorCode.INVALID_INPUT,
                    _("The targets have invalid fields."),
                    fields,
                )
            values: dict[str, Any] = {
                "actor": request.user,
                "title": grid.title,
                "basis": grid.basis,
                "note": grid.note,
                "period_start": parsed.start,
                "period_end": parsed.end,
                "items": parsed.items,
            }
            if tset is None:
                saved = services.target_set_create(**values)
                messages.success(request, _("The target set was created."))
            else:
                saved = services.target_set_update(target_set=tset, reason=grid.reason, **values)
                messages.success(request, _("The target set was saved."))
        except DomainError as error:
            messages.error(request, error.message)
            top, rows = parsed.by_row(error.fields or {}, names)
        else:
            return redirect(f"{reverse('cultivation:targets')}#set-{saved.pk}")
        grid.rows += [forms.Row(shares=dict.fromkeys(codes, ""))]
    return render(
        request,
        "cultivation/target_form.html",
        {
            "tset": tset,
            "grid": grid,
            "rows": [
                {
                    "i": i,
                    "row": row,
                    "cells": [(u, row.shares.get(u.code, "")) for u in units],
                    "errors": rows.get(i, []),
                }
                for i, row in enumerate(grid.rows)
            ],
            "units": units,
            "unit_names": names,
            "metrics": Metric.choices,
            "tiers": forms.tier_choices(),
            "pools": [(p.value, p.label) for p in forms.POOLS],
            "tier_metrics": sorted(forms.TIER_METRICS),
            "errors": top,
            "row_errors": rows,
        },
        status=400 if top or rows else 200,
    )


# ------------------------------------------------------------------ talent


@login_required
def talent(request: AuthedRequest) -> HttpResponse:
    _require(request, *TALENT_ROLES)
    return _talent_page(request)


def _talent_page(request: AuthedRequest, import_error: DomainError | None = None) -> HttpResponse:
    kind = request.GET.get("kind") or ""
    if kind not in TalentKind.values:
        kind = ""
    return render(
        request,
        "cultivation/talent.html",
        {
            "records": selectors.talent_list_for(user=request.user, kind=kind or None)[:300],
            "studios": selectors.studio_list_for(user=request.user)[:100],
            "kind": kind,
            "kinds": TalentKind.choices,
            "levels": StudioLevel.choices,
            "is_enterprise": _role(request) == Role.ENTERPRISE,
            "today": timezone.localdate(),
            "values": request.POST,
            "import_message": import_error.message if import_error else "",
            "import_errors": list(import_error.fields.items()) if import_error else [],
        },
        status=400 if import_error else 200,
    )


@login_required
def talent_template(request: AuthedRequest) -> HttpResponse:
    _require(request, *TALENT_ROLES)
    response = HttpResponse(talent_import.template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(True, "技能人才导入模板.xlsx") or ""
    )
    return response


@require_POST
@login_required
def talent_import_view(request: AuthedRequest) -> HttpResponse:
    _require(request, *TALENT_ROLES)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise CultivationError(
                CultivationErrorCode.INVALID_INPUT,
                _("Choose an Excel file."),
                {"file": _("Required")},
            )
        report = talent_import.talent_import(actor=request.user, data=upload.read())
    except DomainError as error:
        messages.error(request, error.message)
        return _talent_page(request, error)
    messages.success(request, _("%(n)s talent records were imported.") % {"n": report.created})
    return redirect("cultivation:talent")


def _talent_enterprise(request: AuthedRequest) -> Any:
    if _role(request) == Role.ENTERPRISE:
        return enterprise_selectors.enterprise_for_user(user=request.user)
    code = (request.POST.get("credit_code") or "").strip()
    if not code:
        return None
    return enterprise_selectors.enterprise_get_for(user=request.user, credit_code=code)


@require_POST
@login_required
def talent_add(request: AuthedRequest) -> HttpResponse:
    _require(request, *TALENT_ROLES)
    try:
        enterprise = _talent_enterprise(request)
        unit = getattr(request.user, "unit", None) if _role(request) == Role.UNIT_OFFICER else None
        services.talent_add(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            person_name=request.POST.get("person_name", ""),
            id_number=request.POST.get("id_number", ""),
            certificate_number=request.POST.get("certificate_number", ""),
            awarded_on=_date(request.POST.get("awarded_on"), timezone.localdate()),
            enterprise=enterprise,
            unit=unit,
        )
    except Http404:
        messages.error(request, _("No enterprise with this credit code in your jurisdiction."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The talent record was added."))
    return redirect("cultivation:talent")


@require_POST
@login_required
def studio_add(request: AuthedRequest) -> HttpResponse:
    _require(request, *TALENT_ROLES)
    try:
        enterprise = _talent_enterprise(request)
        if enterprise is None:
            raise Http404
        services.studio_add(
            actor=request.user,
            enterprise=enterprise,
            name=request.POST.get("name", ""),
            master_name=request.POST.get("master_name", ""),
            level=request.POST.get("level", ""),
            established_on=_date(request.POST.get("established_on"), timezone.localdate()),
        )
    except Http404:
        messages.error(request, _("No enterprise with this credit code in your jurisdiction."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The studio was added."))
    return redirect("cultivation:talent")
