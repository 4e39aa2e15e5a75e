"""The indicator catalogue, maintained by the city officer (issue: 指标目录).

An indicator's name and unit are the column header of the bureau's template, and its stored
values are read through its unit, kind and accumulation: those three and the code are frozen
once any value exists, so that no stored number changes meaning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_record, model_snapshot

from ..errors import MonitoringConflict, MonitoringError, MonitoringErrorCode
from ..imports.headers import CODE_HEADERS, NAME_HEADERS, SERIAL_HEADERS, normalize_header
from ..models import MONEY_UNIT, TEXT_UNIT, Indicator
from ..selectors.catalogue import (
    SORT_ORDER_MAX,
    indicator_has_values,
    indicator_is_built_in,
    indicator_next_sort_order,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


FIELDS = (
    "code",
    "name",
    "unit",
    "kind",
    "frequency",
    "accumulation",
    "decimal_places",
    "min_value",
    "max_value",
    "max_length",
    "sort_order",
    "active",
)
# Stored numbers are read through these: changing one would silently reinterpret them (a
# monthly figure read as a quarter's, 元 as 人...).
FROZEN_WITH_VALUES = ("code", "unit", "kind", "frequency", "accumulation")

LABELS: dict[str, str | Promise] = {
    "code": pgettext_lazy("indicator", "Code"),
    "name": pgettext_lazy("indicator", "Name"),
    "unit": pgettext_lazy("indicator", "Unit"),
    "kind": pgettext_lazy("indicator", "Kind"),
    "frequency": pgettext_lazy("indicator", "Frequency"),
    "accumulation": pgettext_lazy("indicator", "Current month or cumulative"),
    "decimal_places": pgettext_lazy("indicator", "Decimal places"),
    "min_value": pgettext_lazy("indicator", "Minimum"),
    "max_value": pgettext_lazy("indicator", "Maximum"),
    "max_length": pgettext_lazy("indicator", "Maximum text length"),
    "sort_order": pgettext_lazy("indicator", "Order"),
    "active": pgettext_lazy("indicator", "Active"),
}

CODE_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
CODE_MAX, NAME_MAX, UNIT_MAX = 40, 50, 20
MAX_DECIMAL_PLACES = 4
STORED_DECIMAL_PLACES = 2  # MonitoringValue.value keeps fen (2 places) after the unit factor
RANGE_PLACES = 4  # Indicator.min_value/max_value: decimal_places=4
RANGE_LIMIT = Decimal(10) ** 16  # max_digits=20 with 4 places
STORED_LIMIT = Decimal(10) ** 18  # MonitoringValue.value: max_digits=20 with 2 places
TEXT_LENGTH_MAX = 32767  # an Excel cell holds at most 32,767 characters
_BRACKETS = frozenset("()[]{}（）【】〔〕")
_RESERVED_HEADERS = CODE_HEADERS | NAME_HEADERS | SERIAL_HEADERS


@dataclass(frozen=True)
class Problem:
    code: str
    field: str
    message: str


def _label(field: str) -> str:
    return str(LABELS[field])


def _raise(problems: list[Problem]) -> None:
    if not problems:
        return
    fields: dict[str, str] = {}
    for problem in problems:
        fields[problem.field] = (
            f"{fields[problem.field]} {problem.message}"
            if problem.field in fields
            else problem.message
        )
    messages = list(dict.fromkeys(p.message for p in problems))  # min > max names two fields
    if len(messages) == 1:
        message = messages[0]
    else:
        message = _("Correct %(count)s fields: %(problems)s") % {
            "count": len(messages),
            "problems": " ".join(messages),
        }
    raise MonitoringError(problems[0].code, message, fields)


def _require_city(actor: User) -> None:
    require_role(
        actor,
        Role.CITY_OFFICER,
        message=_("Only the city officer can maintain the indicator catalogue."),
    )


def _text(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""


def _integer(field: str, value: Any, problems: list[Problem]) -> int | None:
    if isinstance(value, bool) or value is None or value == "":
        problems.append(
            Problem(
                MonitoringErrorCode.REQUIRED,
                field,
                _("%(field)s cannot be empty.") % {"field": _label(field)},
            )
        )
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value():
        problems.append(
            Problem(
                MonitoringErrorCode.NOT_AN_INTEGER,
                field,
                _("%(field)s must be a whole number.") % {"field": _label(field)},
            )
        )
        return None
    return int(number)


def _decimal(field: str, value: Any, problems: list[Problem]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(_text(value))
    except (InvalidOperation, ValueError, TypeError):
        number = Decimal("NaN")
    if isinstance(value, bool) or not number.is_finite():
        problems.append(
            Problem(
                MonitoringErrorCode.NOT_A_NUMBER,
                field,
                _("%(field)s must be a number.") % {"field": _label(field)},
            )
        )
        return None
    return number


def _choice(field: str, value: Any, choices: Any, problems: list[Problem]) -> str | None:
    text = _text(value)
    if text not in choices.values:
        problems.append(
            Problem(
                MonitoringErrorCode.INVALID_CHOICE,
                field,
                _("%(field)s must be one of: %(choices)s.")
                % {
                    "field": _label(field),
                    "choices": ", ".join(f"{v} ({label})" for v, label in choices.choices),
                },
            )
        )
        return None
    return text


def _assign(target: Indicator, values: Mapping[str, Any], problems: list[Problem]) -> None:
    """Normalise the given values onto `target`, noting what cannot be read at all."""
    for field, value in values.items():
        if field == "code":
            target.code = _text(value).lower()
        elif field == "name":
            # Kept as typed (no NFKC); comparisons normalise as the import does.
            target.name = str(value).strip() if value is not None else ""
        elif field == "unit":
            # "万 元" must still mean an amount (models.MONEY_UNIT).
            target.unit = "".join(str(value).split()) if value is not None else ""
        elif field == "kind":
            target.kind = _choice(field, value, Indicator.Kind, problems) or target.kind
        elif field == "frequency":
            target.frequency = (
                _choice(field, value, Indicator.Frequency, problems) or target.frequency
            )
        elif field == "accumulation":
            target.accumulation = (
                _choice(field, value, Indicator.Accumulation, problems) or target.accumulation
            )
        elif field in ("decimal_places", "max_length", "sort_order"):
            whole = _integer(field, value, problems)
            if whole is not None:
                setattr(target, field, whole)
        elif field in ("min_value", "max_value"):
            before = len(problems)
            limit = _decimal(field, value, problems)
            if len(problems) == before:
                setattr(target, field, limit)
        elif field == "active":
            if not isinstance(value, bool):
                problems.append(
                    Problem(
                        MonitoringErrorCode.INVALID_CHOICE,
                        field,
                        _("%(field)s must be true or false.") % {"field": _label(field)},
                    )
                )
            else:
                target.active = value


def _check_code(target: Indicator, problems: list[Problem]) -> None:
    code = target.code
    if not code:
        problems.append(
            Problem(
                MonitoringErrorCode.REQUIRED,
                "code",
                _("%(field)s cannot be empty.") % {"field": _label("code")},
            )
        )
    elif len(code) > CODE_MAX or not CODE_RE.match(code):
        problems.append(
            Problem(
                MonitoringErrorCode.INVALID_CODE,
                "code",
                _(
                    "The code may hold only lower-case letters, digits, underscores and hyphens, "
                    "starts with a letter and has at most %(limit)s characters (e.g. "
                    "operating_revenue); found “%(value)s”."
                )
                % {"limit": CODE_MAX, "value": code},
            )
        )
    else:
        other = Indicator.objects.filter(code=code).exclude(pk=target.pk).first()
        if other is not None:
            problems.append(
                Problem(
                    MonitoringErrorCode.CODE_TAKEN,
                    "code",
                    _("The code “%(code)s” is already used by the indicator “%(name)s”.")
                    % {"code": code, "name": other.name},
                )
            )


def _check_name(target: Indicator, problems: list[Problem]) -> None:
    name = target.name
    key = normalize_header(name)
    if not name:
        problems.append(
            Problem(
                MonitoringErrorCode.REQUIRED,
                "name",
                _("%(field)s cannot be empty.") % {"field": _label("name")},
            )
        )
    elif len(name) > NAME_MAX:
        problems.append(
            Problem(
                MonitoringErrorCode.NAME_TOO_LONG,
                "name",
                _("The name has at most %(limit)s characters; found %(length)s.")
                % {"limit": NAME_MAX, "length": len(name)},
            )
        )
    elif _BRACKETS & set(name):
        problems.append(
            Problem(
                MonitoringErrorCode.NAME_HAS_BRACKETS,
                "name",
                _(
                    "The name cannot contain brackets: the template adds the unit in brackets "
                    "itself. Enter the unit in the “Unit” field."
                ),
            )
        )
    elif key in _RESERVED_HEADERS:
        problems.append(
            Problem(
                MonitoringErrorCode.NAME_RESERVED,
                "name",
                _("“%(name)s” is a fixed column of the template and cannot name an indicator.")
                % {"name": name},
            )
        )
    else:
        # The import matches headers without spaces and after NFKC, so compare the same way.
        for other in Indicator.objects.exclude(pk=target.pk).only("code", "name"):
            if normalize_header(other.name) == key:
                problems.append(
                    Problem(
                        MonitoringErrorCode.NAME_TAKEN,
                        "name",
                        _(
                            "The name “%(name)s” is already used by the indicator with code %(code)s."
                        )
                        % {"name": name, "code": other.code},
                    )
                )
                break


def _check_numeric(target: Indicator, problems: list[Problem]) -> None:
    unit = target.unit
    if not unit:
        problems.append(
            Problem(
                MonitoringErrorCode.REQUIRED,
                "unit",
                _("Enter the unit of a numeric indicator, e.g. 万元, 千瓦时 or 人."),
            )
        )
    elif unit == TEXT_UNIT:
        problems.append(
            Problem(
                MonitoringErrorCode.UNIT_INVALID,
                "unit",
                _("A numeric indicator cannot have the unit “%(unit)s”; choose the text kind.")
                % {"unit": TEXT_UNIT},
            )
        )
    elif len(unit) > UNIT_MAX or _BRACKETS & set(unit):
        problems.append(
            Problem(
                MonitoringErrorCode.UNIT_INVALID,
                "unit",
                _("The unit has at most %(limit)s characters and no brackets.")
                % {"limit": UNIT_MAX},
            )
        )
    places = target.decimal_places
    if not 0 <= places <= MAX_DECIMAL_PLACES:
        problems.append(
            Problem(
                MonitoringErrorCode.DECIMAL_PLACES_INVALID,
                "decimal_places",
                _("Decimal places must be between 0 and %(limit)s; found %(value)s.")
                % {"limit": MAX_DECIMAL_PLACES, "value": places},
            )
        )
    elif unit and unit != MONEY_UNIT and places > STORED_DECIMAL_PLACES:
        problems.append(
            Problem(
                MonitoringErrorCode.DECIMAL_PLACES_INVALID,
                "decimal_places",
                _(
                    "Values in %(unit)s are stored with %(stored)s decimal places, so at most "
                    "%(stored)s can be entered (only 万元 amounts allow up to %(limit)s)."
                )
                % {"unit": unit, "stored": STORED_DECIMAL_PLACES, "limit": MAX_DECIMAL_PLACES},
            )
        )
    factor = Decimal(10000) if unit == MONEY_UNIT else Decimal(1)
    in_range = True
    for field in ("min_value", "max_value"):
        value = getattr(target, field)
        if value is None:
            continue
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -RANGE_PLACES:
            in_range = False
            problems.append(
                Problem(
                    MonitoringErrorCode.RANGE_INVALID,
                    field,
                    _("%(field)s may have at most %(places)s decimal places.")
                    % {"field": _label(field), "places": RANGE_PLACES},
                )
            )
        elif abs(value) >= RANGE_LIMIT or abs(value) * factor >= STORED_LIMIT:
            in_range = False
            problems.append(
                Problem(
                    MonitoringErrorCode.RANGE_INVALID,
                    field,
                    _("%(field)s is too large to be stored.") % {"field": _label(field)},
                )
            )
    low, high = target.min_value, target.max_value
    if in_range and low is not None and high is not None and low > high:
        message = _("The minimum (%(low)s) is greater than the maximum (%(high)s).") % {
            "low": f"{low.normalize():f}",
            "high": f"{high.normalize():f}",
        }
        problems.append(Problem(MonitoringErrorCode.RANGE_INVALID, "min_value", message))
        problems.append(Problem(MonitoringErrorCode.RANGE_INVALID, "max_value", message))


def _check(target: Indicator, original: Indicator | None, problems: list[Problem]) -> None:
    """Every rule of the catalogue on the assigned values; `original` is None on create."""
    _check_code(target, problems)
    _check_name(target, problems)
    if target.kind == Indicator.Kind.TEXT:
        # A text indicator has no unit, decimals or range (models.TEXT_UNIT).
        target.unit, target.decimal_places = TEXT_UNIT, 0
        target.min_value = target.max_value = None
    else:
        _check_numeric(target, problems)
    if not 1 <= target.max_length <= TEXT_LENGTH_MAX:
        problems.append(
            Problem(
                MonitoringErrorCode.MAX_LENGTH_INVALID,
                "max_length",
                _("The maximum text length must be between 1 and %(limit)s characters.")
                % {"limit": TEXT_LENGTH_MAX},
            )
        )
    if not 0 <= target.sort_order <= SORT_ORDER_MAX:
        problems.append(
            Problem(
                MonitoringErrorCode.SORT_ORDER_INVALID,
                "sort_order",
                _("The order must be between 0 and %(limit)s.") % {"limit": SORT_ORDER_MAX},
            )
        )
    if original is None:
        return
    frozen = [f for f in FROZEN_WITH_VALUES if getattr(target, f) != getattr(original, f)]
    if "kind" in frozen and "unit" in frozen:
        frozen.remove("unit")  # the unit follows the kind: report the cause only
    if "code" in frozen and indicator_is_built_in(original):
        frozen.remove("code")
        problems.append(
            Problem(
                MonitoringErrorCode.CODE_BUILT_IN,
                "code",
                _(
                    "The code of a built-in indicator cannot be changed: the dashboard and the "
                    "warning rules find the indicator by it."
                ),
            )
        )
    if not frozen or not indicator_has_values(indicator=original):
        return
    for field in frozen:
        if field == "code":
            message = _(
                "The code cannot be changed: data has already been stored for this indicator."
            )
        else:
            message = _(
                "%(field)s cannot be changed: data has already been stored for this indicator, "
                "and the stored numbers would be read as %(new)s instead of %(old)s. Create a "
                "new indicator instead."
            ) % {
                "field": _label(field),
                "new": _shown(target, field),
                "old": _shown(original, field),
            }
        problems.append(Problem(f"{field}_has_values", field, message))


def _shown(indicator: Indicator, field: str) -> str:
    if field == "kind":
        return f"“{indicator.get_kind_display()}”"
    if field == "accumulation":
        return f"“{indicator.get_accumulation_display()}”"
    if field == "frequency":
        return f"“{indicator.get_frequency_display()}”"
    return f"“{getattr(indicator, field)}”"


def _save(indicator: Indicator) -> None:
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError as exc:  # a concurrent save took the code or the name
        raise MonitoringConflict(
            MonitoringErrorCode.CATALOGUE_CONFLICT,
            _(
                "Another user saved an indicator with this code or name meanwhile. Reload and retry."
            ),
        ) from exc


def indicator_create(
    *,
    actor: User,
    code: str,
    name: str,
    unit: str = "",
    kind: str = Indicator.Kind.NUMERIC,
    frequency: str = Indicator.Frequency.MONTHLY,
    accumulation: str = Indicator.Accumulation.CURRENT_MONTH,
    decimal_places: int = 2,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    max_length: int = 2000,
    sort_order: int | None = None,
    active: bool = True,
) -> Indicator:
    """Add an indicator: unique slug code and name, a valid range (DOMAIN.md §8, §9)."""
    _require_city(actor)
    with transaction.atomic():
        if sort_order is None:
            sort_order = indicator_next_sort_order()
        indicator = Indicator()
        problems: list[Problem] = []
        _assign(
            indicator,
            {
                "code": code,
                "name": name,
                "unit": unit,
                "kind": kind,
                "frequency": frequency,
                "accumulation": accumulation,
                "decimal_places": decimal_places,
                "min_value": min_value,
                "max_value": max_value,
                "max_length": max_length,
                "sort_order": sort_order,
                "active": active,
            },
            problems,
        )
        _check(indicator, None, problems)
        _raise(problems)
        _save(indicator)
        audit_record(
            actor=actor,
            action="monitoring.indicator.create",
            obj=indicator,
            after=model_snapshot(indicator, FIELDS),
        )
    return indicator


def indicator_update(*, actor: User, indicator: Indicator, changes: Mapping[str, Any]) -> Indicator:
    """Edit an indicator; code, unit, kind, frequency and accumulation are frozen once values
    exist."""
    _require_city(actor)
    refused = sorted(set(changes) - set(FIELDS))
    if refused:
        raise MonitoringError(
            MonitoringErrorCode.FIELD_NOT_EDITABLE,
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(refused)},
            dict.fromkeys(refused, _("Not editable.")),
        )
    with transaction.atomic():
        original = Indicator.objects.select_for_update().get(pk=indicator.pk)
        target = Indicator.objects.get(pk=indicator.pk)
        problems: list[Problem] = []
        _assign(target, changes, problems)
        _check(target, original, problems)
        _raise(problems)
        changed = [f for f in FIELDS if getattr(target, f) != getattr(original, f)]
        if not changed:
            return original
        _save(target)
        if changed == ["active"]:
            action = "monitoring.indicator." + ("activate" if target.active else "deactivate")
        else:
            action = "monitoring.indicator.update"
        audit_record(
            actor=actor,
            action=action,
            obj=target,
            before=model_snapshot(original, changed),
            after=model_snapshot(target, changed),
        )
    return target
