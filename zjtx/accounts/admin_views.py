"""Pages of the three administrators (三员分立, 等保2.0 8.1.5 / 8.1.7) and API tokens.

System administrator: accounts (privileged changes only proposed). Security administrator:
policy, lockouts, second factors and the decision on proposed changes. No page ever shows a
password: new accounts and resets get a one-time link mailed to the user.
(The audit administrator's pages live in zjtx/core/audit_views.py.) Any other role gets 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zjtx.core.crypto import mask_phone
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.workflow import actions_for

from . import selectors, services
from .forms import SecurityPolicyForm, TokenForm, UserFilterForm, UserForm, UsernameForm
from .models import Role, RoleGrantRequest, User
from .permissions import TOKEN_ROLES, role_required
from .policy import policy_current
from .workflow import GRANT_WORKFLOW

PAGE_SIZE = 20


def _secret_page(
    request: AuthedRequest, *, title: str, label: str, secret: str, note: str, back: str
) -> HttpResponse:
    response = render(
        request,
        "accounts/secret_once.html",
        {"title": title, "label": label, "secret": secret, "note": note, "back": back},
    )
    response["Cache-Control"] = "no-store"
    return response


# --- System administrator: accounts -------------------------------------------------------


@role_required(Role.SYSADMIN)
def user_list(request: AuthedRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(selectors.user_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _report_change(request: AuthedRequest, change: services.AccountChange) -> None:
    """Say what happened: a link mailed (to a masked address), or requests awaiting approval."""
    if change.sent_to:
        messages.success(
            request,
            _(
                "An activation link has been sent to %(email)s. The user sets the password "
                "there; the link works once within 72 hours."
            )
            % {"email": change.sent_to},
        )
    for grant in change.grants:
        messages.info(
            request,
            _(
                "“%(kind)s” for %(username)s has been sent to the security administrator for "
                "approval; it takes effect only when approved."
            )
            % {"kind": grant.get_kind_display(), "username": grant.username},
        )


@role_required(Role.SYSADMIN)
def user_create(request: AuthedRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.user_create(
                actor=request.user,  # type: ignore[arg-type]
                username=form.cleaned_data["username"],
                **form.service_kwargs(),
            )
        except DomainError as error:
            form.add_service_errors(error.fields, error.message)
        else:
            _report_change(request, change)
            if change.user is not None:
                return redirect("accounts:user-edit", pk=change.user.pk)
            return redirect("accounts:grant-list")
    return render(request, "accounts/user_form.html", {"form": form, "editing": False})


@role_required(Role.SYSADMIN)
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = selectors.user_get_manageable(pk=pk)
    initial = {
        "username": user.username,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "unit": user.unit_id,
        "enterprise_credit_code": user.enterprise.credit_code if user.enterprise else "",
        "institution": user.institution_id,
        "provider": user.provider_id,
    }
    form = UserForm(request.POST or None, initial=initial, editing=True)
    if user.phone:  # personal data stays out of the form: shown masked, empty keeps it
        form.fields["phone"].widget.attrs["placeholder"] = mask_phone(user.phone)
        form.fields["phone"].help_text = _("Leave empty to keep the current number.")
    if request.method == "POST" and form.is_valid():
        try:
            change = services.user_update(
                actor=request.user,  # type: ignore[arg-type]
                user=user,
                **form.service_kwargs(),
            )
        except DomainError as error:
            form.add_service_errors(error.fields, error.message)
            user.refresh_from_db()
        else:
            messages.success(request, _("The account has been saved."))
            _report_change(request, change)
            return redirect("accounts:user-list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "editing": True,
            "target": user,
            "is_self": user.pk == request.user.pk,
            "pending": selectors.grant_pending_for(user=user),
        },
    )


@role_required(Role.SYSADMIN)
@require_POST
def user_set_active(request: AuthedRequest, pk: int) -> HttpResponse:
    user = selectors.user_get_manageable(pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=user, active=active)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if active:
            messages.success(request, _("%(name)s has been reactivated.") % {"name": user})
        else:
            messages.success(request, _("%(name)s has been deactivated.") % {"name": user})
    return redirect("accounts:user-edit", pk=user.pk)


@role_required(Role.SYSADMIN)
@require_POST
def user_password_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    user = selectors.user_get_manageable(pk=pk)
    try:
        change = services.user_password_reset(actor=request.user, user=user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _report_change(request, change)
    return redirect("accounts:user-edit", pk=user.pk)


# --- Both: requests the security administrator decides (maker-checker) -------------------


@role_required(Role.SYSADMIN, Role.SECADMIN)
def grant_list(request: AuthedRequest) -> HttpResponse:
    role = request.user.role  # type: ignore[union-attr]
    status = request.GET.get("status", RoleGrantRequest.Status.PENDING)
    if status not in RoleGrantRequest.Status.values:
        status = ""
    page = Paginator(selectors.grant_list(status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (grant, actions_for(GRANT_WORKFLOW, state=grant.status, role=role))
        for grant in page.object_list
    ]
    return render(
        request,
        "accounts/grant_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": RoleGrantRequest.Status.choices,
            "query": f"status={status}",
        },
    )


@role_required(Role.SYSADMIN, Role.SECADMIN)
@require_POST
def grant_decide(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    grant = selectors.grant_get(pk=pk)
    try:
        services.grant_decide(
            actor=request.user,  # type: ignore[arg-type]
            grant=grant,
            action=action,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The request for %(username)s is now “%(status)s”.")
            % {"username": grant.username, "status": grant.get_status_display()},
        )
    return redirect("accounts:grant-list")


# --- Security administrator: policy, lockouts, second factors -----------------------------


@role_required(Role.SECADMIN)
def security_policy(request: AuthedRequest) -> HttpResponse:
    policy = services.policy_get()
    form = SecurityPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in services.POLICY_FIELDS}
        policy.refresh_from_db()
        try:
            services.policy_update(actor=request.user, **values)  # type: ignore[arg-type]
        except DomainError as error:
            for field, text in error.fields.items():
                form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(request, _("The security policy has been saved and is in force."))
            return redirect("accounts:security")
    return render(request, "accounts/security_policy.html", {"form": form, "policy": policy})


@role_required(Role.SECADMIN)
def lockouts(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/lockouts.html",
        {"lockouts": selectors.lockout_list(), "policy": policy_current()},
    )


@role_required(Role.SECADMIN)
@require_POST
def lockout_unlock(request: AuthedRequest) -> HttpResponse:
    form = UsernameForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"]
        services.lockout_reset(actor=request.user, username=username)  # type: ignore[arg-type]
        messages.success(request, _("%(username)s has been unlocked.") % {"username": username})
    return redirect("accounts:lockouts")


@role_required(Role.SECADMIN)
@require_POST
def otp_reset(request: AuthedRequest) -> HttpResponse:
    form = UsernameForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"]
        user = User.objects.filter(username=username, is_superuser=False).first()
        if user is None:
            messages.error(
                request, _("No account has the username %(username)s.") % {"username": username}
            )
        else:
            try:
                count = services.user_otp_reset(actor=request.user, user=user)  # type: ignore[arg-type]
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Removed %(count)d authenticator(s) of %(username)s; the user registers "
                        "a new one at the next login."
                    )
                    % {"count": count, "username": username},
                )
    return redirect("accounts:lockouts")


# --- API tokens (every role except the audit administrator) -------------------------------


@role_required(*TOKEN_ROLES)
def tokens(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return _secret_page(
                request,
                title=_("API token created"),
                label=_("API token “%(name)s”") % {"name": new.token.name},
                secret=new.raw,
                note=_(
                    "Copy the token now: it is shown only once and only its fingerprint is "
                    "stored. Send it as the header Authorization: Bearer <token>."
                ),
                back="accounts:tokens",
            )
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.token_list_for(user=request.user),
            "now": timezone.now(),
        },
    )


@role_required(*TOKEN_ROLES)
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = selectors.token_get_for(user=request.user, pk=pk)
    services.token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
