"""The effective security policy, read often (every password check, login, request).

It is cached per process for a short time; `policy_invalidate` clears it when the security
administrator saves a change, so this process applies it at once and others within
CACHE_SECONDS.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import DatabaseError

CACHE_SECONDS = 30


@dataclass(frozen=True)
class Policy:
    min_length: int = 8
    min_classes: int = 3
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    idle_minutes: int = 30
    password_max_age_days: int = 90


DEFAULT_POLICY = Policy()

_cache: dict[str, Any] = {"policy": None, "at": 0.0}


def policy_invalidate() -> None:
    _cache["policy"] = None
    _cache["at"] = 0.0


def policy_current() -> Policy:
    """The stored policy, or the defaults when none was saved yet (or no table exists)."""
    cached = _cache["policy"]
    if cached is not None and time.monotonic() - _cache["at"] < CACHE_SECONDS:
        return cached  # type: ignore[no-any-return]
    from .models import SecurityPolicy

    try:
        row = SecurityPolicy.objects.filter(pk=1).first()
    except DatabaseError:
        # Before migrations have run (e.g. during `migrate` itself) the defaults apply.
        return DEFAULT_POLICY
    policy = (
        DEFAULT_POLICY
        if row is None
        else Policy(
            min_length=row.min_length,
            min_classes=row.min_classes,
            lockout_threshold=row.lockout_threshold,
            lockout_minutes=row.lockout_minutes,
            idle_minutes=row.idle_minutes,
            password_max_age_days=row.password_max_age_days,
        )
    )
    _cache["policy"] = policy
    _cache["at"] = time.monotonic()
    return policy


def failure_limit(request: Any = None, credentials: Any = None) -> int:
    """AXES_FAILURE_LIMIT callable: failed logins before lockout (等保2.0 8.1.4.1 b)."""
    return policy_current().lockout_threshold


def cooloff_time(request: Any = None) -> timedelta:
    """AXES_COOLOFF_TIME callable: how long a locked account stays locked."""
    return timedelta(minutes=policy_current().lockout_minutes)


def password_expired(user: Any) -> bool:
    """True when the user's own password is older than the policy allows (8.1.4.1 a).

    Accounts without a recorded change date (created before this rule, or by a seeder)
    are not treated as expired; temporary passwords are handled by `must_change_password`.
    """
    from django.utils import timezone

    changed = getattr(user, "password_changed_at", None)
    if changed is None:
        return False
    age = timezone.now() - changed
    return age > timedelta(days=policy_current().password_max_age_days)


def lockout_key(username: Any) -> str:
    """One failure count per account, whatever form of the name is typed (等保2.0 8.1.4.1 b).

    NFKC folds full-width letters, surrounding blanks are dropped and case is folded, so
    "ＡＤＭＩＮ ", "Admin" and "admin" count against the same lock.
    """
    return unicodedata.normalize("NFKC", str(username or "")).strip().casefold()[:150]


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """django-axes' AXES_USERNAME_CALLABLE: the lockout key of the name tried."""
    username = (credentials or {}).get("username")
    if username is None and request is not None and hasattr(request, "POST"):
        username = request.POST.get("username", "")
    return lockout_key(username)
