"""Policy error codes and the translated messages for fact errors raised by the pure engine."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from zjtx.core.errors import DomainError

from .engine import ExpressionError, FactError


class PolicyErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    INVALID_FACTS = "invalid_facts"
    UNKNOWN_PROGRAM = "unknown_program"
    UNKNOWN_PARAMETER = "unknown_parameter"
    INVALID_VALUE = "invalid_value"
    # The engine could not compute a rule with these facts (codes of ExpressionError).
    ARITHMETIC_ERROR = "arithmetic_error"
    EVALUATION_FAILED = "evaluation_failed"
    # The computed amount is beyond what a money column stores.
    AMOUNT_OUT_OF_RANGE = "amount_out_of_range"
    CASES_FAILED = "cases_failed"
    NO_PROGRAMS = "no_programs"
    REASON_REQUIRED = "reason_required"
    ALREADY_NOTIFIED = "already_notified"
    INVALID_DATE = "invalid_date"


class PolicyEvaluationError(DomainError):
    """A program could not be evaluated with the given facts (HTTP 422)."""

    status = 422


def evaluation_failed(error: ExpressionError, program_id: str) -> PolicyEvaluationError:
    code = (
        PolicyErrorCode.ARITHMETIC_ERROR
        if error.code == PolicyErrorCode.ARITHMETIC_ERROR
        else PolicyErrorCode.EVALUATION_FAILED
    )
    message = _(
        "The program %(program)s cannot be computed with these facts; check the figures."
    ) % {"program": program_id}
    return PolicyEvaluationError(code, message, {"programs": message})


class PolicyLoadError(Exception):
    """One or more packages were refused; `problems` maps package file to its messages."""

    def __init__(self, problems: dict[str, list[str]], report: Any = None) -> None:
        self.problems = problems
        self.report = report
        lines = [f"{name}: {msg}" for name, msgs in problems.items() for msg in msgs]
        super().__init__("\n".join(lines))


def fact_error_message(error: FactError, choices: list[str] | None = None) -> str:
    """The Chinese (translated) message for an engine FactError code."""
    messages = {
        "expected_bool": _("Expected true or false."),
        "expected_date": _("Expected a date in the form YYYY-MM-DD."),
        "float_not_allowed": _("Send a decimal string or an integer, not a floating-point number."),
        "expected_number": _("Expected a number."),
        "expected_integer": _("Expected a whole number."),
        "bad_year": _("Expected a year such as 2025."),
        "too_many_decimals": _("Amounts in yuan have at most 2 decimal places."),
        "negative": _("Must not be negative."),
        "out_of_range": _("The number is out of range."),
        "too_precise": _("At most 12 decimal places."),
        "unknown_fact": _("No program uses this fact."),
    }
    if error.code == "bad_choice":
        return _("Expected one of: %(choices)s.") % {"choices": ", ".join(choices or [])}
    return messages.get(error.code, _("Invalid value."))


def invalid_facts(fields: dict[str, str]) -> DomainError:
    return DomainError(PolicyErrorCode.INVALID_FACTS, _("Some facts are invalid."), fields)
