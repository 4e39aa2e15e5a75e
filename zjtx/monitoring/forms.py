"""The indicator form of the catalogue pages; the catalogue rules live in services.catalogue."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Indicator
from .services.catalogue import FIELDS, LABELS

COMMON_UNITS = ("万元", "千瓦时", "人", "吨", "台", "件", "%")


HELP_TEXTS = {
    "code": _(
        "Lower-case letters, digits and underscores, e.g. operating_revenue. The API "
        "and the warning rules use it; it cannot change once data is stored."
    ),
    "name": _("The column header of the import template, without the unit, e.g. 营业收入."),
    "unit": _(
        "万元 marks an amount: it is entered and shown in 万元, stored in 元 "
        "(× 10,000), and the template header reads “name（万元）”. Other units "
        "(千瓦时, 人, 吨…) are stored as entered. Text indicators need no unit."
    ),
    "kind": _(
        "Text indicators take free text, such as problems and demands: unit, decimal "
        "places and range do not apply to them."
    ),
    "frequency": _("How often enterprises report the indicator."),
    "accumulation": _(
        "Current month: that month alone. Year to date: from January to that month. "
        "Period-end balance: the stock at the month's end (headcount, receivables)."
    ),
    "decimal_places": _(
        "0 for whole numbers (e.g. headcount); up to 4 for 万元 amounts, up to 2 for other units."
    ),
    "min_value": _(
        "In the unit above (万元 for amounts); empty for no limit. The import refuses "
        "values outside the range."
    ),
    "max_value": _("Catches slips such as 元 typed into a 万元 column; empty for no limit."),
    "max_length": _("For text indicators: the longest answer accepted, in characters."),
    "sort_order": _("Column order in the template and the online form; smaller first."),
    "active": _(
        "Inactive indicators leave the template and the online form; their stored data is kept."
    ),
}


class RangeField(forms.DecimalField):
    """A range limit as people type it: full-width digits and thousands separators allowed
    (hence a text input: a number input shows nothing for "10,000,000")."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).replace(",", "").replace(" ", "")
        return super().to_python(value)


class IndicatorForm(forms.ModelForm):
    """Create or edit one indicator; fields frozen by stored data are shown but disabled."""

    min_value = RangeField(required=False, max_digits=20, decimal_places=4)
    max_value = RangeField(required=False, max_digits=20, decimal_places=4)

    class Meta:
        model = Indicator
        fields = list(FIELDS)
        labels = {field: LABELS[field] for field in FIELDS}
        help_texts = HELP_TEXTS
        widgets = {
            "code": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "unit": forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off"}),
            "decimal_places": forms.NumberInput(attrs={"min": 0, "max": 4}),
            "max_length": forms.NumberInput(attrs={"min": 1}),
            "sort_order": forms.NumberInput(attrs={"min": 0}),
        }

    def __init__(self, *args: Any, frozen: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frozen = frozen
        for name in ("unit", "decimal_places", "max_length"):
            self.fields[name].required = False
        for name in frozen:
            self.fields[name].disabled = True
        for name in ("min_value", "max_value"):
            current = self.initial.get(name)
            if current is not None:  # 10,000,000 rather than 10000000.0000
                self.initial[name] = f"{current.normalize():,f}"
            # Declared fields get no label or help text from Meta.
            self.fields[name].label = str(LABELS[name])
            self.fields[name].help_text = str(HELP_TEXTS[name])
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()

    def _fallback(self, name: str) -> Any:
        """A blank optional number keeps the current value (or the model default)."""
        value = self.cleaned_data.get(name)
        if value is None:
            current = getattr(self.instance, name, None)
            return current if current is not None else getattr(Indicator(), name)
        return value

    def clean_decimal_places(self) -> Any:
        return self._fallback("decimal_places")

    def clean_max_length(self) -> Any:
        return self._fallback("max_length")

    def validate_unique(self) -> None:
        """Uniqueness is the service's rule, whose message names the indicator already using it."""

    def changes(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in FIELDS
            if name in self.cleaned_data and name not in self.frozen
        }

    @property
    def numeric_fields(self) -> list[Any]:
        return [self[n] for n in ("unit", "decimal_places", "min_value", "max_value")]

    @property
    def main_fields(self) -> list[Any]:
        return [self[n] for n in ("code", "name", "kind", "frequency", "accumulation")]

    @property
    def other_fields(self) -> list[Any]:
        return [self[n] for n in ("max_length", "sort_order", "active")]
