"""The audit administrator's pages (等保2.0 8.1.4.3, 8.1.5.2): search, detail, verify, export.

Only the audit administrator sees them; everybody else gets 404. The auditor's own exports
and chain checks are audited too.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.permissions import role_required
from zjtx.core.http import AuthedRequest

from .audit import audit_record, audit_verify
from .audit_labels import compose_action_label
from .models import AuditEvent
from .xlsx import XLSX_CONTENT_TYPE, build_table_xlsx

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
PROBLEMS_SHOWN = 50

# Readable names of the actions; actions not listed here are shown by their code.
ACTION_LABELS: dict[str, Any] = {
    "auth.login": gettext_lazy("Login"),
    "auth.login_failed": gettext_lazy("Failed login"),
    "auth.lockout": gettext_lazy("Account locked"),
    "auth.login_blocked": gettext_lazy("Login attempt while locked"),
    "auth.logout": gettext_lazy("Logout"),
    "auth.otp_verified": gettext_lazy("Second factor verified"),
    "auth.otp_failed": gettext_lazy("Second factor failed"),
    "auth.otp_enrol": gettext_lazy("Authenticator registered"),
    "auth.password_change": gettext_lazy("Password changed"),
    "user.create": gettext_lazy("User created"),
    "user.update": gettext_lazy("User changed"),
    "user.role_change": gettext_lazy("Role or scope changed"),
    "user.deactivate": gettext_lazy("User deactivated"),
    "user.reactivate": gettext_lazy("User reactivated"),
    "user.password_reset": gettext_lazy("Password reset by administrator"),
    "user.otp_reset": gettext_lazy("Authenticator reset"),
    "security.policy_change": gettext_lazy("Security policy changed"),
    "security.unlock": gettext_lazy("Account unlocked"),
    "token.create": gettext_lazy("API token created"),
    "token.revoke": gettext_lazy("API token revoked"),
    "audit.export": gettext_lazy("Audit log exported"),
    "audit.verify": gettext_lazy("Audit chain verified"),
    # Exports and bulk reads (issue 16): who took which slice of the data.
    "subsidies.ledger_export": gettext_lazy("Subsidy payout ledger exported"),
    "subsidies.budget_export": gettext_lazy("Subsidy budgets exported"),
    "certification.round_export": gettext_lazy("Recommendation list exported"),
    "certification.round_export_zip": gettext_lazy(
        "Recommendation package with all materials exported"
    ),
    "certification.approval_form": gettext_lazy("Approval form opened"),
    "monitoring.catalogue_export": gettext_lazy("Indicator catalogue exported"),
    "monitoring.template_download": gettext_lazy("Monitoring template downloaded"),
    "enterprise.api_list": gettext_lazy("Enterprise list read through the API"),
    "subsidies.api_application_list": gettext_lazy("Subsidy applications read through the API"),
    "subsidies.api_ledger": gettext_lazy("Subsidy ledger read through the API"),
    "subsidies.api_budgets": gettext_lazy("Subsidy budgets read through the API"),
    "certification.api_application_list": gettext_lazy(
        "Certification applications read through the API"
    ),
    "certification.api_expert_list": gettext_lazy("Expert pool read through the API"),
    "certification.api_expert_user_list": gettext_lazy("Expert users read through the API"),
    "certification.api_ranking": gettext_lazy("Round ranking read through the API"),
    "certification.api_objection_list": gettext_lazy("Objections read through the API"),
    "certification.api_change_report_list": gettext_lazy("Change reports read through the API"),
    "monitoring.api_warning_list": gettext_lazy("Monitoring warnings read through the API"),
}


def object_type_label(code: str) -> str:
    """`accounts.user` -> the model's verbose name, e.g. 用户."""
    try:
        model = apps.get_model(code)
    except (LookupError, ValueError):
        return compose_action_label(code) or code
    return str(model._meta.verbose_name)


def action_label(code: str) -> str:
    """The Chinese name of an action: its own name, else built from its parts (audit_labels)."""
    label = ACTION_LABELS.get(code)
    if label:
        return str(label)
    return compose_action_label(code) or code


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    username = forms.CharField(
        label=gettext_lazy("Username"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    object_type = forms.ChoiceField(
        label=gettext_lazy("Object type"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    result = forms.ChoiceField(
        label=gettext_lazy("Result"),
        required=False,
        choices=[("", gettext_lazy("All")), *AuditEvent.Result.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = set(AuditEvent.objects.values_list("action", flat=True).distinct())
        actions |= set(ACTION_LABELS)
        self.fields["action"].choices = [("", _("All"))] + [  # type: ignore[attr-defined]
            (code, action_label(code)) for code in sorted(actions)
        ]
        types = AuditEvent.objects.exclude(object_type="").values_list("object_type", flat=True)
        self.fields["object_type"].choices = [("", _("All"))] + [  # type: ignore[attr-defined]
            (t, object_type_label(t)) for t in sorted(set(types.distinct()))
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_event_search(filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Events matching the auditor's filters, newest first."""
    qs = AuditEvent.objects.all()
    if filters.get("date_from"):
        qs = qs.filter(created_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(created_at__lt=_day_start(filters["date_to"] + timedelta(days=1)))
    if filters.get("username"):
        qs = qs.filter(actor_username__icontains=filters["username"].strip())
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("result"):
        qs = qs.filter(result=filters["result"])
    return qs.order_by("-id")


def _filters(request: AuthedRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, {k: v for k, v in form.cleaned_data.items() if v}
    return form, {}


@role_required(Role.AUDITOR)
def audit_list(request: AuthedRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = Paginator(audit_event_search(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.action_label = action_label(event.action)  # type: ignore[attr-defined]
        event.object_type_label = object_type_label(event.object_type)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _pretty(data: Any) -> str:
    if data is None:
        return ""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def _changes(before: Any, after: Any) -> list[dict[str, Any]]:
    """Key-by-key rows for two JSON objects, changed keys flagged."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        return []
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    rows = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        rows.append(
            {
                "key": key,
                "before": "—" if key not in before else _pretty(old),
                "after": "—" if key not in after else _pretty(new),
                "changed": key not in before or key not in after or old != new,
            }
        )
    return rows


@role_required(Role.AUDITOR)
def audit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent, pk=pk)
    return render(
        request,
        "core/audit_detail.html",
        {
            "event": event,
            "action_label": action_label(event.action),
            "object_type_label": object_type_label(event.object_type),
            "changes": _changes(event.before, event.after),
            "before_json": _pretty(event.before),
            "after_json": _pretty(event.after),
        },
    )


@role_required(Role.AUDITOR)
@require_POST
def audit_verify_view(request: AuthedRequest) -> HttpResponse:
    problems = list(audit_verify())
    total = AuditEvent.objects.count()
    broken = sorted({p.event_id for p in problems})
    audit_record(
        actor=request.user,
        action="audit.verify",
        object_type="core.auditevent",
        success=not problems,
        after={"events": total, "broken_event_ids": broken[:PROBLEMS_SHOWN]},
    )
    if problems:
        shown = ", ".join(str(i) for i in broken[:PROBLEMS_SHOWN])
        more = len(broken) - PROBLEMS_SHOWN
        message = _(
            "The audit chain is broken: %(count)d event(s) were altered or removed. "
            "Event IDs: %(ids)s"
        ) % {"count": len(broken), "ids": shown}
        if more > 0:
            message += " " + _("and %(more)d more.") % {"more": more}
        messages.error(request, message)
    else:
        messages.success(
            request,
            _("The audit chain is intact: %(count)d events verified.") % {"count": total},
        )
    return redirect("audit:list")


def _filter_summary(filters: dict[str, Any]) -> str:
    labels = {
        "date_from": _("From"),
        "date_to": _("To"),
        "username": _("Username"),
        "action": _("Action"),
        "object_type": _("Object type"),
        "result": _("Result"),
    }
    parts = []
    for key, label in labels.items():
        if key in filters:
            value = filters[key]
            if key == "action":
                value = action_label(value)
            elif key == "object_type":
                value = object_type_label(value)
            elif key == "result":
                value = AuditEvent.Result(value).label
            parts.append(f"{label}：{value}")
    return "；".join(parts) or _("All events")


@role_required(Role.AUDITOR)
def audit_export(request: AuthedRequest) -> HttpResponse:
    form, filters = _filters(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filter before exporting."))
        return redirect("audit:list")
    qs = audit_event_search(filters)[:EXPORT_LIMIT]
    now = timezone.localtime()
    rows = [
        (
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_username,
            action_label(e.action),
            object_type_label(e.object_type) if e.object_type else "",
            e.object_id,
            e.object_repr,
            e.get_result_display(),
            e.ip or "",
            _pretty(e.before),
            _pretty(e.after),
            e.request_id,
            e.id,
        )
        for e in qs.iterator(2000)
    ]
    audit_record(
        actor=request.user,
        action="audit.export",
        object_type="core.auditevent",
        after={"filters": {k: str(v) for k, v in filters.items()}, "rows": len(rows)},
    )
    headers = [
        _("Time"),
        _("Username"),
        _("Action"),
        _("Object type"),
        _("Object ID"),
        _("Object"),
        _("Result"),
        _("IP address"),
        _("Before"),
        _("After"),
        _("Request ID"),
        _("Event ID"),
    ]
    content = build_table_xlsx(
        title=str(_("Audit log")),
        subtitle=_filter_summary(filters),
        unit_note=_("Exported by %(user)s at %(time)s")
        % {"user": request.user.get_username(), "time": now.strftime("%Y-%m-%d %H:%M")},
        headers=[str(h) for h in headers],
        rows=rows,
        sheet_name=str(_("Audit log")),
        number_format="0",
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"audit-{now:%Y%m%d-%H%M%S}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
