"""Forms of the login, second-factor and administration pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Role, SecurityPolicy


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control")


class BootstrapMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)  # type: ignore[arg-type]

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        fields = self.fields  # type: ignore[attr-defined]
        if field in fields:
            widget = fields[field].widget
            classes = widget.attrs.get("class", "")
            if "is-invalid" not in classes:
                widget.attrs["class"] = (classes + " is-invalid").strip()


class LoginForm(BootstrapMixin, AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autofocus": True, "placeholder": _("Username")}
        )
        self.fields["password"].widget.attrs.update({"placeholder": _("Password")})


class OtpForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "placeholder": "123456",
            }
        ),
    )


class PasswordChangeForm(BootstrapMixin, DjangoPasswordChangeForm):
    pass


class UserForm(BootstrapMixin, forms.Form):
    """One form for create and edit; the service checks that role and scope agree."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={
            "invalid": _("Use only letters, digits and the characters @ . + - _."),
        },
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_(
            "The activation link is sent here; the user sets the password there. A change "
            "of an existing account's e-mail needs the security administrator's approval."
        ),
    )
    full_name = forms.CharField(
        label=pgettext_lazy("person", "Full name"), max_length=50, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        help_text=_(
            "City officers and the three administrators need the security administrator's approval."
        ),
    )
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Assessment unit"),
        queryset=None,
        required=False,
        help_text=_("Required for unit officers."),
    )
    enterprise_credit_code = forms.CharField(
        label=_("Enterprise (unified social credit code)"),
        max_length=18,
        required=False,
        help_text=_("Required for enterprise users: the 18-character credit code."),
    )
    institution: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Financial institution"),
        queryset=None,
        required=False,
        help_text=_("Required for bank users."),
    )
    provider: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Service provider"),
        queryset=None,
        required=False,
        help_text=_("Required for service-provider users."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zjtx.partners.models import FinancialInstitution, ServiceProvider
        from zjtx.reference.models import AssessmentUnit

        self.fields["unit"].queryset = AssessmentUnit.objects.order_by("sort_order", "code")  # type: ignore[attr-defined]
        self.fields["institution"].queryset = FinancialInstitution.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["provider"].queryset = ServiceProvider.objects.order_by("name")  # type: ignore[attr-defined]
        self.editing = editing
        if editing:
            self.fields["username"].disabled = True
            # Accounts made before e-mail was required may have none; the service decides.
            self.fields["email"].required = False
        self.enterprise: Any = None

    def clean_enterprise_credit_code(self) -> str:
        code = self.cleaned_data["enterprise_credit_code"].strip().upper()
        if code:
            from zjtx.enterprises.models import Enterprise

            self.enterprise = Enterprise.objects.filter(credit_code=code).first()
            if self.enterprise is None:
                raise forms.ValidationError(_("No enterprise has this credit code."))
        return code

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "email": data.get("email", ""),
            "full_name": data.get("full_name", ""),
            # Editing, an empty phone keeps the stored one (it is never put in the form).
            "phone": data.get("phone", "") or (None if self.editing else ""),
            "unit": data.get("unit"),
            "enterprise": self.enterprise,
            "institution": data.get("institution"),
            "provider": data.get("provider"),
        }

    def add_service_errors(self, fields: dict[str, str], message: str) -> None:
        mapped = False
        for name, text in fields.items():
            target = "enterprise_credit_code" if name == "enterprise" else name
            if target in self.fields:
                self.add_error(target, text)
                mapped = True
        if not mapped:
            self.add_error(None, message)


class UserFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("Active")), ("inactive", _("Deactivated"))],
    )


class SecurityPolicyForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = [
            "min_length",
            "min_classes",
            "password_max_age_days",
            "lockout_threshold",
            "lockout_minutes",
            "idle_minutes",
        ]
        help_texts = {
            "min_length": _("At least 8 (等保2.0 8.1.4.1 a)."),
            "min_classes": _("Of lower case, upper case, digits and symbols; 3 or 4."),
            "lockout_threshold": _("From 3 to 10; assessors expect at most 5."),
            "lockout_minutes": _("At least 10 minutes."),
            "idle_minutes": _("From 5 to 30 minutes."),
            "password_max_age_days": _(
                "From 30 to 180 days; users must then choose a new password. Assessors expect "
                "at most 90."
            ),
        }


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the system that uses it."),
    )


class ActivationForm(BootstrapMixin, forms.Form):
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords do not match."))
        return data


class UsernameForm(forms.Form):
    username = forms.CharField(max_length=150)
