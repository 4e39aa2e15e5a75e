"""API authentication: `Authorization: Bearer <token>`, or the browser session."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken, User

TOKEN_BYTES = 32


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_generate() -> str:
    return "zjtx_" + secrets.token_urlsafe(TOKEN_BYTES)


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class BearerAuth(HttpBearer):
    def authenticate(self, request: Any, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionUserAuth(SessionAuth):
    """Session login counts only once the second factor is done where the role needs it."""

    def authenticate(self, request: Any, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and getattr(user, "needs_second_factor", False) and not user.is_verified():
            return None
        return user


API_AUTH = [BearerAuth(), SessionUserAuth()]
