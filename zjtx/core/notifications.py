"""Notices at every hand-off: in-app always, e-mail and SMS as each person chooses.

Services call `notify` in the same transaction as the change they report (or the workflow
engine calls it after the commit). The in-app row is written at once; e-mail and SMS leave
only after the commit, and a failed send is logged and kept in the outbox, never raised into
the business transaction. Notice text is always rendered in Chinese, whatever the language of
the request that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .models import Notification, NotificationPreference, OutboundMessage

logger = logging.getLogger("zjtx.notifications")
# In-app rows held back by `notices_batched` (None: written at once).
_held: ContextVar[list[Notification] | None] = ContextVar("zjtx_notices_held", default=None)

NOTICE_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class NoticeKind:
    label: str | Promise
    email: bool = False  # default when the person has not chosen
    sms: bool = False


# Outcomes and deadlines go out by e-mail unless a person opts out; SMS is opt-in everywhere.
KINDS: dict[str, NoticeKind] = {
    "assignment": NoticeKind(_("Review assignment"), email=True),
    "submitted": NoticeKind(_("Application awaiting review")),
    "returned": NoticeKind(_("Application returned for correction"), email=True),
    "recommended": NoticeKind(_("Recommended by the unit"), email=True),
    "rejected": NoticeKind(_("Application not approved"), email=True),
    "notice_published": NoticeKind(_("Public notice published"), email=True),
    "certified": NoticeKind(_("Certification outcome"), email=True),
    "subsidy_submitted": NoticeKind(_("Subsidy application awaiting review")),
    "subsidy_approved": NoticeKind(_("Subsidy application outcome"), email=True),
    "registration": NoticeKind(_("New enterprise registration")),
    "registration_outcome": NoticeKind(_("Registration outcome"), email=True),
    "deadline_reminder": NoticeKind(_("Deadline reminder"), email=True),
    "role_request": NoticeKind(_("Role or account request")),
    "period_unlocked": NoticeKind(_("Reporting period reopened"), email=True),
    "parameter_change": NoticeKind(_("Parameter change decision"), email=True),
    "general": NoticeKind(_("Other notices")),
}


def _zh(text: Any) -> str:
    """Render a (lazy) text in the notice language."""
    with translation.override(NOTICE_LANGUAGE):
        return str(text)


def notify(
    *,
    recipients: Iterable[Any],
    title: Any,
    body: Any = "",
    url: str = "",
    kind: str = "general",
    params: Mapping[str, Any] | None = None,
) -> int:
    """One in-app notification per distinct active recipient, plus e-mail/SMS after the commit
    as each recipient's preferences for `kind` allow; returns how many were written.

    Pass a lazy `title` with its `params` so it is formatted in Chinese whatever the request's
    language (formatting a lazy text with % renders it in the active language at once)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    title_text = _zh(title) if params is None else _zh(title) % dict(params)
    title_text = title_text[:200]
    body_text = _zh(body)
    seen: set[int] = set()
    users: list[Any] = []
    for user in recipients:
        if user is None or not getattr(user, "is_active", False) or user.pk in seen:
            continue
        seen.add(user.pk)
        users.append(user)
    rows = [Notification(recipient=u, title=title_text, body=body_text, url=url) for u in users]
    held = _held.get()
    if held is not None:
        held.extend(rows)
    else:
        Notification.objects.bulk_create(rows)
    deliveries = _deliveries(users, kind)
    if deliveries:
        transaction.on_commit(
            lambda: _deliver(deliveries, kind=kind, title=title_text, body=body_text, url=url),
            robust=True,
        )
    return len(users)


@contextmanager
def notices_batched() -> Iterator[None]:
    """Hold the in-app rows of every `notify` inside (including those the workflow engine
    sends after a commit) and write them in one insert at the end: a bulk job such as the demo
    seed would otherwise commit once per notice. Nothing is written if the block raises."""
    held: list[Notification] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    with transaction.atomic():
        Notification.objects.bulk_create(held, batch_size=500)


def _deliveries(users: list[Any], kind: str) -> list[tuple[Any, str, str]]:
    """(user, channel, address) for each channel the user's preference allows and can reach."""
    if not users:
        return []
    chosen = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(user_id__in=[u.pk for u in users], kind=kind)
    }
    default = KINDS[kind]
    out: list[tuple[Any, str, str]] = []
    for user in users:
        pref = chosen.get(user.pk)
        wants_email = pref.email if pref else default.email
        wants_sms = pref.sms if pref else default.sms
        email = (getattr(user, "email", "") or "").strip()
        phone = (getattr(user, "phone", "") or "").strip()
        if wants_email and email:
            out.append((user, OutboundMessage.Channel.EMAIL, email))
        if wants_sms and phone:
            out.append((user, OutboundMessage.Channel.SMS, phone))
    return out


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return str(getattr(settings, "ZJTX_SITE_URL", "")).rstrip("/") + url


def _deliver(
    deliveries: list[tuple[Any, str, str]], *, kind: str, title: str, body: str, url: str
) -> None:
    """Send after the commit; every failure is logged and kept, none is raised."""
    from .sms import sms_sender

    link = _absolute(url)
    mail_text = "\n\n".join(part for part in (body, link) if part) or title
    for user, channel, address in deliveries:
        try:
            if channel == OutboundMessage.Channel.EMAIL:
                send_mail(title, mail_text, None, [address], fail_silently=False)
                _record(channel, OutboundMessage.Status.SENT, user, address, kind, title, body)
            else:
                sms_sender().send(phone=address, text=title, recipient=user, kind=kind)
        except Exception as error:  # a send must never break the caller
            logger.exception("notice %s by %s to %s failed", kind, channel, address)
            try:
                _record(
                    channel,
                    OutboundMessage.Status.FAILED,
                    user,
                    address,
                    kind,
                    title,
                    body,
                    error=f"{type(error).__name__}: {error}",
                )
            except Exception:
                logger.exception("could not record the failed notice")


def _record(
    channel: str,
    status: str,
    user: Any,
    address: str,
    kind: str,
    title: str,
    body: str,
    error: str = "",
) -> None:
    OutboundMessage.objects.create(
        channel=channel,
        status=status,
        recipient=user,
        address=address[:254],
        kind=kind,
        subject=title[:200],
        body=body,
        error=error[:2000],
    )


# ------------------------------------------------------------------ preferences


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str | Promise
    email: bool
    sms: bool


def preferences_for(*, user: Any) -> list[PreferenceRow]:
    """Every kind with the person's choice, or the kind's default where they have not chosen."""
    chosen = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind, spec in KINDS.items():
        pref = chosen.get(kind)
        rows.append(
            PreferenceRow(
                kind=kind,
                label=spec.label,
                email=pref.email if pref else spec.email,
                sms=pref.sms if pref else spec.sms,
            )
        )
    return rows


@transaction.atomic
def preferences_save(*, user: Any, actor: Any, choices: Mapping[str, tuple[bool, bool]]) -> int:
    """A person chooses, per kind, e-mail and SMS for themselves; returns how many changed.

    Kinds not in `choices` keep their setting; unknown kinds are ignored."""
    current = {row.kind: (row.email, row.sms) for row in preferences_for(user=user)}
    before: dict[str, dict[str, bool]] = {}
    after: dict[str, dict[str, bool]] = {}
    for kind, (email, sms) in choices.items():
        if kind not in KINDS:
            continue
        wanted = (bool(email), bool(sms))
        if current[kind] == wanted:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": wanted[0], "sms": wanted[1]}
        )
        before[kind] = {"email": current[kind][0], "sms": current[kind][1]}
        after[kind] = {"email": wanted[0], "sms": wanted[1]}
    if after:
        audit_record(
            actor=actor,
            action="notification.preferences_change",
            obj=user,
            before=before,
            after=after,
        )
    return len(after)


# ------------------------------------------------------------------ notification centre


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
