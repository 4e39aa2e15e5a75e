"""Audit receivers for login, logout, failed logins and lockouts (等保2.0 8.1.4.3 a)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from zjtx.core.audit import audit_record

from .policy import failure_limit

USERNAME_MAX = 150


def _username_from(credentials: dict[str, Any] | None, request: Any = None) -> str:
    username = (credentials or {}).get("username") or ""
    if not username and request is not None:
        username = request.POST.get("username", "") if hasattr(request, "POST") else ""
    return str(username)[:USERNAME_MAX]


def _user_pk(username: str) -> str:
    from .models import User

    pk = User.objects.filter(username=username).values_list("pk", flat=True).first()
    return "" if pk is None else str(pk)


@receiver(user_logged_in, dispatch_uid="zjtx_audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", obj=user)


@receiver(user_logged_out, dispatch_uid="zjtx_audit_logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "pk", None):
        audit_record(actor=user, action="auth.logout", obj=user)


@receiver(user_login_failed, dispatch_uid="zjtx_audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = _username_from(credentials, request)
    audit_record(
        actor=None,
        action="auth.login_failed",
        object_type="accounts.user",
        object_id=_user_pk(username),
        object_repr=username,
        success=False,
        username=username,
    )


def audit_lockout(
    sender: Any, request: Any = None, username: str | None = None, **kwargs: Any
) -> None:
    """The attempt that reaches the limit locks the account; later ones hit the lock."""
    username = (username or _username_from(None, request))[:USERNAME_MAX]
    failures = getattr(request, "axes_failures_since_start", None)
    limit = failure_limit(request)
    fresh = failures is None or failures <= limit
    audit_record(
        actor=None,
        action="auth.lockout" if fresh else "auth.login_blocked",
        object_type="accounts.user",
        object_id=_user_pk(username),
        object_repr=username,
        after={"failures": failures, "limit": limit},
        success=False,
        username=username,
    )


def connect() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(audit_lockout, dispatch_uid="zjtx_audit_lockout")
