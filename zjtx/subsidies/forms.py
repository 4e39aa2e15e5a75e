"""Forms: declaring facts for an application, evidence, reasons, approval and budgets."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zjtx.core.money import WanAmountField, wan_to_yuan


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file (PDF, PNG or JPEG, at most 10 MB)"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ApproveForm(forms.Form):
    amount_wan = WanAmountField(label=_("Approved amount (10k yuan)"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for a different amount"), max_length=500, required=False
    )

    def amount_yuan(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data.get("amount_wan")
        return None if value is None else wan_to_yuan(value)


class BudgetForm(forms.Form):
    program = forms.ChoiceField(label=_("Program"))
    year = forms.IntegerField(label=_("Budget year"), min_value=2019, max_value=2100)
    amount_wan = WanAmountField(label=_("Budget (10k yuan)"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, programs=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = list(programs)
        for name, field in self.fields.items():
            css = (
                "form-select form-select-sm"
                if name == "program"
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
