"""The size calculator form: amounts typed in 万元, handed on as exact Decimal 元."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .sizing import WAN, normalize_industry_code

# The calculator's field for each input name of size_class_for().
FORM_FIELD_FOR_INPUT = {
    "industry_code": "industry_code",
    "employees": "employees",
    "revenue_yuan": "revenue_wan",
    "total_assets_yuan": "total_assets_wan",
}


class SizeCalculatorForm(forms.Form):
    industry_code = forms.CharField(
        label=_("Industry code (GB/T 4754-2017)"),
        max_length=10,
        help_text=_("For example C3670, F5191 or I6513; a bare number such as 3670 also works."),
        widget=forms.TextInput(attrs={"list": "industry-options", "autocomplete": "off"}),
    )
    employees = forms.IntegerField(
        label=_("Employees (persons)"), required=False, min_value=0, max_value=10_000_000
    )
    revenue_wan = forms.DecimalField(
        label=_("Operating revenue (10k yuan)"),
        required=False,
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=6,
    )
    total_assets_wan = forms.DecimalField(
        label=_("Total assets (10k yuan)"),
        required=False,
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=6,
    )

    def clean_industry_code(self) -> str:
        return normalize_industry_code(self.cleaned_data["industry_code"])

    def yuan(self, field: str) -> Decimal | None:
        """The 万元 field as 元: an exact Decimal product, never rounded."""
        value: Decimal | None = self.cleaned_data.get(field)
        return None if value is None else value * WAN
