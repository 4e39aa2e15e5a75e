"""Events (沙龙, 培训, 对接会): publish with capacity, sign up, QR check-in, rating.

Attendance counts into the provider's record (ranking) and the enterprise's profile (training
of managers, 芜湖实施意见 二(八)).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.audit import audit_record
from zjtx.core.errors import ErrorCode, NotFound

from .errors import ServiceConflict, ServiceError, ServiceErrorCode
from .models import EventRegistration, ServiceEvent

PUBLISHERS = (Role.PROVIDER, Role.CITY_OFFICER, Role.UNIT_OFFICER)


@transaction.atomic
def event_create(
    *,
    actor: Any,
    title: str,
    kind: str,
    starts_at: datetime,
    place: str,
    capacity: int,
    description: str = "",
    manager_training: bool = False,
) -> ServiceEvent:
    """A provider (for itself) or an officer publishes an event with a capacity."""
    if getattr(actor, "role", "") not in PUBLISHERS:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    fields: dict[str, str] = {}
    if not (title or "").strip() or len(title.strip()) > 200:
        fields["title"] = _("Enter a title (at most 200 characters).")
    if kind not in ServiceEvent.Kind.values:
        fields["kind"] = _("Choose salon, training or matchmaking meeting.")
    if not (place or "").strip():
        fields["place"] = _("Enter the place.")
    if not isinstance(capacity, int) or not (1 <= capacity <= 10000):
        fields["capacity"] = _("The capacity is a whole number from 1 to 10000.")
    if fields:
        raise ServiceError(
            ServiceErrorCode.INVALID_INPUT, _("The request has invalid fields."), fields
        )
    event = ServiceEvent.objects.create(
        title=title.strip(),
        kind=kind,
        starts_at=starts_at,
        place=place.strip()[:200],
        capacity=capacity,
        description=(description or "").strip()[:5000],
        manager_training=manager_training,
        provider=actor.provider if actor.role == Role.PROVIDER else None,
        published_by=actor,
    )
    audit_record(
        actor=actor,
        action="servicedesk.event.create",
        obj=event,
        after={"title": event.title, "capacity": capacity},
    )
    return event


def event_register(*, event: ServiceEvent, actor: Any, attendee: str = "") -> EventRegistration:
    """An enterprise signs up while places remain (one registration per enterprise)."""
    if getattr(actor, "role", "") != Role.ENTERPRISE or not actor.enterprise_id:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    with transaction.atomic():
        locked = ServiceEvent.objects.select_for_update().get(pk=event.pk)
        if locked.starts_at < timezone.now():
            raise ServiceConflict(ServiceErrorCode.EVENT_PAST, _("The event has already started."))
        if EventRegistration.objects.filter(
            event=locked, enterprise_id=actor.enterprise_id
        ).exists():
            raise ServiceConflict(
                ServiceErrorCode.ALREADY_REGISTERED, _("The enterprise has already signed up.")
            )
        if locked.registrations.count() >= locked.capacity:
            raise ServiceConflict(ServiceErrorCode.EVENT_FULL, _("The event is full."))
        try:
            with transaction.atomic():
                registration = EventRegistration.objects.create(
                    event=locked,
                    enterprise_id=actor.enterprise_id,
                    attendee=(attendee or actor.display_name).strip()[:50],
                    token=secrets.token_urlsafe(18),
                )
        except IntegrityError as exc:
            raise ServiceConflict(
                ServiceErrorCode.ALREADY_REGISTERED, _("The enterprise has already signed up.")
            ) from exc
        audit_record(
            actor=actor,
            action="servicedesk.event.register",
            obj=locked,
            after={"enterprise": actor.enterprise_id},
        )
    return registration


def may_run(actor: Any, event: ServiceEvent) -> bool:
    role = getattr(actor, "role", "")
    if role == Role.PROVIDER:
        return bool(event.provider_id and actor.provider_id == event.provider_id)
    return role in (Role.CITY_OFFICER, Role.UNIT_OFFICER)


def registration_for_organiser(*, token: str, user: Any) -> EventRegistration:
    """The registration behind a QR code, for the event's organiser only (else 404)."""
    registration = (
        EventRegistration.objects.select_related("event", "enterprise").filter(token=token).first()
    )
    if registration is None or not may_run(user, registration.event):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return registration


@transaction.atomic
def event_check_in(*, token: str, actor: Any) -> EventRegistration:
    """The organiser scans the attendee's QR code at the door (idempotent)."""
    registration = (
        EventRegistration.objects.select_for_update()
        .select_related("event")
        .filter(token=token)
        .first()
    )
    if registration is None or not may_run(actor, registration.event):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if registration.checked_in_at is None:
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at"])
        audit_record(
            actor=actor,
            action="servicedesk.event.check_in",
            obj=registration.event,
            after={"enterprise": registration.enterprise_id},
        )
    return registration


@transaction.atomic
def event_rate(
    *, event: ServiceEvent, actor: Any, score: int, comment: str = ""
) -> EventRegistration:
    """An enterprise that attended scores the event 1–5, once."""
    if getattr(actor, "role", "") != Role.ENTERPRISE:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    registration = (
        EventRegistration.objects.select_for_update()
        .filter(event=event, enterprise_id=actor.enterprise_id)
        .first()
    )
    if registration is None or registration.checked_in_at is None:
        raise ServiceConflict(
            ServiceErrorCode.NOT_REGISTERED, _("Only an enterprise that attended can rate.")
        )
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ServiceError(
            ServiceErrorCode.INVALID_RATING,
            _("Give a score from 1 to 5."),
            {"score": _("Not in the list")},
        )
    if len(comment or "") > 500:
        raise ServiceError(
            ServiceErrorCode.INVALID_INPUT,
            _("The request has invalid fields."),
            {"comment": _("The comment is at most 500 characters.")},
        )
    if registration.score is not None:
        raise ServiceConflict(
            ServiceErrorCode.EVENT_ALREADY_RATED, _("The enterprise has already rated this event.")
        )
    registration.score = score
    registration.comment = (comment or "").strip()[:500]
    registration.save(update_fields=["score", "comment"])
    audit_record(
        actor=actor,
        action="servicedesk.event.rate",
        obj=event,
        after={"enterprise": registration.enterprise_id, "score": score},
    )
    return registration


def attendance_for_enterprise(*, enterprise_id: int) -> QuerySet[EventRegistration]:
    """Events an enterprise attended (its profile; management training counts for 二(八))."""
    return (
        EventRegistration.objects.filter(enterprise_id=enterprise_id, checked_in_at__isnull=False)
        .select_related("event", "event__provider")
        .order_by("-event__starts_at")
    )


def qr_svg(url: str) -> str:
    """The check-in QR code as inline SVG (no network, no image files)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return str(image.to_string(encoding="unicode"))
