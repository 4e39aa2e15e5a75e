"""Forms: the calculator's gap-filling inputs (built from the facts a program still misses)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zjtx.core.money import wan_to_yuan

from .engine import FactSpec

PREFIX = "fact__"


def fact_field(spec: FactSpec) -> forms.Field:
    """A form field for one fact; amounts are typed in 万元 and converted to 元 exactly."""
    label = spec.description
    if spec.type == "bool":
        return forms.TypedChoiceField(
            label=label,
            required=False,
            choices=[("", _("Not filled")), ("true", _("Yes")), ("false", _("No"))],
            coerce=lambda v: v == "true",
            empty_value=None,
        )
    if spec.type == "enum":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", _("Not filled")), *spec.values.items()],
        )
    if spec.type == "decimal_yuan":
        return forms.DecimalField(
            label=label, required=False, decimal_places=6, help_text=_("10k yuan (万元)")
        )
    if spec.type in ("int", "year"):
        return forms.IntegerField(label=label, required=False, help_text=spec.unit)
    if spec.type == "date":
        return forms.DateField(label=label, required=False)
    return forms.DecimalField(label=label, required=False, help_text=spec.unit)


class FactsForm(forms.Form):
    """Inputs named fact__<name>; `facts()` gives engine input values (元 for amounts)."""

    def __init__(self, specs: Iterable[FactSpec], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs: dict[str, FactSpec] = {}
        for spec in specs:
            self.specs[spec.name] = spec
            self.fields[PREFIX + spec.name] = fact_field(spec)

    def facts(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spec in self.specs.items():
            value = self.cleaned_data.get(PREFIX + name)
            if value is None or value == "":
                continue
            if spec.type == "decimal_yuan":
                value = str(wan_to_yuan(value))
            elif spec.type == "date" and isinstance(value, date):
                value = value.isoformat()
            elif spec.type in ("decimal", "percent"):
                value = str(value)
            out[name] = value
        return out

    def apply_errors(self, fields: Mapping[str, str]) -> None:
        for key, message in fields.items():
            name = key.removeprefix("facts.")
            if PREFIX + name in self.fields:
                self.add_error(PREFIX + name, message)
            else:
                self.add_error(None, message)


def tried_specs(data: Mapping[str, Any], specs: Mapping[str, FactSpec]) -> list[FactSpec]:
    """The specs of every fact named in submitted data (fields posted back stay on the form)."""
    return [
        specs[k[len(PREFIX) :]] for k in data if k.startswith(PREFIX) and k[len(PREFIX) :] in specs
    ]
