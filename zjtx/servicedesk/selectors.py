"""Reads: requests, the 督办 list, providers, events, articles and figures, always scoped.

An enterprise sees its own requests, a provider those assigned to it, a unit officer its
unit's, the city everything; anything else is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zjtx.accounts.models import Role, User
from zjtx.accounts.scoping import scope_enterprise_qs
from zjtx.core.errors import DomainError
from zjtx.core.models import WorkflowClock

from .models import (
    OPEN_STATUSES,
    Article,
    CategorySla,
    ClusterTown,
    EventRegistration,
    ExtensionRequest,
    ProviderListing,
    ServiceEvent,
    ServiceRequest,
)
from .workflow import SERVICE_REQUEST

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def _active(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def request_scope_q(*, user: User) -> Q | None:
    """The requests `user` may see; None means the whole city."""
    if not _active(user):
        return Q(pk__in=[])
    role = user.role
    if role == Role.CITY_OFFICER:
        return None
    if role == Role.UNIT_OFFICER and user.unit_id:
        return Q(unit_id=user.unit_id)
    if role == Role.ENTERPRISE and user.enterprise_id:
        return Q(enterprise_id=user.enterprise_id)
    if role == Role.PROVIDER and user.provider_id:
        return Q(provider_id=user.provider_id)
    return Q(pk__in=[])


def request_list_for(
    *,
    user: User,
    status: str | None = None,
    category: str | None = None,
    open_only: bool = False,
) -> QuerySet[ServiceRequest]:
    qs = ServiceRequest.objects.all()
    q = request_scope_q(user=user)
    if q is not None:
        qs = qs.filter(q)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs.select_related("enterprise", "unit", "provider").order_by("-created_at", "-id")


def request_get(*, user: User, pk: int) -> ServiceRequest:
    """One request within the user's scope; anything else is Http404, never 403."""
    found = request_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def request_queue_for(*, user: User) -> QuerySet[ServiceRequest]:
    """Open requests waiting on the user's side, soonest due first."""
    qs = request_list_for(user=user, open_only=True)
    if user.role in (Role.PROVIDER, Role.UNIT_OFFICER):
        qs = qs.filter(handler=user.role)
    return qs.order_by("due_on", "id")


def overdue_list_for(*, user: User, today: date | None = None) -> QuerySet[ServiceRequest]:
    """督办: open requests past a due date (escalated ones among them), in the user's scope."""
    if not _active(user) or user.role not in (Role.CITY_OFFICER, Role.UNIT_OFFICER):
        return ServiceRequest.objects.none()
    today = today or timezone.localdate()
    # due_on is set only while a clock runs, so a past due_on means open and overdue (escalated
    # ones among them): one range on the due-date index, no status term, no OR.
    return request_list_for(user=user).filter(due_on__lt=today).order_by("due_on", "id")


def request_clocks(*, request: ServiceRequest) -> list[WorkflowClock]:
    return list(
        WorkflowClock.objects.filter(
            workflow=SERVICE_REQUEST.name, object_id=str(request.pk)
        ).order_by("started_on", "id")
    )


def extension_pending_list() -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).select_related(
        "request", "request__enterprise", "requested_by"
    )


def policies_for(*, request: ServiceRequest) -> list[Any]:
    """The calculator's rows for the enterprise today (eligible or missing data first)."""
    from zjtx.policy.calculator import calculator_run

    try:
        report = calculator_run(enterprise=request.enterprise, as_of=timezone.localdate())
    except DomainError:
        return []
    return sorted(report.awards, key=lambda r: (r.status != "eligible", r.package.id))


def articles_suggested(*, text: str, category: str = "", limit: int = 5) -> list[Article]:
    """Articles whose title or keywords share a word with what is being typed."""
    words = [w for w in text.replace("，", " ").replace("。", " ").split() if len(w) >= 2][:8]
    q = Q(pk__in=[])
    for word in words:
        q |= Q(title__icontains=word) | Q(keywords__icontains=word)
    # Chinese text has no spaces: also match on 2-character pieces of the start of the text.
    compact = "".join(text.split())[:40]
    for i in range(0, max(len(compact) - 1, 0), 2):
        piece = compact[i : i + 2]
        q |= Q(title__icontains=piece) | Q(keywords__icontains=piece)
    if category:
        q |= Q(category=category)
    return list(Article.objects.filter(q).order_by("kind", "title")[:limit])


def article_list(*, kind: str = "", category: str = "") -> QuerySet[Article]:
    qs = Article.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category=category)
    return qs


def listing_list_for(*, user: User | AnonymousUser, status: str = "") -> QuerySet[ProviderListing]:
    """Published listings for everyone signed in; the city also sees those awaiting review."""
    qs = ProviderListing.objects.select_related("provider")
    if not (isinstance(user, User) and _active(user) and user.role == Role.CITY_OFFICER):
        qs = qs.filter(status=ProviderListing.Status.PUBLISHED)
    if status:
        qs = qs.filter(status=status)
    return qs


def listing_get(*, user: User, pk: int) -> ProviderListing:
    found = listing_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def event_list_for(*, user: User) -> QuerySet[ServiceEvent]:
    """Everyone sees every event; a provider sees its own."""
    qs = ServiceEvent.objects.select_related("provider").annotate(
        registered=Count("registrations", distinct=True),
        attended=Count(
            "registrations", filter=Q(registrations__checked_in_at__isnull=False), distinct=True
        ),
    )
    if not _active(user):
        return qs.none()
    if user.role == Role.PROVIDER:
        qs = qs.filter(provider_id=user.provider_id)
    return qs


def event_get(*, user: User, pk: int) -> ServiceEvent:
    found = event_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def events_attended_by(*, enterprise: Any, user: User) -> list[EventRegistration]:
    """The events `enterprise` checked in to, for its profile page (二(八) manager training).

    Scoped like the enterprise page: the enterprise itself, its unit's officers and the city;
    anyone else gets an empty list.
    """
    if not _active(user) or user.role not in (
        Role.CITY_OFFICER,
        Role.UNIT_OFFICER,
        Role.ENTERPRISE,
    ):
        return []
    qs = EventRegistration.objects.filter(enterprise_id=enterprise.pk, checked_in_at__isnull=False)
    return list(
        scope_enterprise_qs(qs, user, via="enterprise__")
        .select_related("event", "event__provider")
        .order_by("-event__starts_at", "-id")[:200]
    )


def sla_list() -> QuerySet[CategorySla]:
    return CategorySla.objects.select_related("provider")


def cluster_list() -> QuerySet[ClusterTown]:
    return ClusterTown.objects.select_related(
        "unit", "financing_institution", "service_platform", "tech_centre_enterprise"
    )
