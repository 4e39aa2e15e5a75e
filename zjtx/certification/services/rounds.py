# mypy: disallow-untyped-defs
"""Rounds (年度申报): create, change, open, close or reopen (`workflow.ROUND`), and copy."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from zjtx.core.audit import to_jsonable
from zjtx.core.errors import Conflict, DomainError
from zjtx.core.workflow import TransitionConflict, WorkflowErrorCode, run
from zjtx.policy.selectors import program_get

from ..errors import CertificationError, CertificationErrorCode
from ..models import (
    Round,
)
from ..workflow import ROUND
from ._common import (
    _audit,
    _default_materials,
    _default_rubric,
    _require_city,
    _shift_year,
    _stringify,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


ROUND_FIELDS = (
    "year",
    "title",
    "program_id",
    "quota",
    "unit_quotas",
    "opens_on",
    "closes_on",
    "required_materials",
    "announcement",
    "rubric",
    "experts_per_application",
    "aggregation",
    "notice_working_days",
    "issuer_code",
)


# The columns' own limits (and the domain's), so a page form fails on the field, not the INSERT.
ROUND_RANGES: dict[str, tuple[int, int]] = {
    "year": (2000, 2100),
    "quota": (0, 100_000),
    "experts_per_application": (1, 15),
    "notice_working_days": (1, 30),
}
ROUND_LENGTHS: dict[str, tuple[int, int]] = {
    "title": (1, 200),
    "program_id": (1, 64),
    "issuer_code": (1, 20),
}
RUBRIC_MAX_POINTS = Decimal(1000)


def _column(name: str) -> models.Field[Any, Any]:
    field = Round._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _validate_round(values: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}

    def value_of(name: str) -> Any:  # an omitted value takes the column's default
        return values[name] if name in values else _column(name).get_default()

    for name, (low, high) in ROUND_RANGES.items():
        value = value_of(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[name] = _("%(field)s must be between %(low)s and %(high)s.") % {
                "field": _column(name).verbose_name,
                "low": low,
                "high": high,
            }
    for name, (shortest, longest) in ROUND_LENGTHS.items():
        if not shortest <= len(str(value_of(name) or "").strip()) <= longest:
            errors[name] = _("%(field)s must have %(low)s to %(high)s characters.") % {
                "field": _column(name).verbose_name,
                "low": shortest,
                "high": longest,
            }
    if values["closes_on"] < values["opens_on"]:
        errors["closes_on"] = _("The window must close after it opens.")
    try:
        program_get(program_id=values["program_id"])
    except DomainError:
        errors["program_id"] = _("No such policy program.")
    rubric = values.get("rubric") or []
    ids = set()
    for i, item in enumerate(rubric):
        try:
            points = Decimal(str(item.get("max_points")))
            if not (points.is_finite() and 0 < points <= RUBRIC_MAX_POINTS):
                raise InvalidOperation
            if points != points.quantize(Decimal("0.01")):
                raise InvalidOperation
        except (InvalidOperation, TypeError):
            errors[f"rubric.{i}"] = _("Each indicator needs positive maximum points.")
        if not item.get("id") or item.get("id") in ids:
            errors[f"rubric.{i}"] = _("Each indicator needs a unique id.")
        ids.add(item.get("id"))
    for code, n in (values.get("unit_quotas") or {}).items():
        if not isinstance(n, int) or not 0 <= n <= ROUND_RANGES["quota"][1]:
            errors[f"unit_quotas.{code}"] = _("A unit quota is a whole number.")
    if values.get("aggregation") not in Round.Aggregation.values:
        errors["aggregation"] = _("Unknown aggregation method.")
    if errors:
        raise CertificationError(
            CertificationErrorCode.INVALID_ROUND, _("The round has invalid fields."), errors
        )


@transaction.atomic
def round_create(*, actor: User, **values: Any) -> Round:
    """Open a year's call with its criteria package, quota (default 50, seed 三(四)) and window."""
    _require_city(actor)
    data = {k: values[k] for k in ROUND_FIELDS if k in values and values[k] is not None}
    data.setdefault("quota", 50)
    data.setdefault("required_materials", _stringify(_default_materials()))
    data.setdefault("rubric", _stringify(_default_rubric()))
    data.setdefault("aggregation", Round.Aggregation.MEAN)
    data.setdefault("unit_quotas", {})
    _validate_round(data)
    rnd = Round.objects.create(created_by=actor, **data)
    _audit(
        actor,
        "round_create",
        rnd,
        after={k: data[k] for k in ("year", "title", "program_id", "quota")},
    )
    return rnd


@transaction.atomic
def round_update(*, round: Round, actor: User, **values: Any) -> Round:
    """Change a round's settings; the criteria package is fixed once applications exist."""
    _require_city(actor)
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if (
        "program_id" in values
        and values["program_id"] != rnd.program_id
        and rnd.applications.exists()
    ):
        raise Conflict(
            CertificationErrorCode.ROUND_HAS_APPLICATIONS,
            _("Applications exist; the criteria are fixed."),
        )
    data = {k: getattr(rnd, k) for k in ROUND_FIELDS}
    before = to_jsonable(dict(data))
    data.update({k: v for k, v in values.items() if k in ROUND_FIELDS and v is not None})
    _validate_round(data)
    for k, v in data.items():
        setattr(rnd, k, v)
    rnd.save()
    _audit(actor, "round_update", rnd, before=before, after=to_jsonable(data))
    return rnd


def round_set_status(*, round: Round, status: str, actor: User, reason: str = "") -> Round:
    """Open (announce), close, or reopen a round with a written reason (`workflow.ROUND`).

    A move the table does not have (back to draft, open → open) is `transition_not_allowed`."""
    if status not in Round.Status.values:
        raise CertificationError(CertificationErrorCode.INVALID_STATUS, _("Unknown round status."))
    if status == Round.Status.DRAFT:
        raise TransitionConflict(
            WorkflowErrorCode.TRANSITION_NOT_ALLOWED, _("A round cannot go back to draft.")
        )
    if status == Round.Status.CLOSED:
        action = "close"
    else:
        action = "reopen" if round.status == Round.Status.CLOSED else "announce"
    result: Round = run(ROUND, round, action, actor=actor, reason=reason)
    return result


@transaction.atomic
def round_copy(*, source: Round, actor: User, year: int | None = None) -> Round:
    """Copy last year's round in one click: same settings, dates moved on, as a draft."""
    _require_city(actor)
    year = year or source.year + 1
    shift = year - source.year
    title = source.title.replace(str(source.year), str(year))
    if title == source.title:
        title = f"{year} {source.title}"
    rnd = Round.objects.create(
        year=year,
        title=title,
        program_id=source.program_id,
        quota=source.quota,
        unit_quotas=dict(source.unit_quotas),
        opens_on=_shift_year(source.opens_on, shift),
        closes_on=_shift_year(source.closes_on, shift),
        required_materials=list(source.required_materials),
        announcement=source.announcement.replace(str(source.year), str(year)),
        rubric=list(source.rubric),
        experts_per_application=source.experts_per_application,
        aggregation=source.aggregation,
        notice_working_days=source.notice_working_days,
        issuer_code=source.issuer_code,
        copied_from=source,
        created_by=actor,
    )
    _audit(actor, "round_copy", rnd, after={"from": source.pk, "year": year})
    return rnd
