"""In-app notifications: services write them in the same transaction as the change they report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Notification


def notify(*, recipients: Iterable[Any], title: str, body: str = "", url: str = "") -> int:
    """One notification per distinct active recipient; returns how many were written."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or not getattr(user, "is_active", False) or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, title=str(title)[:200], body=str(body), url=url))
    Notification.objects.bulk_create(rows)
    return len(rows)


def notification_list_for(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_open(*, user: Any, pk: int) -> Notification:
    """Mark one of the user's own notifications read; anyone else's is 404."""
    note = Notification.objects.filter(recipient=user, pk=pk).first()
    if note is None:
        raise Http404
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
