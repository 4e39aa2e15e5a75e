"""Service requests on the home page: the handler's accept/reply/answer queue with the running
clock's deadline, the enterprise's confirmations, ratings and supplements, the city's extension
approvals and 督办 list; upcoming events for the enterprise that signed up and the provider."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core import worklist
from zjtx.core.worklist import (
    ITEMS_PER_KIND,
    UPCOMING_DAYS,
    UpcomingDate,
    WorkGroup,
    WorkItem,
    as_date,
)

from .models import EventRegistration, ServiceRequest
from .selectors import (
    event_list_for,
    extension_pending_list,
    overdue_list_for,
    request_list_for,
)
from .workflow import SERVICE_REQUEST

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Status = ServiceRequest.Status

HANDLER_WAITING: tuple[tuple[str, Any], ...] = (
    (Status.FILED, _("Service requests awaiting your acceptance")),
    (Status.ACCEPTED, _("Service requests awaiting your reply")),
    (Status.REPLIED, _("Service requests awaiting your answer")),
)
ENTERPRISE_WAITING: tuple[tuple[str, Any], ...] = (
    (Status.WAITING, _("Service requests waiting for your supplement")),
    (Status.ANSWERED, _("Answered service requests awaiting your confirmation")),
    (Status.CONFIRMED, _("Service requests awaiting your rating")),
)
HANDLER_ROLES = frozenset({Role.PROVIDER, Role.UNIT_OFFICER, Role.CITY_OFFICER})


def _active(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def _items(qs: QuerySet[ServiceRequest], kind: Any, overdue: bool = False) -> list[WorkItem]:
    rows = list(qs.order_by("due_on", "created_at", "id")[:ITEMS_PER_KIND])
    due = worklist.clock_due_map(SERVICE_REQUEST.name, [row.pk for row in rows])
    return [
        WorkItem(
            kind=kind,
            title=f"{row.enterprise.name} · {row.title}",
            url=reverse("servicedesk:detail", args=[row.pk]),
            waiting_since=as_date(row.created_at),
            due_on=due.get(str(row.pk), row.due_on),
            overdue=overdue,
        )
        for row in rows
    ]


def _status_groups(
    qs: QuerySet[ServiceRequest], specs: tuple[tuple[str, Any], ...]
) -> list[WorkGroup]:
    counts = dict(
        qs.filter(status__in=[status for status, _kind in specs])
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    groups = []
    for status, kind in specs:
        if counts.get(status):
            url = reverse("servicedesk:list") + "?status=" + status
            groups.append(
                WorkGroup(kind, counts[status], url, _items(qs.filter(status=status), kind))
            )
    return groups


def _extension_groups() -> list[WorkGroup]:
    groups = []
    extensions = extension_pending_list()
    count = extensions.count()
    if count:
        kind = _("Deadline extension requests awaiting approval")
        items = [
            WorkItem(
                kind=kind,
                title=f"{ext.request.enterprise.name} · {ext.request.title}",
                url=reverse("servicedesk:detail", args=[ext.request_id]),
                waiting_since=as_date(ext.requested_at),
                hint=ext.reason,
            )
            for ext in extensions.order_by("requested_at", "id")[:ITEMS_PER_KIND]
        ]
        groups.append(WorkGroup(kind, count, reverse("servicedesk:list"), items))
    return groups


def _overdue_group(user: User, today: date) -> list[WorkGroup]:
    qs = overdue_list_for(user=user, today=today).select_related("enterprise")
    count = qs.count()
    if not count:
        return []
    kind = _("Overdue service requests under supervision (督办)")
    return [WorkGroup(kind, count, reverse("servicedesk:overdue"), _items(qs, kind, True))]


def waiting_for(user: User, today: date) -> list[WorkGroup]:
    if not _active(user):
        return []
    role = user.role
    if role == Role.ENTERPRISE:
        return _status_groups(request_list_for(user=user), ENTERPRISE_WAITING)
    if role not in HANDLER_ROLES:
        return []
    # The handler's own queue: requests currently handled by its side, within its scope.
    queue = request_list_for(user=user, open_only=True).filter(handler=role)
    groups = _status_groups(queue, HANDLER_WAITING)
    if role == Role.CITY_OFFICER:
        groups.extend(_extension_groups())
    if role in (Role.CITY_OFFICER, Role.UNIT_OFFICER):
        groups.extend(_overdue_group(user, today))
    return groups


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def upcoming(user: User, today: date) -> list[UpcomingDate]:
    """Events ahead: those the enterprise signed up for, the provider's own."""
    if not _active(user):
        return []
    window = (_start(today), _start(today + timedelta(days=UPCOMING_DAYS + 1)))
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        registrations = (
            EventRegistration.objects.filter(
                enterprise_id=user.enterprise_id, event__starts_at__range=window
            )
            .select_related("event")
            .order_by("event__starts_at", "id")[:10]
        )
        return [
            UpcomingDate(
                _("Event: %(title)s") % {"title": reg.event.title},
                as_date(reg.event.starts_at) or today,
                reverse("servicedesk:event", args=[reg.event_id]),
            )
            for reg in registrations
        ]
    if user.role == Role.PROVIDER and user.provider_id:
        events = event_list_for(user=user).filter(starts_at__range=window).order_by("starts_at")
        return [
            UpcomingDate(
                _("My event: %(title)s") % {"title": event.title},
                as_date(event.starts_at) or today,
                reverse("servicedesk:event", args=[event.pk]),
            )
            for event in events[:10]
        ]
    return []


def register() -> None:
    worklist.register("servicedesk", waiting_for=waiting_for, upcoming=upcoming)
