"""Parameter changes (maker-checker)."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema

from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest

from .. import selectors
from ..errors import PolicyErrorCode
from ._router import FORBID_EXTRA, _parse_date, router


class ChangeIn(Schema):
    model_config = FORBID_EXTRA

    program: str
    parameter: str
    value: Any
    effective_from: str
    reason: str
    whatif_as_of: str | None = None


class ChangeDecisionIn(Schema):
    model_config = FORBID_EXTRA

    reason: str = ""


class ChangeOut(Schema):
    id: int
    program: str
    parameter: str
    value: Any
    effective_from: str
    reason: str
    status: str
    case_count: int
    whatif: dict[str, Any]
    new_version: int | None


def _change_out(change: Any) -> dict[str, Any]:
    return {
        "id": change.pk,
        "program": change.program_id,
        "parameter": change.parameter,
        "value": change.value,
        "effective_from": change.effective_from.isoformat(),
        "reason": change.reason,
        "status": change.status,
        "case_count": change.case_count,
        "whatif": change.whatif,
        "new_version": change.new_version.version if change.new_version else None,
    }


@router.post("/policy/changes", response={201: ChangeOut}, url_name="policy-change-propose")
def change_propose(request: AuthedRequest, payload: ChangeIn) -> tuple[int, dict[str, Any]]:
    """Propose a parameter value (JSON form: amounts in 元 as decimal strings)."""
    from .. import governance

    program = selectors.program_get(program_id=payload.program)
    assert program.current_version is not None
    param = selectors.package_for(version=program.current_version).parameters.get(payload.parameter)
    if param is None:
        raise DomainError(
            PolicyErrorCode.UNKNOWN_PARAMETER,
            _("The program has no such parameter."),
            {"parameter": payload.parameter},
        )
    raw = payload.value
    if isinstance(raw, dict):
        text = json.dumps(raw)
    elif isinstance(raw, bool):
        text = "true" if raw else "false"
    else:
        text = str(raw)
    change = governance.change_propose(
        program_id=payload.program,
        parameter=payload.parameter,
        value=governance.parse_value(param.type, text),
        effective_from=_parse_date(payload.effective_from),
        reason=payload.reason,
        actor=request.user,
        whatif_as_of=_parse_date(payload.whatif_as_of) if payload.whatif_as_of else None,
    )
    return 201, _change_out(change)


@router.get("/policy/changes/{change_id}", response=ChangeOut, url_name="policy-change")
def change_detail(request: AuthedRequest, change_id: int) -> dict[str, Any]:
    from .. import governance

    return _change_out(governance.change_get(user=request.user, pk=change_id))


@router.post(
    "/policy/changes/{change_id}/{decision}", response=ChangeOut, url_name="policy-change-decide"
)
def change_decide(
    request: AuthedRequest, change_id: int, decision: str, payload: ChangeDecisionIn
) -> dict[str, Any]:
    from .. import governance

    change = governance.change_get(user=request.user, pk=change_id)
    if decision == "approve":
        governance.change_approve(change=change, actor=request.user)
    elif decision == "reject":
        governance.change_reject(change=change, actor=request.user, reason=payload.reason)
    else:
        raise Http404
    return _change_out(governance.change_get(user=request.user, pk=change_id))
