"""Login, lockout page, second factor and password change (等保2.0 8.1.4.1)."""

from __future__ import annotations

import base64
import io
from typing import Any

import django_otp
import qrcode
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from zjtx.core.http import AuthedRequest

from . import services
from .errors import AccountError
from .forms import ActivationForm, LoginForm, OtpForm, PasswordChangeForm
from .policy import cooloff_time, password_expired, policy_current
from .selectors import lockout_until


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["policy"] = policy_current()
        return context


def lockout_response(
    request: AuthedRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: say in Chinese that the account is locked and until when."""
    if isinstance(original_response, dict) and credentials is None:
        credentials, original_response = original_response, None
    username = ""
    if isinstance(credentials, dict):
        username = str(credentials.get("username") or "")
    username = username or request.POST.get("username", "")
    until = lockout_until(username=username) if username else None
    if until is None:
        until = timezone.now() + cooloff_time(request)
    response = render(
        request,
        "accounts/locked.html",
        {
            "username": username,
            "unlocks_at": until,
            "limit": policy_current().lockout_threshold,
            "minutes": policy_current().lockout_minutes,
        },
        status=429,
    )
    response["Retry-After"] = str(max(0, int((until - timezone.now()).total_seconds())))
    return response


def _next_url(request: AuthedRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
def otp_verify(request: AuthedRequest) -> HttpResponse:
    user: Any = request.user
    if not user.needs_second_factor or user.is_verified():
        return redirect(_next_url(request))
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:otp-setup")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_verify(user=user, code=form.cleaned_data["code"])
        except AccountError as error:
            form.add_error("code", error.message)
        else:
            django_otp.login(request, device)
            return redirect(_next_url(request))
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def otp_setup(request: AuthedRequest) -> HttpResponse:
    user: Any = request.user
    if not user.needs_second_factor:
        return redirect("/")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:otp")
    device = services.otp_enrolment_device(user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except AccountError as error:
            form.add_error("code", error.message)
        else:
            django_otp.login(request, device)
            messages.success(request, _("Your authenticator is registered."))
            return redirect("/")
    secret = base64.b32encode(device.bin_key).decode()
    response = render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr": _qr_data_uri(device.config_url), "secret": _grouped(secret)},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=user, new_password=form.cleaned_data["new_password1"])
        except AccountError as error:
            form.add_error("new_password1", error.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("/")
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "forced": user.must_change_password,
            "expired": not user.must_change_password and password_expired(user),
            "max_age": policy_current().password_max_age_days,
        },
    )


def activate(request: AuthedRequest, token: str) -> HttpResponse:
    """Set the password by the one-time link from the e-mail (new account or reset)."""
    form = ActivationForm(request.POST or None)
    try:
        link = services.activation_link_get(raw=token)
    except AccountError as error:
        response = render(request, "accounts/activate.html", {"invalid": error.message}, status=404)
    else:
        if request.method == "POST" and form.is_valid():
            try:
                services.activation_link_use(
                    raw=token, new_password=form.cleaned_data["new_password1"]
                )
            except AccountError as error:
                form.add_error("new_password1" if error.fields else None, error.message)
            else:
                messages.success(request, _("Your password has been set. Log in with it now."))
                return redirect("accounts:login")
        response = render(
            request,
            "accounts/activate.html",
            {"form": form, "target": link.user, "policy": policy_current()},
        )
    # The token is in the path: keep it out of caches and of Referer headers.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
