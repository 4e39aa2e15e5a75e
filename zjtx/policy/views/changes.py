"""Governance (maker-checker): parameters in force, proposed changes and their decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.errors import DomainError, ErrorCode
from zjtx.core.http import AuthedRequest
from zjtx.core.money import format_wan, wan_to_yuan
from zjtx.policy.errors import PolicyErrorCode

from .. import governance
from ..selectors import package_for, packages_current
from ..workflow import can_decide


def _require_city(request: AuthedRequest) -> None:
    require_role(request.user, Role.CITY_OFFICER, hide=True)


def _parameters() -> list[dict[str, Any]]:
    rows = []
    for package in sorted(packages_current().values(), key=lambda p: p.id):
        for name, param in package.parameters.items():
            rows.append(
                {
                    "key": f"{package.id}:{name}",
                    "program": package,
                    "name": name,
                    "param": param,
                    "values": [
                        {
                            "from": v.effective_from,
                            "value": display_parameter(param.type, v.value),
                            "table": parameter_table(package, param.type, v.value),
                            "source": source_text(v.source),
                        }
                        for v in param.values
                    ],
                }
            )
    return rows


# Codes that parameter tables use as keys, in Chinese (the facts' own values and descriptions
# come from the package).
KEY_LABELS = {
    "large": "大型",
    "medium": "中型",
    "small": "小型",
    "micro": "微型",
    "national": "国家级",
    "provincial": "省级",
    "municipal": "市级",
    "city": "市级",
    "county": "县级",
    "other": "其他",
    "as_declared": "按申报售价",
    "exclude_vat": "按不含税金额折算",
    "include_vat": "含增值税",
}


def _key_label(package: Any, key: str) -> str:
    key = str(key)
    if key in KEY_LABELS:
        return KEY_LABELS[key]
    label = package.enum_labels.get(key) if package is not None else None
    if label:
        return str(label)
    spec = package.facts.get(key) if package is not None else None
    if spec is not None and spec.description:
        return str(spec.description)
    other = package.parameters.get(key) if package is not None else None
    if other is not None and other.description:
        return str(other.description)
    return key


def _leaf(param_type: str, key: str, value: Any) -> str:
    if isinstance(value, bool):
        return str(_("Yes")) if value else str(_("No"))
    if value is None:
        return "—"
    if param_type == "decimal_yuan" or str(key).endswith("_yuan"):
        try:
            return _("%(amount)s 10k yuan") % {"amount": format_wan(Decimal(str(value)))}
        except ArithmeticError:
            return str(value)
    if str(key).endswith("_pct"):
        return f"{value}%"
    if isinstance(value, list | tuple):
        return "、".join(_key_label(None, v) for v in value)
    return KEY_LABELS.get(str(value), str(value))


def parameter_table(package: Any, param_type: str, value: Any) -> list[dict[str, str]]:
    """A table parameter as rows a person reads: {"key": "工业 · 大型", "value": "从业人员 1000；
    营业收入 40,000.00万元"}; empty for a single value (shown by display_parameter)."""
    if not isinstance(value, dict):
        return []
    rows: list[dict[str, str]] = []

    def walk(path: list[str], node: dict[str, Any]) -> None:
        leaves = {k: v for k, v in node.items() if not isinstance(v, dict)}
        if leaves:
            text = "；".join(
                f"{_key_label(package, k)} {_leaf(param_type, k, v)}" for k, v in leaves.items()
            )
            rows.append({"key": " · ".join(path) or "—", "value": text})
        for k, v in node.items():
            if isinstance(v, dict):
                walk([*path, _key_label(package, k)], v)

    if all(not isinstance(v, dict) for v in value.values()):
        for k, v in value.items():
            rows.append({"key": _key_label(package, k), "value": _leaf(param_type, k, v)})
        return rows
    walk([], value)
    return rows


def _with_labels(changes: Any, rows: list[dict[str, Any]]) -> list[Any]:
    """Each proposal with its parameter's description (never the parameter's code)."""
    names = {(row["program"].id, row["name"]): row["param"].description for row in rows}
    out = list(changes)
    for change in out:
        change.parameter_label = names.get((change.program_id, change.parameter), "")
    return out


def source_text(source: str) -> str:
    """The clause a value comes from, without the platform's internal design-document marks."""
    import re

    return re.sub(r"DOMAIN\.md\s*§\s*[\d.]+\s*", "", str(source or "")).strip() or "—"


def display_parameter(param_type: str, value: Any) -> str:
    if value is None:
        return "—"
    if param_type == "decimal_yuan":
        return _("%(amount)s 10k yuan") % {"amount": format_wan(Decimal(str(value)))}
    if isinstance(value, dict):
        return "；".join(f"{k}: {display_parameter(param_type, v)}" for k, v in value.items())
    if isinstance(value, bool):
        return str(_("Yes")) if value else str(_("No"))
    return KEY_LABELS.get(str(value), str(value))


@require_http_methods(["GET", "POST"])
@login_required
def governance_home(request: AuthedRequest) -> HttpResponse:
    """Parameters with their dated values, proposals, and the form to propose a change."""
    _require_city(request)
    rows = _parameters()
    types = {row["key"]: row["param"].type for row in rows}
    error: DomainError | None = None
    if request.method == "POST":
        key = request.POST.get("target") or ""
        program_id, _sep, parameter = key.partition(":")
        if not program_id:
            program_id = request.POST.get("program", "")
            parameter = request.POST.get("parameter", "")
            key = f"{program_id}:{parameter}"
        try:
            if key not in types:
                raise DomainError(
                    PolicyErrorCode.UNKNOWN_PARAMETER, _("The program has no such parameter.")
                )
            text = request.POST.get("value", "")
            if types[key] == "decimal_yuan":
                try:
                    text = str(wan_to_yuan(text))
                except ValueError:
                    text = "x"
            effective = date.fromisoformat(request.POST.get("effective_from", ""))
            whatif_text = request.POST.get("whatif_as_of") or ""
            change = governance.change_propose(
                program_id=program_id,
                parameter=parameter,
                value=governance.parse_value(types[key], text),
                effective_from=effective,
                reason=request.POST.get("reason", ""),
                actor=request.user,
                whatif_as_of=date.fromisoformat(whatif_text) if whatif_text else None,
            )
        except ValueError:
            error = DomainError(ErrorCode.INVALID_INPUT, _("Enter the dates as YYYY-MM-DD."))
        except DomainError as exc:
            error = exc
        else:
            return redirect("policy:change-detail", pk=change.pk)
    return render(
        request,
        "policy/governance.html",
        {
            "rows": rows,
            "changes": _with_labels(governance.change_list_for(user=request.user)[:50], rows),
            "error": error,
            "post": request.POST,
            "today": timezone.localdate(),
        },
    )


@login_required
def change_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    change = governance.change_get(user=request.user, pk=pk)
    package = package_for(version=change.base_version)
    param = package.parameters.get(change.parameter)
    whatif = change.whatif or {}
    return render(
        request,
        "policy/change_detail.html",
        {
            "change": change,
            "package": package,
            "param": param,
            "new_value": display_parameter(param.type if param else "", change.value),
            "whatif": whatif,
            "budget_effect": Decimal(whatif.get("budget_effect_yuan") or 0),
            "can_decide": can_decide(change, request.user),
        },
    )


@require_POST
@login_required
def change_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    change = governance.change_get(user=request.user, pk=pk)
    try:
        version = governance.change_approve(change=change, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Approved: version %(version)s is now current.") % {"version": version.version},
        )
    return redirect("policy:change-detail", pk=change.pk)


@require_POST
@login_required
def change_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    change = governance.change_get(user=request.user, pk=pk)
    try:
        governance.change_reject(
            change=change, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("policy:change-detail", pk=change.pk)
