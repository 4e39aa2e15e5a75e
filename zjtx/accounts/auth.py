"""API authentication: `Authorization: Bearer <token>`, or the browser session.

A request that sends a bearer token is decided by the token alone: a wrong, revoked or expired
token is 401, never a fall-through to the cookie path and its CSRF check.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from zjtx.accounts.errors import AccountErrorCode
from zjtx.core.errors import Forbidden

from .models import ApiToken, User

TOKEN_BYTES = 32


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_generate() -> str:
    return "zjtx_" + secrets.token_urlsafe(TOKEN_BYTES)


def account_locked(username: str) -> bool:
    """True while django-axes holds `username` locked after failed logins (8.1.4.1 b)."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    from .policy import cooloff_time, failure_limit

    since = timezone.now() - cooloff_time()
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return bool(failures and failures >= failure_limit())


def user_for_token(raw: str) -> User | None:
    """The user of an open token: not revoked, not expired, the account active and unlocked."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            digest=token_digest(raw),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if token is None or account_locked(token.user.username):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class BearerAuth(HttpBearer):
    def authenticate(self, request: Any, token: str) -> User:
        user = user_for_token(token)
        if user is None:
            # Stop here: the session path after this one would answer a CSRF error instead.
            raise AuthenticationError()
        request.user = user
        return user


def password_change_required(user: Any) -> bool:
    from .policy import password_expired

    return bool(getattr(user, "must_change_password", False) or password_expired(user))


class SessionUserAuth(SessionAuth):
    """Session login counts only once the second factor is done where the role needs it, and
    not while the password must be changed (as the pages: 等保2.0 8.1.4.1 a)."""

    def __call__(self, request: Any) -> Any:
        if "authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # No session: 401, not a CSRF error for a request that has nothing to protect.
            return None
        return super().__call__(request)

    def authenticate(self, request: Any, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and getattr(user, "needs_second_factor", False) and not user.is_verified():
            return None
        if user and password_change_required(user):
            raise Forbidden(
                AccountErrorCode.PASSWORD_CHANGE_REQUIRED,
                _("Change your password on the website before using the API."),
            )
        return user


API_AUTH = [BearerAuth(), SessionUserAuth()]
