"""The calculator for one enterprise, with tried facts."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema

from zjtx.core.http import AuthedRequest

from ._router import FORBID_EXTRA, _parse_date, router
from .evaluate import ResultOut


class FactSourceOut(Schema):
    name: str
    value: Any
    source: str


class CalculatorIn(Schema):
    model_config = FORBID_EXTRA

    as_of: str | None = None
    facts: dict[str, Any] = {}


class CalculatorOut(Schema):
    as_of: str
    credit_code: str
    facts: list[FactSourceOut]
    results: list[ResultOut]


def _enterprise(request: AuthedRequest, credit_code: str) -> Any:
    from zjtx.enterprises.selectors import enterprise_get_for

    return enterprise_get_for(user=request.user, credit_code=credit_code)


def _calculator_out(report: Any) -> dict[str, Any]:
    from zjtx.core.audit import to_jsonable

    sheet = report.sheet
    merged = {**sheet.values, **report.tried}
    return {
        "as_of": report.as_of.isoformat(),
        "credit_code": report.enterprise.credit_code,
        "facts": [
            {
                "name": name,
                "value": to_jsonable(value),
                "source": _("Entered in the calculator (records unchanged)")
                if name in report.tried
                else sheet.sources.get(name, ""),
            }
            for name, value in sorted(merged.items())
        ],
        "results": [row.result.as_dict() for row in report.rows],
    }


@router.get(
    "/policy/enterprises/{credit_code}/calculator",
    response=CalculatorOut,
    url_name="policy-calculator",
)
def calculator(request: AuthedRequest, credit_code: str, as_of: str = "") -> dict[str, Any]:
    """Every program in force for an enterprise in scope, on its registry facts (no writes)."""
    from ..calculator import calculator_run

    day = _parse_date(as_of) if as_of else timezone.localdate()
    return _calculator_out(calculator_run(enterprise=_enterprise(request, credit_code), as_of=day))


@router.post(
    "/policy/enterprises/{credit_code}/calculator",
    response=CalculatorOut,
    url_name="policy-calculator-try",
)
def calculator_try(
    request: AuthedRequest, credit_code: str, payload: CalculatorIn
) -> dict[str, Any]:
    """The same with figures tried on top of the records (records unchanged)."""
    from ..calculator import calculator_run

    day = _parse_date(payload.as_of) if payload.as_of else timezone.localdate()
    report = calculator_run(
        enterprise=_enterprise(request, credit_code), as_of=day, tried=payload.facts
    )
    return _calculator_out(report)
