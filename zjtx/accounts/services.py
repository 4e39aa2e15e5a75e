"""Writes for accounts, the security policy, API tokens and second-factor devices.

Every change is audited in the same transaction (等保2.0 8.1.4.3); 三员分立 (8.1.7) is
enforced here as well as in the views: each administrator acts only through its own services.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from zjtx.core.audit import audit_record
from zjtx.core.crypto import mask_phone
from zjtx.core.errors import ErrorCode, Forbidden, NotFound

from .auth import token_digest, token_generate
from .errors import AccountError, AccountErrorCode
from .models import (
    ACTIVATION_HOURS,
    ADMIN_ROLES,
    PRIVILEGED_ROLES,
    SECOND_FACTOR_ROLES,
    ActivationLink,
    ApiToken,
    Role,
    RoleGrantRequest,
    SecurityPolicy,
    User,
)
from .policy import policy_invalidate

if TYPE_CHECKING:
    from zjtx.accounts.models import User


# Which scope field each scoped role needs; every other role has no scope.
SCOPE_FIELD: dict[str, str] = {
    Role.UNIT_OFFICER: "unit",
    Role.ENTERPRISE: "enterprise",
    Role.BANK: "institution",
    Role.PROVIDER: "provider",
}
SCOPE_FIELDS = ("unit", "enterprise", "institution", "provider")
POLICY_FIELDS = (
    "min_length",
    "min_classes",
    "lockout_threshold",
    "lockout_minutes",
    "idle_minutes",
    "password_max_age_days",
)
TOTP_DEVICE_NAME = "default"
ENROLMENT_DEVICE_NAME = "enrolment"


def _require_role(actor: User, *roles: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(*roles):
        raise Forbidden(ErrorCode.FORBIDDEN, _("You are not allowed to do this."))


def _scope_repr(value: Any) -> str | None:
    return None if value is None else str(value)


def user_snapshot(user: User) -> dict[str, Any]:
    """What an audit record shows of a user account: identity, role, scope, status."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "phone": mask_phone(user.phone),  # the audit trail is not encrypted (ADR 0017)
        "role": user.role,
        "unit": _scope_repr(user.unit),
        "enterprise": _scope_repr(user.enterprise),
        "institution": _scope_repr(user.institution),
        "provider": _scope_repr(user.provider),
        "email": user.email,
        "is_active": user.is_active,
    }


def _scope_clean(role: str, scope: dict[str, Any]) -> dict[str, Any]:
    """Keep only the scope the role needs (等保2.0 8.1.4.2 a); complain if it is missing."""
    if role not in Role.values:
        raise AccountError(
            AccountErrorCode.INVALID_ROLE, _("Choose a valid role."), {"role": _("Invalid role.")}
        )
    needed = SCOPE_FIELD.get(role)
    cleaned = {field: None for field in SCOPE_FIELDS}
    if needed:
        if scope.get(needed) is None:
            messages = {
                "unit": _("A unit officer must belong to an assessment unit."),
                "enterprise": _("An enterprise user must belong to an enterprise."),
                "institution": _("A bank user must belong to a financial institution."),
                "provider": _("A service-provider user must belong to a service provider."),
            }
            raise AccountError(
                AccountErrorCode.SCOPE_REQUIRED, messages[needed], {needed: messages[needed]}
            )
        cleaned[needed] = scope[needed]
    return cleaned


def _integrity_error() -> AccountError:
    return AccountError(
        AccountErrorCode.INTEGRITY,
        _("The account could not be saved: its role and scope do not match."),
    )


def email_mask(email: str) -> str:
    """z***@example.com: enough for the administrator to recognise, not to reuse."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def _email_clean(email: str) -> str:
    from django.core.validators import validate_email

    email = (email or "").strip()
    message = _("Enter the user's e-mail address: the activation link is sent there.")
    if not email:
        raise AccountError(AccountErrorCode.EMAIL_REQUIRED, message, {"email": message})
    try:
        validate_email(email)
    except ValidationError as error:
        bad = _("Enter a valid e-mail address.")
        raise AccountError(AccountErrorCode.EMAIL_INVALID, bad, {"email": bad}) from error
    return email


def _username_free(username: str) -> None:
    taken = User.objects.filter(username__iexact=username).exists() or (
        RoleGrantRequest.objects.filter(
            username__iexact=username,
            kind=RoleGrantRequest.Kind.CREATE,
            status=RoleGrantRequest.Status.PENDING,
        ).exists()
    )
    if taken:
        raise AccountError(
            AccountErrorCode.USERNAME_TAKEN,
            _("This username is already taken."),
            {"username": _("This username is already taken.")},
        )


@dataclass(frozen=True)
class AccountChange:
    """What an account service did: applied at once (`user`), proposed (`grants`), or both."""

    user: User | None = None
    grants: tuple[RoleGrantRequest, ...] = ()
    sent_to: str = ""

    @property
    def pending(self) -> bool:
        return bool(self.grants)


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    role: str,
    email: str = "",
    full_name: str = "",
    phone: str = "",
    unit: Any = None,
    enterprise: Any = None,
    institution: Any = None,
    provider: Any = None,
) -> AccountChange:
    """Create an account; the user sets the password through a link sent to their e-mail.

    Only the system administrator may; a privileged role (city officer, administrators)
    becomes a request the security administrator decides (三员分立, 等保2.0 8.1.7).
    """
    _require_role(actor, Role.SYSADMIN)
    username = username.strip()
    _username_free(username)
    email = _email_clean(email)
    scope = _scope_clean(
        role,
        {"unit": unit, "enterprise": enterprise, "institution": institution, "provider": provider},
    )
    if role in PRIVILEGED_ROLES:
        grant = _grant_propose(
            actor=actor,
            kind=RoleGrantRequest.Kind.CREATE,
            username=username,
            role=role,
            email=email,
            full_name=full_name.strip(),
            phone=phone.strip(),
        )
        return AccountChange(grants=(grant,))
    user = _user_make(
        actor=actor,
        username=username,
        role=role,
        email=email,
        full_name=full_name,
        phone=phone,
        scope=scope,
    )
    return AccountChange(user=user, sent_to=email_mask(email))


def _user_make(
    *,
    actor: User,
    username: str,
    role: str,
    email: str,
    full_name: str,
    phone: str,
    scope: dict[str, Any],
    details: dict[str, Any] | None = None,
) -> User:
    user = User(
        username=username,
        role=role,
        email=email,
        full_name=full_name.strip(),
        phone=phone.strip(),
        is_staff=False,
        is_superuser=False,
        **scope,
    )
    # Nobody knows a password of the new account until its user sets one by the link.
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise _integrity_error() from error
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        after={**user_snapshot(user), **(details or {})},
    )
    activation_link_send(user=user, actor=actor)
    return user


def _guard_target(actor: User, user: User) -> None:
    if user.is_superuser:
        raise AccountError(
            AccountErrorCode.SUPERUSER_PROTECTED,
            _("The break-glass superuser cannot be managed here."),
        )


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    role: str,
    email: str | None = None,
    full_name: str = "",
    phone: str | None = "",
    unit: Any = None,
    enterprise: Any = None,
    institution: Any = None,
    provider: Any = None,
) -> AccountChange:
    """Change name, phone, role and scope; a system administrator never changes its own role.

    `phone=None` keeps the stored phone (the edit form never carries the stored value).

    A role change to or from a privileged role and any e-mail change (the channel of the
    activation links) become requests for the security administrator (三员分立, 8.1.7).
    """
    _require_role(actor, Role.SYSADMIN)
    _guard_target(actor, user)
    if user.pk == actor.pk and role != user.role:
        raise AccountError(
            AccountErrorCode.SELF_ROLE_CHANGE,
            _("You cannot change your own role."),
            {"role": _("You cannot change your own role.")},
        )
    scope = _scope_clean(
        role,
        {"unit": unit, "enterprise": enterprise, "institution": institution, "provider": provider},
    )
    grants: list[RoleGrantRequest] = []
    if email is not None and email.strip() != user.email:
        grants.append(
            _grant_propose(
                actor=actor,
                kind=RoleGrantRequest.Kind.EMAIL_CHANGE,
                target=user,
                email=_email_clean(email),
            )
        )
    before = user_snapshot(user)
    role_changes = role != user.role or any(
        getattr(user, f"{f}_id") != getattr(scope[f], "pk", None) for f in SCOPE_FIELDS
    )
    if role_changes and (role in PRIVILEGED_ROLES or user.role in PRIVILEGED_ROLES):
        grants.append(
            _grant_propose(
                actor=actor,
                kind=RoleGrantRequest.Kind.ROLE_CHANGE,
                target=user,
                role=role,
                **scope,
            )
        )
    else:
        user.role = role
        for field, value in scope.items():
            setattr(user, field, value)
    user.full_name = full_name.strip()
    if phone is not None:
        user.phone = phone.strip()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise _integrity_error() from error
    after = user_snapshot(user)
    role_changed = any(before[k] != after[k] for k in ("role", *SCOPE_FIELDS))
    if before != after:
        audit_record(
            actor=actor,
            action="user.role_change" if role_changed else "user.update",
            obj=user,
            before=before,
            after=after,
        )
    return AccountChange(user=user, grants=tuple(grants))


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Disable or re-enable an account (8.1.4.2 c); nobody disables their own account."""
    _require_role(actor, Role.SYSADMIN)
    _guard_target(actor, user)
    if user.pk == actor.pk:
        raise AccountError(
            AccountErrorCode.SELF_DEACTIVATE, _("You cannot deactivate your own account.")
        )
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    audit_record(
        actor=actor,
        action="user.reactivate" if active else "user.deactivate",
        obj=user,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return user


@transaction.atomic
def user_password_reset(*, actor: User, user: User) -> AccountChange:
    """Send the user a one-time link to set a new password; nobody else sees a password.

    For a privileged account this becomes a request the security administrator decides
    (三员分立, 8.1.7): otherwise the system administrator could take over such an account.
    """
    _require_role(actor, Role.SYSADMIN)
    _guard_target(actor, user)
    if user.role in PRIVILEGED_ROLES:
        grant = _grant_propose(actor=actor, kind=RoleGrantRequest.Kind.PASSWORD_RESET, target=user)
        return AccountChange(user=user, grants=(grant,))
    sent_to = activation_link_send(user=user, actor=actor)
    audit_record(actor=actor, action="user.password_reset", obj=user, after={"sent_to": sent_to})
    return AccountChange(user=user, sent_to=sent_to)


# --- one-time activation links ---------------------------------------------------------


def activation_url(raw: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    base = str(getattr(settings, "ZJTX_SITE_URL", "http://localhost:8000")).rstrip("/")
    return base + reverse("accounts:activate", args=[raw])


def activation_link_send(*, user: User, actor: User) -> str:
    """Replace the user's open links with a new one, mailed to the user only; the masked address.

    The raw token exists only in the e-mail: it is neither returned, stored nor audited.
    """
    from django.core.mail import send_mail

    if not user.email:
        message = _(
            "The account has no e-mail address to send the activation link to. Ask the "
            "security administrator to approve an e-mail address first."
        )
        raise AccountError(AccountErrorCode.EMAIL_REQUIRED, message, {"email": message})
    now = timezone.now()
    ActivationLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    raw = secrets.token_urlsafe(32)
    link = ActivationLink.objects.create(user=user, digest=token_digest(raw))
    sent_to = email_mask(user.email)
    audit_record(
        actor=actor,
        action="user.activation_link",
        obj=user,
        after={"sent_to": sent_to, "expires_at": link.expires_at.isoformat()},
    )
    subject = _("Set your password for the ZJTX platform")
    body = _(
        "Hello %(name)s,\n\nOpen this link within %(hours)d hours to set the password of your "
        "account %(username)s. It works once.\n\n%(url)s\n\nIf you did not expect this "
        "message, tell the system administrator."
    ) % {
        "name": user.display_name,
        "hours": ACTIVATION_HOURS,
        "username": user.username,
        "url": activation_url(raw),
    }
    address = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address], fail_silently=False))
    return sent_to


def _link_error() -> AccountError:
    return AccountError(
        AccountErrorCode.LINK_INVALID,
        _(
            "This link is not valid: it was already used, has expired, or was replaced by a "
            "newer one. Ask the system administrator to send a new one."
        ),
    )


def activation_link_get(*, raw: str) -> ActivationLink:
    """The open link for `raw`, or AccountError link_invalid (unknown, used or expired)."""
    link = (
        ActivationLink.objects.select_related("user")
        .filter(
            digest=token_digest(raw),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if link is None:
        raise _link_error()
    return link


@transaction.atomic
def activation_link_use(*, raw: str, new_password: str) -> User:
    """Set the user's own password through an open link, once (8.1.4.1 a)."""
    link = activation_link_get(raw=raw)
    link = ActivationLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise _link_error()
    user = link.user
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise AccountError(
            AccountErrorCode.PASSWORD_INVALID,
            " ".join(error.messages),
            {"new_password1": error.messages[0]},
        ) from error
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    user.set_password(new_password)
    user.password_changed_at = link.used_at
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(actor=user, action="auth.activate", obj=user)
    return user


# --- maker-checker: requests the security administrator decides -------------------------


def _grant_propose(
    *,
    actor: User,
    kind: str,
    target: User | None = None,
    username: str = "",
    role: str = "",
    **values: Any,
) -> RoleGrantRequest:
    if (
        target is not None
        and RoleGrantRequest.objects.filter(
            target=target, kind=kind, status=RoleGrantRequest.Status.PENDING
        ).exists()
    ):
        raise AccountError(
            AccountErrorCode.REQUEST_PENDING,
            _("A request of this kind for this account is already waiting for approval."),
        )
    grant = RoleGrantRequest.objects.create(
        kind=kind,
        target=target,
        username=target.username if target is not None else username,
        role=role,
        previous_role=target.role if target is not None else "",
        requested_by=actor,
        **values,
    )
    audit_record(
        actor=actor,
        action="role_grant.propose",
        obj=grant,
        after={
            "kind": kind,
            "username": grant.username,
            "role": role,
            "previous_role": grant.previous_role,
            "email": email_mask(grant.email) if grant.email else "",
        },
    )
    from .workflow import notify_proposed

    notify_proposed(grant)
    return grant


def grant_decide(
    *, actor: User, grant: RoleGrantRequest, action: str, reason: str = ""
) -> RoleGrantRequest:
    """Approve, reject or cancel a request, through the one workflow engine."""
    from zjtx.core.workflow import run

    from .workflow import GRANT_WORKFLOW

    result: RoleGrantRequest = run(GRANT_WORKFLOW, grant, action, actor=actor, reason=reason)
    return result


def grant_apply(*, grant: RoleGrantRequest, actor: User) -> dict[str, Any]:
    """Apply an approved request (called by the workflow's approve effect); audit details."""
    kind = grant.kind
    if kind == RoleGrantRequest.Kind.CREATE:
        if User.objects.filter(username__iexact=grant.username).exists():
            raise AccountError(
                AccountErrorCode.USERNAME_TAKEN, _("This username is already taken.")
            )
        user = _user_make(
            actor=actor,
            username=grant.username,
            role=grant.role,
            email=grant.email,
            full_name=grant.full_name,
            phone=grant.phone,
            scope=dict.fromkeys(SCOPE_FIELDS),
            details={"requested_by": grant.requested_by.username},
        )
        grant.target = user
        return {"sent_to": email_mask(user.email)}
    target = User.objects.select_for_update().filter(grant_requests=grant).first()
    if target is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if kind == RoleGrantRequest.Kind.ROLE_CHANGE:
        if target.role != grant.previous_role:
            raise AccountError(
                AccountErrorCode.STALE_REQUEST,
                _("The account's role has changed since the request was made; reject it."),
            )
        before = user_snapshot(target)
        target.role = grant.role
        for field in SCOPE_FIELDS:
            setattr(target, field, getattr(grant, field))
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError as error:
            raise _integrity_error() from error
        if target.role in SECOND_FACTOR_ROLES:
            # API tokens are not issued to second-factor roles; old ones stop now.
            ApiToken.objects.filter(user=target, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        audit_record(
            actor=actor,
            action="user.role_change",
            obj=target,
            before=before,
            after={**user_snapshot(target), "requested_by": grant.requested_by.username},
        )
        return {}
    if kind == RoleGrantRequest.Kind.PASSWORD_RESET:
        sent_to = activation_link_send(user=target, actor=actor)
        audit_record(
            actor=actor,
            action="user.password_reset",
            obj=target,
            after={"sent_to": sent_to, "requested_by": grant.requested_by.username},
        )
        return {"sent_to": sent_to}
    # E-mail change: links sent to the old address stop working.
    before_email = email_mask(target.email) if target.email else ""
    target.email = grant.email
    target.save(update_fields=["email"])
    ActivationLink.objects.filter(user=target, used_at__isnull=True).update(
        expires_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="user.update",
        obj=target,
        before={"email": before_email},
        after={"email": email_mask(target.email), "requested_by": grant.requested_by.username},
    )
    return {}


@transaction.atomic
def user_otp_reset(*, actor: User, user: User) -> int:
    """Remove a user's authenticator devices so that the user enrols again (lost phone).

    This is the security administrator's task, not the system administrator's: a system
    administrator who can reset both password and second factor could take over any account.
    """
    _require_role(actor, Role.SECADMIN)
    _guard_target(actor, user)
    if user.pk == actor.pk:
        raise AccountError(
            AccountErrorCode.SELF_OTP_RESET, _("You cannot reset your own authenticator.")
        )
    count, _details = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="user.otp_reset", obj=user, after={"devices_removed": count})
    return count


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """Set the user's own new password after the policy checks (8.1.4.1 a)."""
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise AccountError(
            AccountErrorCode.PASSWORD_INVALID,
            " ".join(error.messages),
            {"new_password1": error.messages[0]},
        ) from error
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(actor=user, action="auth.password_change", obj=user)
    return user


def policy_get() -> SecurityPolicy:
    """The stored policy row, created with the defaults when missing."""
    policy, _created = SecurityPolicy.objects.get_or_create(pk=1)
    return policy


@transaction.atomic
def policy_update(*, actor: User, **values: int) -> SecurityPolicy:
    """Change the security policy; only the security administrator may (8.1.4.2 e)."""
    _require_role(actor, Role.SECADMIN)
    policy = SecurityPolicy.objects.select_for_update().filter(pk=1).first() or policy_get()
    before = {f: getattr(policy, f) for f in POLICY_FIELDS}
    for field in POLICY_FIELDS:
        if field in values:
            setattr(policy, field, int(values[field]))
    try:
        policy.full_clean(exclude=["updated_by"])
    except ValidationError as error:
        raise AccountError(
            AccountErrorCode.POLICY_INVALID,
            _("The security policy has invalid values."),
            {k: v[0] for k, v in error.message_dict.items()},
        ) from error
    policy.updated_by = actor
    policy.save()
    after = {f: getattr(policy, f) for f in POLICY_FIELDS}
    audit_record(
        actor=actor, action="security.policy_change", obj=policy, before=before, after=after
    )
    policy_invalidate()
    transaction.on_commit(policy_invalidate)
    return policy


@transaction.atomic
def lockout_reset(*, actor: User, username: str) -> int:
    """Unlock an account locked after repeated failed logins (8.1.4.1 b)."""
    from axes.utils import reset

    _require_role(actor, Role.SECADMIN)
    count = reset(username=username)
    audit_record(
        actor=actor,
        action="security.unlock",
        object_type="accounts.user",
        object_id=str(
            User.objects.filter(username=username).values_list("pk", flat=True).first() or ""
        ),
        object_repr=username,
        after={"attempts_removed": count},
    )
    return count


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str


@transaction.atomic
def token_create(*, user: User, name: str, actor: User | None = None) -> NewToken:
    """A new bearer token for `user`; the raw value exists only in the return value."""
    if user.role in SECOND_FACTOR_ROLES:
        # A token would bypass the second factor these roles need (等保2.0 8.1.4.1 d).
        raise Forbidden(
            AccountErrorCode.TOKEN_NOT_ALLOWED,
            _("Roles that log in with a second factor cannot hold API tokens."),
        )
    if not user.is_active:
        raise AccountError(AccountErrorCode.INACTIVE, _("The account is deactivated."))
    name = name.strip() or _("API token")
    raw = token_generate()
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[5:13], digest=token_digest(raw)
    )
    audit_record(
        actor=actor,
        action="token.create",
        obj=token,
        object_repr=f"{user.username} {token.name} ({token.prefix}…)",
        after={
            "user": user.username,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
        username="" if actor is not None else "manage.py",
    )
    return NewToken(token=token, raw=raw)


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once; only its owner does this."""
    if token.user_id != actor.pk:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="token.revoke",
            obj=token,
            object_repr=f"{actor.username} {token.name} ({token.prefix}…)",
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at},
        )
    return token


def otp_device_ensure(user: User, key_hex: str | None = None) -> TOTPDevice:
    """Give `user` a confirmed TOTP device, for the demo seeder and tests.

    `key_hex` is the shared secret as hex (20 bytes = 40 hex digits, as RFC 6238 suggests).
    The demo seeder passes a fixed key per account, e.g.
    ``hashlib.sha1(f"zjtx-demo:{username}".encode()).hexdigest()``, so the same codes
    come out every time the demo is rebuilt: add the key to an authenticator app (its base32
    form is in the otpauth:// URL of `device.config_url`) or run
    ``manage.py demo_otp_code <username>``. Never use fixed keys in production: without
    `key_hex` a random key is kept, or generated when the user has no device yet.
    """
    device = TOTPDevice.objects.filter(user=user, name=TOTP_DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME)
    if key_hex is not None:
        device.key = key_hex.lower()
    device.confirmed = True
    device.full_clean(exclude=["user"])
    device.save()
    return device


def otp_enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device a user is enrolling, created with a fresh random key."""
    device = TOTPDevice.objects.filter(
        user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False
    ).first()
    return device or TOTPDevice.objects.create(
        user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False
    )


def _clean_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def otp_enrolment_confirm(*, user: User, code: str) -> TOTPDevice:
    """Confirm the enrolling device with a code the authenticator app shows (8.1.4.1 d).

    Not one transaction: a failed attempt stays audited and throttled when the error is raised.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise AccountError(
            AccountErrorCode.ALREADY_ENROLLED, _("An authenticator is already registered.")
        )
    device = otp_enrolment_device(user)
    if not device.verify_token(_clean_code(code)):
        audit_record(actor=user, action="auth.otp_enrol", obj=user, success=False)
        raise AccountError(
            AccountErrorCode.INVALID_CODE,
            _("The code is wrong or has expired. Enter the code your app shows now."),
            {"code": _("Wrong or expired code.")},
        )
    with transaction.atomic():
        device.name = TOTP_DEVICE_NAME
        device.confirmed = True
        device.save(update_fields=["name", "confirmed"])
        audit_record(actor=user, action="auth.otp_enrol", obj=user)
    return device


def otp_verify(*, user: User, code: str) -> TOTPDevice:
    """Check a TOTP code against the user's confirmed devices; failures are audited."""
    code = _clean_code(code)
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if code and device.verify_token(code):
            audit_record(actor=user, action="auth.otp_verified", obj=user)
            return device
    audit_record(actor=user, action="auth.otp_failed", obj=user, success=False)
    raise AccountError(
        AccountErrorCode.INVALID_CODE,
        _("The code is wrong or has expired. Wait for a new code and try again."),
        {"code": _("Wrong or expired code.")},
    )


def user_is_admin_role(user: User) -> bool:
    return user.role in ADMIN_ROLES
