"""Round pages: the role queues, round list, creation, the city officer's round page and steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.permissions import role_required
from zjtx.core.audit import audit_export
from zjtx.core.credit_code import normalize as normalize_credit_code
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.xlsx import XLSX_CONTENT_TYPE
from zjtx.enterprises.models import Enterprise

from .. import documents, selectors, services
from ..models import (
    Application,
    ExpertProfile,
    ExpertRelation,
    Round,
)
from ..workflow import REJECT_REASONS
from ._common import (
    BUSINESS,
    _date,
    _error,
    _get_or_404,
    _int,
)


@role_required(*BUSINESS)
def home(request: AuthedRequest) -> HttpResponse:
    user: Any = request.user
    context: dict[str, Any] = {
        "queue": selectors.queue_for(user=user),
        "rounds": selectors.round_list_for(user=user)[:10],
    }
    if user.role == Role.ENTERPRISE:
        context["mine"] = selectors.application_list_for(user=user)
        context["applied_rounds"] = set(context["mine"].values_list("round_id", flat=True))
    if user.role in (Role.CITY_OFFICER, Role.UNIT_OFFICER):
        context["expiring"] = selectors.expiring_for(user=user)
    if user.role == Role.EXPERT:
        profile = ExpertProfile.objects.filter(user_id=user.pk).first()
        context["profile"] = profile
        context["relations"] = profile.relations.select_related("enterprise") if profile else []
        context["kinds"] = ExpertRelation.Kind.choices
    return render(request, "certification/home.html", context)


@require_POST
@role_required(Role.EXPERT)
def relation_declare(request: AuthedRequest) -> HttpResponse:
    """An expert declares a relation with an enterprise; it keeps them off that panel (回避)."""
    profile = _get_or_404(selectors.expert_for_user, user=request.user)
    enterprise = Enterprise.objects.filter(
        credit_code=normalize_credit_code(request.POST.get("credit_code"))
    ).first()
    if enterprise is None:
        messages.error(request, _("Unknown expert or enterprise."))
        return redirect("certification:home")
    try:
        services.expert_relation_declare(
            expert=profile,
            enterprise=enterprise,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("certification:home")


@role_required(*BUSINESS)
def round_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "certification/round_list.html",
        {"rounds": selectors.round_list_for(user=request.user)},
    )


def _round_values(post: Any) -> dict[str, Any]:
    quotas: dict[str, int] = {}
    for line in (post.get("unit_quotas") or "").splitlines():
        if "=" in line:
            code, _sep, n = line.partition("=")
            if n.strip().isdigit():
                quotas[code.strip()] = int(n.strip())
    materials = []
    for line in (post.get("required_materials") or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) >= 2 and parts[0]:
            materials.append(
                {"code": parts[0], "label": parts[1], "required": len(parts) < 3 or parts[2] == "1"}
            )
    values: dict[str, Any] = {
        "year": _int(post.get("year")),
        "title": (post.get("title") or "").strip(),
        "program_id": post.get("program_id") or "",
        "quota": _int(post.get("quota")) or 50,
        "unit_quotas": quotas,
        "opens_on": _date(post.get("opens_on")),
        "closes_on": _date(post.get("closes_on")),
        "announcement": post.get("announcement") or "",
        "experts_per_application": _int(post.get("experts_per_application")) or 3,
        "aggregation": post.get("aggregation") or Round.Aggregation.MEAN,
        "notice_working_days": _int(post.get("notice_working_days")) or 5,
        "issuer_code": (post.get("issuer_code") or "芜经信").strip(),
    }
    if materials:
        values["required_materials"] = materials
    return values


@role_required(Role.CITY_OFFICER)
def round_create(request: AuthedRequest) -> HttpResponse:
    from zjtx.policy.selectors import program_list

    programs = [p for p in program_list() if p.kind == "criteria"]
    if request.method == "POST":
        values = _round_values(request.POST)
        if not (values["year"] and values["title"] and values["opens_on"] and values["closes_on"]):
            messages.error(request, _("Fill in year, title and window dates."))
        else:
            try:
                rnd = services.round_create(actor=request.user, **values)
            except DomainError as error:
                _error(request, error)
            else:
                messages.success(request, _("Round created."))
                return redirect("certification:round-detail", rnd.pk)
    today = timezone.localdate()
    return render(
        request,
        "certification/round_form.html",
        {
            "programs": programs,
            "post": request.POST,
            "year": today.year,
            "aggregations": Round.Aggregation.choices,
        },
    )


@role_required(*BUSINESS)
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    rnd = _get_or_404(selectors.round_get, pk=pk, user=user)
    counts = selectors.status_counts(user=user, round_id=rnd.pk)
    stage = selectors.round_stage(round=rnd)
    context: dict[str, Any] = {
        "round": rnd,
        "stage": stage,
        "counts": [(Application.Status(s).label, n) for s, n in counts.items()],
    }
    if user.role == Role.ENTERPRISE:
        context["mine"] = selectors.application_list_for(user=user, round_id=rnd.pk).first()
    if user.role in (Role.CITY_OFFICER, Role.UNIT_OFFICER):
        in_round = selectors.application_list_for(user=user, round_id=rnd.pk)
        status = request.GET.get("status", "")
        unit = _int(request.GET.get("unit"))
        shown = in_round
        if status in Application.Status.values:
            shown = shown.filter(status=status)
        if unit:
            shown = shown.filter(unit_id=unit)
        context.update(
            applications=shown,
            filter_status=status if status in Application.Status.values else "",
            filter_unit=unit,
            status_choices=[(s, Application.Status(s).label) for s in counts],
            unit_choices=sorted(
                {(a.unit_id, a.unit.name) for a in in_round}, key=lambda row: row[1]
            ),
        )
    if user.role == Role.CITY_OFFICER:
        ops = selectors.round_ops(round=rnd, user=user, stage=stage)
        context.update(
            status_ops=[o for o in ops if o.op == "status"],
            step_ops=[o for o in ops if o.op not in ("status", "decide", "export")],
            op_state={o.op: o for o in ops if o.op != "status"},
        )
        context.update(
            ranking=selectors.round_ranking(round=rnd),
            reject_reasons=REJECT_REASONS,
            notices=rnd.notices.order_by("-id"),
            documents=selectors.documents_of(round=rnd),
            certified=selectors.certified_list_for(user=user, round_id=rnd.pk),
            awards=selectors.awards_of(round=rnd),
            objection_counts=selectors.objection_counts(round=rnd),
            statuses=Round.Status.choices,
        )
    return render(request, "certification/round_detail.html", context)


@require_POST
@role_required(Role.CITY_OFFICER)
def round_action(request: AuthedRequest, pk: int) -> HttpResponse:
    """The city officer's round-level steps: open/close, copy, assign, batches, 公示, certify."""
    rnd = _get_or_404(selectors.round_get, pk=pk, user=request.user)
    op = request.POST.get("op", "")
    # A step not possible now says why, before anything runs.
    refused = {
        o.op: o.why
        for o in selectors.round_ops(round=rnd, user=request.user)
        if o.op in ("assign", "complete_review", "publish") and not o.possible
    }
    if op in refused:
        messages.error(request, refused[op])
        return redirect("certification:round-detail", rnd.pk)
    try:
        if op == "status":
            services.round_set_status(
                round=rnd,
                status=request.POST.get("status", ""),
                actor=request.user,
                reason=request.POST.get("reason", ""),
            )
        elif op == "copy":
            copy = services.round_copy(source=rnd, actor=request.user)
            messages.success(request, _("Round copied."))
            return redirect("certification:round-detail", copy.pk)
        elif op == "assign":
            report = services.experts_assign_auto(round=rnd, actor=request.user)
            messages.info(
                request,
                _("%(n)s expert assignments made; %(short)s applications still short of experts.")
                % {"n": report.created, "short": len(report.short)},
            )
        elif op in ("start_review", "complete_review"):
            batch = services.applications_transition_batch(round=rnd, action=op, actor=request.user)
            names = dict(rnd.applications.values_list("pk", "enterprise__name"))
            skipped = "；".join(
                f"{names.get(pk, pk)}：{why}" for pk, why in sorted(batch.skipped.items())
            )
            summary = _("%(done)s done, %(skipped)s skipped.") % {
                "done": len(batch.done),
                "skipped": len(batch.skipped),
            }
            if skipped:
                messages.warning(request, f"{summary} {skipped}")
            else:
                messages.success(request, summary)
        elif op == "decide":
            decisions = []
            for row in selectors.round_ranking(round=rnd):
                app = row.application
                choice = request.POST.get(f"decision_{app.pk}", "")
                if choice == "approve" and app.status == Application.Status.REVIEWED:
                    # Beyond the quota the approval carries its own reason, never the
                    # prefilled reason for not approving.
                    over = request.POST.get(f"over_quota_reason_{app.pk}", "")
                    decisions.append(services.Decision(app.pk, choice, "", over))
                elif choice == "reject" and app.status == Application.Status.REVIEWED:
                    decisions.append(
                        services.Decision(
                            app.pk,
                            choice,
                            request.POST.get(f"reason_code_{app.pk}", ""),
                            request.POST.get(f"reason_{app.pk}", ""),
                        )
                    )
            services.applications_decide(round=rnd, decisions=decisions, actor=request.user)
            messages.success(request, _("%(n)s decisions recorded.") % {"n": len(decisions)})
        elif op == "publish":
            notice = services.notice_publish(
                round=rnd,
                actor=request.user,
                starts_on=_date(request.POST.get("starts_on")),
                working_days=_int(request.POST.get("working_days")),
                body=request.POST.get("body", ""),
                contact=request.POST.get("contact", ""),
            )
            messages.success(
                request,
                _("Public notice published until %(date)s.") % {"date": notice.ends_on.isoformat()},
            )
        elif op == "certify":
            doc = services.round_certify(round=rnd, actor=request.user)
            messages.success(request, _("Decision %(number)s issued.") % {"number": doc.number})
        else:
            raise Http404
    except DomainError as error:
        _error(request, error)
    return redirect("certification:round-detail", rnd.pk)


@role_required(Role.CITY_OFFICER, Role.UNIT_OFFICER)
def round_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """Provincial recommendation list of the selected (default: all) certified enterprises;
    `?format=zip` adds each enterprise's materials."""
    rnd = _get_or_404(selectors.round_get, pk=pk, user=request.user)
    qs = selectors.certified_list_for(user=request.user, round_id=rnd.pk)
    ids = [i for i in (_int(v) for v in request.GET.getlist("id")) if i]
    if ids:
        qs = qs.filter(pk__in=ids)
    user: Any = request.user
    unit_name = user.unit.name if user.unit_id else str(_("City bureau"))
    applications = list(qs)
    as_zip = request.GET.get("format") == "zip"
    audit_export(
        actor=request.user,
        action="certification.round_export_zip" if as_zip else "certification.round_export",
        object_type="certification.round",
        obj=rnd,
        count=len(applications),
        filters={"ids": ids},
    )
    if as_zip:
        response = HttpResponse(
            documents.provincial_package_zip(applications, unit_name, rnd.year),
            content_type="application/zip",
        )
        response["Content-Disposition"] = f'attachment; filename="recommendation-{rnd.year}.zip"'
        return response
    content = documents.provincial_recommendation_xlsx(applications, unit_name)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="recommendation-{rnd.year}.xlsx"'
    return response
