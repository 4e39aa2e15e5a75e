"""Reads for the administration pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from zjtx.core.crypto import blind_index

from .models import ApiToken, RoleGrantRequest, User
from .policy import cooloff_time, failure_limit, lockout_key


def user_list(
    *, q: str = "", role: str = "", status: str = "", unit_id: int | None = None
) -> QuerySet[User]:
    """Accounts for the system administrator, filtered; superusers are not listed."""
    qs = User.objects.filter(is_superuser=False).select_related(
        "unit", "enterprise", "institution", "provider"
    )
    if q:
        match = (
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(enterprise__credit_code__iexact=q)
        )
        # Phones are encrypted (ADR 0017): a full number is found through its blind index.
        index = blind_index(q, "phone")
        if index and len(q.strip()) >= 7:
            match |= Q(phone_bidx=index)
        qs = qs.filter(match)
    if role:
        qs = qs.filter(role=role)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("username")


def user_get_manageable(*, pk: int) -> User:
    user = (
        User.objects.filter(pk=pk, is_superuser=False)
        .select_related("unit", "enterprise", "institution", "provider")
        .first()
    )
    if user is None:
        raise Http404
    return user


@dataclass(frozen=True)
class Lockout:
    username: str
    failures: int
    last_attempt: datetime
    unlocks_at: datetime
    locked: bool
    ip_addresses: list[str]


def lockout_list() -> list[Lockout]:
    """Usernames with recent failed logins; `locked` when they reached the policy's limit."""
    from axes.models import AccessAttempt

    window = cooloff_time()
    since = timezone.now() - window
    limit = failure_limit()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(username__isnull=True)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")
    )
    result = []
    for row in rows:
        ips = list(
            AccessAttempt.objects.filter(username=row["username"])
            .exclude(ip_address__isnull=True)
            .values_list("ip_address", flat=True)
            .distinct()[:5]
        )
        result.append(
            Lockout(
                username=row["username"],
                failures=row["failures"],
                last_attempt=row["last"],
                unlocks_at=row["last"] + window,
                locked=row["failures"] >= limit,
                ip_addresses=[str(ip) for ip in ips],
            )
        )
    return result


def lockout_until(*, username: str) -> datetime | None:
    """When the lock on `username` ends, or None when it is not locked."""
    key = lockout_key(username)
    for lock in lockout_list():
        if lockout_key(lock.username) == key and lock.locked:
            return lock.unlocks_at
    return None


def token_list_for(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_get_for(*, user: User, pk: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404
    return token


def grant_list(*, status: str = "") -> QuerySet[RoleGrantRequest]:
    """Account change requests for the system and security administrators, newest first."""
    qs = RoleGrantRequest.objects.select_related("target", "requested_by", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-pk")


def grant_get(*, pk: int) -> RoleGrantRequest:
    grant = RoleGrantRequest.objects.filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def grant_pending_for(*, user: User) -> QuerySet[RoleGrantRequest]:
    return RoleGrantRequest.objects.filter(
        target=user, status=RoleGrantRequest.Status.PENDING
    ).order_by("requested_at")
