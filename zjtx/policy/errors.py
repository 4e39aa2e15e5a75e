"""Policy error codes and the translated messages for fact errors raised by the pure engine."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zjtx.core.errors import DomainError

from .engine import FactError


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
        "unknown_fact": _("No program uses this fact."),
    }
    if error.code == "bad_choice":
        return _("Expected one of: %(choices)s.") % {"choices": ", ".join(choices or [])}
    return messages.get(error.code, _("Invalid value."))


def invalid_facts(fields: dict[str, str]) -> DomainError:
    return DomainError("invalid_facts", _("Some facts are invalid."), fields)
