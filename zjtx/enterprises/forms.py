"""Forms: amounts are typed in 万元 and converted exactly to 元; every message is translatable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zjtx.core import credit_code as uscc
from zjtx.core.money import WanAmountField, wan_to_yuan, yuan_to_wan
from zjtx.reference.models import AssessmentUnit, IndustryCode

from .models import AnnualFinancial, Enterprise, Honour, IPAsset

# The PositiveIntegerField columns' range.
MAX_HEADCOUNT = 2147483647


class BootstrapMixin:
    """Adds Bootstrap classes so templates can render fields in a loop."""

    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _unit_choice() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Assessment unit"),
        queryset=AssessmentUnit.objects.order_by("sort_order", "code"),
        to_field_name="code",
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Choose the assessment unit."),
            "invalid_choice": _("Choose a valid assessment unit."),
        },
    )


class FilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=AssessmentUnit.objects.order_by("sort_order", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("All units"),
    )
    industry = forms.CharField(label=_("Industry code"), required=False, max_length=5)
    size = forms.ChoiceField(
        label=_("Size"),
        required=False,
        choices=[("", _("All sizes")), *[c for c in Enterprise.SizeClass.choices if c[0]]],
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name, pinyin initials or credit code")
        self.fields["industry"].widget.attrs["placeholder"] = _("e.g. C36")
        if user is not None and user.role == "unit_officer":
            cast(
                forms.ModelChoiceField, self.fields["unit"]
            ).queryset = AssessmentUnit.objects.filter(pk=user.unit_id)
        self._style()

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "unit": data["unit"].code if data.get("unit") else "",
            "industry": data.get("industry") or "",
            "size": data.get("size") or "",
        }


class CreditCodeField(forms.CharField):
    """Normalises (full-width, spaces, case); the GB 32100 check itself is the service's job."""

    def to_python(self, value: Any) -> str:
        return uscc.normalize(super().to_python(value))


class EnterpriseForm(BootstrapMixin, forms.Form):
    credit_code = CreditCodeField(
        label=_("Unified social credit code"),
        max_length=40,
        error_messages={"required": _("Enter the unified social credit code.")},
    )
    checksum_override_reason = forms.CharField(
        label=_("Checksum override reason"),
        required=False,
        max_length=255,
        help_text=_(
            "Only if a genuine code fails the check digit: say how it was confirmed "
            "(e.g. the business licence was inspected)."
        ),
    )
    name = forms.CharField(
        label=_("Enterprise name"),
        max_length=200,
        error_messages={"required": _("Enter the enterprise name.")},
    )
    unit = _unit_choice()
    industry = forms.CharField(
        label=_("Industry code (GB/T 4754-2017)"),
        required=False,
        max_length=5,
        help_text=_("e.g. C3670"),
    )
    registered_address = forms.CharField(label=_("Registered address"), required=False)
    established_on = forms.DateField(
        label=_("Date established"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a valid date.")},
    )
    legal_representative = forms.CharField(label=_("Legal representative"), required=False)
    legal_rep_id_number = forms.CharField(
        label=_("Legal representative's ID number"), required=False, max_length=40
    )
    contact_name = forms.CharField(label=_("Contact person"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False)
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        required=False,
        error_messages={"invalid": _("Enter a valid e-mail address.")},
    )
    main_products = forms.CharField(
        label=_("Main products"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].widget.attrs.update(
            {"data-credit-code-check": "/api/v1/credit-codes/check", "autocomplete": "off"}
        )
        if user is not None and user.role == "unit_officer":
            cast(
                forms.ModelChoiceField, self.fields["unit"]
            ).queryset = AssessmentUnit.objects.filter(pk=user.unit_id)
        if editing:
            # The unit changes only through a dated reassignment.
            del self.fields["unit"]
        self._style()

    def clean_industry(self) -> str:
        code = (self.cleaned_data.get("industry") or "").strip().upper()
        if code and not IndustryCode.objects.filter(code=code).exists():
            raise forms.ValidationError(
                _("Industry code %(code)s is not in GB/T 4754-2017."), params={"code": code}
            )
        return code

    def clean_established_on(self) -> date | None:
        value: date | None = self.cleaned_data.get("established_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date established cannot be in the future."))
        return value


class EnterpriseContactForm(BootstrapMixin, forms.Form):
    """What an enterprise user may change itself."""

    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=30)
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        required=False,
        error_messages={"invalid": _("Enter a valid e-mail address.")},
    )
    main_products = forms.CharField(
        label=_("Main products"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class WanField(WanAmountField):
    """An amount typed in 万元 (up to 6 decimals, so a yuan figure survives exactly), within what
    the money columns store (zjtx.core.money); the service refuses negatives field by field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_negative", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("step", "0.01")
        self.widget.attrs.setdefault("inputmode", "decimal")


class FinancialForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1949,
        error_messages={
            "required": _("Enter the year."),
            "invalid": _("Enter a valid year."),
            "min_value": _("Enter a valid year."),
        },
    )
    operating_revenue = WanField(label=_("Operating revenue (10k yuan)"))
    main_business_revenue = WanField(label=_("Main-business revenue (10k yuan)"))
    rd_expense = WanField(label=_("R&D expense (10k yuan)"))
    net_profit = WanField(label=_("Net profit (10k yuan)"))
    total_assets = WanField(label=_("Total assets (10k yuan)"))
    total_liabilities = WanField(label=_("Total liabilities (10k yuan)"))
    export_value = WanField(label=_("Exports (10k yuan)"))
    employees = forms.IntegerField(
        label=_("Employees"),
        required=False,
        min_value=0,
        max_value=MAX_HEADCOUNT,
        error_messages={
            "min_value": _("A headcount cannot be negative."),
            "max_value": _("The headcount is too large."),
        },
    )
    rd_staff = forms.IntegerField(
        label=_("R&D staff"),
        required=False,
        min_value=0,
        max_value=MAX_HEADCOUNT,
        error_messages={
            "min_value": _("A headcount cannot be negative."),
            "max_value": _("The headcount is too large."),
        },
    )

    MONEY = (
        "operating_revenue",
        "main_business_revenue",
        "rd_expense",
        "net_profit",
        "total_assets",
        "total_liabilities",
        "export_value",
    )

    def __init__(
        self, *args: Any, lock_year: bool = False, ask_clear: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if lock_year:
            self.fields["year"].disabled = True
        if ask_clear:
            # Shown only when the submission would blank figures on file (the view lists them).
            self.fields["confirm_clear"] = forms.BooleanField(
                label=_("Confirm clearing"),
                required=True,
                error_messages={
                    "required": _("Tick Confirm clearing to blank the figures listed above.")
                },
            )
        self._style()

    @classmethod
    def initial_from(cls, financial: AnnualFinancial) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "year": financial.year,
            "employees": financial.employees,
            "rd_staff": financial.rd_staff,
        }
        for name in cls.MONEY:
            value = getattr(financial, name)
            initial[name] = None if value is None else _plain(yuan_to_wan(value, 6))
        return initial

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "year": data["year"],
            "employees": data.get("employees"),
            "rd_staff": data.get("rd_staff"),
        }
        for name in self.MONEY:
            kwargs[name] = wan_to_yuan(data.get(name))
        return kwargs


def _plain(value: Decimal | None) -> str:
    """6-place 万元 without trailing zeros, e.g. 123.450000 → 123.45."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class IPAssetForm(BootstrapMixin, forms.Form):
    ip_class = forms.ChoiceField(label=_("IP class"), choices=IPAsset.IPClass.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=IPAsset.Kind.choices)
    number = forms.CharField(
        label=_("Number"),
        max_length=50,
        error_messages={"required": _("Enter the registration or patent number.")},
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    grant_date = forms.DateField(
        label=_("Grant date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a valid date.")},
    )
    high_value = forms.BooleanField(label=_("High-value patent"), required=False)
    self_developed = forms.BooleanField(label=_("Self-developed"), required=False, initial=True)
    related_to_main_product = forms.BooleanField(
        label=_("Related to main product"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class HonourForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Honour.Kind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Honour.Level.choices, required=False)
    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Enter the name.")}
    )
    awarded_on = forms.DateField(
        label=_("Date awarded"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a valid date.")},
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a valid date.")},
    )
    value = forms.CharField(label=_("Value"), required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class AssignUnitForm(BootstrapMixin, forms.Form):
    unit = _unit_choice()
    valid_from = forms.DateField(
        label=_("Effective from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today."),
        error_messages={"invalid": _("Enter a valid date.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the change of unit.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = _("New unit")
        self._style()


class RejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=255,
        error_messages={"required": _("Give the reason for rejecting the registration.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class RegisterForm(BootstrapMixin, forms.Form):
    credit_code = CreditCodeField(
        label=_("Unified social credit code"),
        max_length=40,
        error_messages={"required": _("Enter the unified social credit code.")},
    )
    name = forms.CharField(
        label=_("Enterprise name (as on the business licence)"),
        max_length=200,
        error_messages={"required": _("Enter the enterprise name.")},
    )
    unit = _unit_choice()
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=50,
        error_messages={"required": _("Enter the contact person.")},
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=30,
        error_messages={"required": _("Enter the contact phone.")},
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        required=False,
        error_messages={"invalid": _("Enter a valid e-mail address.")},
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        error_messages={"required": _("Choose a user name.")},
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 8 characters, with three of: upper case, lower case, digits, symbols."
        ),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Repeat password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Repeat the password.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].widget.attrs.update(
            {"data-credit-code-check": "/api/v1/credit-codes/check", "autocomplete": "off"}
        )
        self.fields["unit"].help_text = _(
            "The county, district or development zone that manages your enterprise."
        )
        self._style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        return data
