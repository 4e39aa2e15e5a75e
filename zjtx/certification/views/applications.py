"""Application pages: detail, edit, materials, transitions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.permissions import role_required
from zjtx.core.audit import audit_export, audit_record
from zjtx.core.errors import DomainError, NotFound
from zjtx.core.files import serve_upload
from zjtx.core.http import AuthedRequest
from zjtx.core.timeline import timeline_build

from .. import permissions, selectors, services
from ..models import (
    ChangeReport,
    ExpertAssignment,
    Material,
)
from ..workflow import APPLICATION
from ._common import (
    BUSINESS,
    _error,
    _get_or_404,
    _int,
)


@require_POST
@role_required(Role.ENTERPRISE)
def application_create(request: AuthedRequest, round_pk: int) -> HttpResponse:
    rnd = _get_or_404(selectors.round_get, pk=round_pk, user=request.user)
    try:
        app = services.application_create(round=rnd, actor=request.user)
    except DomainError as error:
        _error(request, error)
        return redirect("certification:round-detail", rnd.pk)
    return redirect("certification:application-detail", app.pk)


@role_required(*BUSINESS)
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    app = _get_or_404(selectors.application_get, pk=pk, user=user)
    assignment = selectors.assignment_for(user=user, application=app)
    fields = []
    for f in app.form_schema.get("fields", []):
        entry = app.data.get(f["name"]) or {}
        value = entry.get("value")
        if f.get("values") and value in f["values"]:
            value = f["values"][value]
        fields.append({"def": f, "entry": entry, "display": value})
    present: dict[str, list[Material]] = {}
    for m in app.materials.all():
        present.setdefault(m.kind, []).append(m)
    materials = [
        {"spec": m, "files": present.get(m["code"], [])}
        for m in app.form_schema.get("materials", [])
    ]
    context: dict[str, Any] = {
        "app": app,
        "fields": fields,
        "materials": materials,
        "can_edit": permissions.can_edit(user, app),
        "actions": selectors.actions_for(user=user, application=app),
        "blocked": selectors.blocked_actions_for(user=user, application=app),
        "events": [
            (
                e,
                APPLICATION.transitions[e.action].label
                if e.action in APPLICATION.transitions
                else e.action,
            )
            for e in selectors.application_events(application=app)
        ],
        "timeline": timeline_build(app),
        "assignment": assignment,
        "rubric": app.form_schema.get("rubric") or app.round.rubric,
        "rubric_titles": {
            i.get("id"): i.get("title") or i.get("id")
            for i in (app.form_schema.get("rubric") or app.round.rubric or [])
        },
        "decline_reasons": ExpertAssignment.DeclineReason.choices,
        "result": (app.self_assessment or {}).get("result"),
        "history": selectors.tier_history(enterprise_id=app.enterprise_id, user=user),
        "annual_updates": app.annual_updates.order_by("-year"),
        "change_reports": app.change_reports.order_by("-reported_at"),
        "change_kinds": ChangeReport.Kind.choices,
        "update_year": timezone.localdate().year - 1,
    }
    if permissions.can_see_scores(user):
        panel = list(selectors.assignments_of(application=app))
        context["panel"] = panel
        index = selectors.ConflictIndex.load()
        on_panel = {a.expert_id for a in panel}
        context["candidates"] = [
            (
                e,
                selectors.expert_conflicts(expert=e, application=app, index=index),
                selectors.expertise_matches(expert=e, application=app),
            )
            for e in selectors.expert_pool()
            if e.pk not in on_panel
        ]
        context["conflict_labels"] = {k: _(v) for k, v in selectors.CONFLICT_LABELS.items()}
    return render(request, "certification/application_detail.html", context)


@role_required(Role.ENTERPRISE)
def application_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    if not permissions.can_edit(request.user, app):
        messages.error(request, _("The application cannot be edited now."))
        return redirect("certification:application-detail", app.pk)
    schema = app.form_schema.get("fields", [])
    if request.method == "POST":
        values: dict[str, Any] = {}
        for f in schema:
            raw = request.POST.get(f["name"], "")
            if f["type"] == "bool":
                values[f["name"]] = {"true": True, "false": False}.get(raw)
            else:
                values[f["name"]] = raw.strip() or None
        try:
            services.application_update_data(application=app, values=values, actor=request.user)
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, _("Saved. The self-assessment was updated."))
            return redirect("certification:application-detail", app.pk)
    rows = [{"def": f, "entry": app.data.get(f["name"]) or {}} for f in schema]
    return render(request, "certification/application_edit.html", {"app": app, "rows": rows})


@require_POST
@role_required(Role.ENTERPRISE)
def application_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """The enterprise deletes its own draft."""
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    try:
        services.application_delete(application=app, actor=request.user)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as error:
        _error(request, error)
        return redirect("certification:application-detail", app.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("certification:home")


@require_POST
@role_required(Role.ENTERPRISE)
def material_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            services.material_upload(
                application=app,
                kind=request.POST.get("kind", ""),
                name=upload.name or "",
                content=upload.read(services.MATERIAL_MAX_BYTES + 1),
                actor=request.user,
            )
        except DomainError as error:
            _error(request, error)
    return redirect("certification:application-detail", app.pk)


@require_POST
@role_required(Role.ENTERPRISE)
def material_delete(request: AuthedRequest, pk: int, material_pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    material = app.materials.filter(pk=material_pk).first()
    if material is None:
        raise Http404
    try:
        services.material_delete(material=material, actor=request.user)
    except DomainError as error:
        _error(request, error)
    return redirect("certification:application-detail", app.pk)


@role_required(*BUSINESS)
def material_download(request: AuthedRequest, pk: int, material_pk: int) -> FileResponse:
    """Materials are never public: the application must be in the user's scope."""
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    material: Material | None = app.materials.filter(pk=material_pk).first()
    if material is None:
        raise Http404
    audit_record(
        actor=request.user,
        action="certification.material_download",
        obj=material,
        after={"application": app.pk, "kind": material.kind, "sha256": material.sha256},
    )
    return serve_upload(material.file, download_stem=f"material-{app.pk}-{material.pk}")


@require_POST
@role_required(*BUSINESS)
def application_transition(request: AuthedRequest, pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    action = request.POST.get("action", "")
    if action not in APPLICATION.transitions:
        raise Http404
    try:
        services.application_transition(
            application=app,
            action=action,
            actor=request.user,
            reason_code=request.POST.get("reason_code", ""),
            reason=request.POST.get("reason", ""),
            rank=_int(request.POST.get("rank")),
            opinion=request.POST.get("opinion", ""),
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(
            request, _("Done: %(label)s") % {"label": APPLICATION.transitions[action].label}
        )
    if selectors.application_qs_for(user=request.user).filter(pk=app.pk).exists():
        return redirect("certification:application-detail", app.pk)
    return redirect("certification:home")


@role_required(Role.CITY_OFFICER, Role.UNIT_OFFICER)
def approval_form(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable 审批表 with one opinion box per level: unit, experts, city (DOMAIN §9)."""
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    events = {e.action: e for e in selectors.application_events(application=app)}
    panel = [
        a
        for a in selectors.assignments_of(application=app)
        if a.status == ExpertAssignment.Status.SUBMITTED
    ]
    fields = [
        (f["label"], (app.data.get(f["name"]) or {}).get("value"), f.get("unit", ""))
        for f in app.form_schema.get("fields", [])
    ]
    audit_export(actor=request.user, action="certification.approval_form", obj=app, count=1)
    return render(
        request,
        "certification/approval_form.html",
        {
            "app": app,
            "fields": fields,
            "recommend": events.get("recommend"),
            "decision": events.get("approve") or events.get("reject"),
            "panel": panel,
        },
    )
