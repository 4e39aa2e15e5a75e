"""Service-centre API: requests (scoped list/detail, file, correct, actions, transitions,
ratings), providers, events with registrations, and figures.

Anything outside the caller's scope is a 404; a step the present state forbids is a 409.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from zjtx.accounts.models import Role
from zjtx.core.api_schemas import ERRORS
from zjtx.core.audit import audit_export
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.workflow import actions_for
from zjtx.enterprises import selectors as enterprise_selectors
from zjtx.partners.models import ServiceProvider

from . import events as event_services
from . import providers as provider_services
from . import selectors, services, stats
from .errors import ServiceErrorCode
from .models import ProviderListing, ServiceEvent, ServiceRequest
from .workflow import CLOCK_LABELS, SERVICE_REQUEST

router = Router(tags=["services"])
FORBID_EXTRA = ConfigDict(extra="forbid")


class ServiceRequestCreateIn(Schema):
    model_config = FORBID_EXTRA
    category: str
    title: str
    text: str
    channel: str = "online"
    # An officer files on an enterprise's behalf (visit, phone call): its credit code.
    enterprise: str | None = None


class ServiceRequestPatchIn(Schema):
    model_config = FORBID_EXTRA
    title: str | None = None
    text: str | None = None
    category: str | None = None


class ServiceRequestTransitionIn(Schema):
    model_config = FORBID_EXTRA
    action: str
    reason: str = ""
    # For "route": unit_officer, city_officer or provider:<id>.
    assignee: str | None = None


class ServiceRatingIn(Schema):
    model_config = FORBID_EXTRA
    level: str
    reason: str = ""


class ServiceClockOut(Schema):
    clock: str
    label: str
    state: str
    role: str
    started_on: str
    due_on: str
    remaining_days: int | None
    stopped_on: str | None


class ServiceTimelineOut(Schema):
    action: str
    from_status: str
    to_status: str
    handler: str
    reason: str
    at: str


class ServiceRequestOut(Schema):
    id: int
    enterprise: str
    credit_code: str
    unit: str
    category: str
    title: str
    text: str
    channel: str
    status: str
    handler: str
    provider: int | None
    due_on: str | None
    extended: bool
    escalation_level: int
    answer: str
    reason: str
    rating: str | None
    clocks: list[ServiceClockOut]
    timeline: list[ServiceTimelineOut]


class ServiceRequestSummaryOut(Schema):
    id: int
    enterprise: str
    category: str
    title: str
    status: str
    handler: str
    provider: int | None
    filed_on: str
    due_on: str | None


class ServiceActionOut(Schema):
    action: str
    label: str
    needs_reason: bool


class ServiceProviderIn(Schema):
    model_config = FORBID_EXTRA
    name: str
    credit_code: str
    platforms: list[str]
    functions: list[str]
    fee_policy: str
    qualifications: str = ""
    fee_note: str = ""
    contact_name: str = ""
    contact_phone: str = ""


class ServiceProviderOut(Schema):
    id: int
    provider: int | None
    name: str
    credit_code: str
    platforms: list[str]
    functions: list[str]
    fee_policy: str
    qualifications: str
    status: str


class ServiceEventIn(Schema):
    model_config = FORBID_EXTRA
    title: str
    kind: str
    starts_at: datetime
    place: str
    capacity: int
    description: str = ""
    manager_training: bool = False


class ServiceEventOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: str
    place: str
    capacity: int
    registered: int
    provider: int | None


class ServiceRegistrationIn(Schema):
    model_config = FORBID_EXTRA
    attendee: str = ""


class ServiceRegistrationOut(Schema):
    id: int
    event: int
    enterprise: int
    attendee: str
    token: str


class EventRatingIn(Schema):
    model_config = FORBID_EXTRA
    score: int
    comment: str = ""


class EventRatingOut(Schema):
    event: int
    enterprise: int
    score: int
    comment: str


class ServiceStatsRowOut(Schema):
    key: str
    label: str
    filed: int
    open: int
    resolved: int
    on_time_accept: str | None
    on_time_reply: str | None
    on_time_resolve: str | None
    resolution_rate: str | None
    satisfaction_rate: str | None


class ServiceStatsQuery(Schema):
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")
    group_by: str = "category"


def _d(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _out(request: ServiceRequest) -> dict[str, Any]:
    rating = getattr(request, "rating", None) if request.status == "rated" else None
    return {
        "id": request.pk,
        "enterprise": request.enterprise.name,
        "credit_code": request.enterprise.credit_code,
        "unit": request.unit.name,
        "category": request.category,
        "title": request.title,
        "text": request.text,
        "channel": request.channel,
        "status": request.status,
        "handler": request.handler,
        "provider": request.provider_id,
        "due_on": _d(request.due_on),
        "extended": request.extended,
        "escalation_level": request.escalation_level,
        "answer": request.answer,
        "reason": request.last_reason,
        "rating": rating.level if rating else None,
        "clocks": [
            {
                "clock": c.clock,
                "label": str(CLOCK_LABELS.get(c.clock, c.clock)),
                "state": c.state,
                "role": c.role,
                "started_on": c.started_on.isoformat(),
                "due_on": c.due_on.isoformat(),
                "remaining_days": c.remaining_days,
                "stopped_on": _d(c.stopped_on),
            }
            for c in selectors.request_clocks(request=request)
        ],
        "timeline": [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "handler": e.handler,
                "reason": e.reason,
                "at": e.created_at.isoformat(),
            }
            for e in request.events.all()
        ],
    }


def _summary(r: ServiceRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "enterprise": r.enterprise.name,
        "category": r.category,
        "title": r.title,
        "status": r.status,
        "handler": r.handler,
        "provider": r.provider_id,
        "filed_on": r.filed_on.isoformat(),
        "due_on": _d(r.due_on),
    }


@router.get(
    "/services/requests", response=list[ServiceRequestSummaryOut], url_name="services-requests"
)
def request_list(
    request: AuthedRequest, status: str = "", category: str = "", limit: int = 200
) -> list[dict[str, Any]]:
    limit = min(max(limit, 1), 1000)
    rows = [
        _summary(r)
        for r in selectors.request_list_for(
            user=request.user, status=status or None, category=category or None
        )[:limit]
    ]
    audit_export(
        actor=request.user,
        action="servicedesk.api_request_list",
        object_type="servicedesk.servicerequest",
        count=len(rows),
        filters={"status": status, "category": category},
    )
    return rows


@router.post(
    "/services/requests",
    response={201: ServiceRequestOut, **ERRORS},
    url_name="services-request-create",
)
def request_create(request: AuthedRequest, payload: ServiceRequestCreateIn) -> tuple[int, Any]:
    user = request.user
    role = getattr(user, "role", "")
    if role == Role.ENTERPRISE:
        enterprise = enterprise_selectors.enterprise_for_user(user=user)
    elif role in (Role.UNIT_OFFICER, Role.CITY_OFFICER) and payload.enterprise:
        enterprise = enterprise_selectors.enterprise_get_for(
            user=user, credit_code=payload.enterprise
        )
    elif role in (Role.UNIT_OFFICER, Role.CITY_OFFICER):
        raise DomainError(
            ServiceErrorCode.INVALID_INPUT,
            _("The request has invalid fields."),
            {"enterprise": _("Give the enterprise's credit code.")},
        )
    else:
        raise Http404
    created = services.request_file(
        enterprise=enterprise,
        category=payload.category,
        title=payload.title,
        text=payload.text,
        channel=payload.channel,
        actor=user,
    )
    return 201, _out(selectors.request_get(user=user, pk=created.pk))


@router.get(
    "/services/requests/{request_id}",
    response=ServiceRequestOut,
    url_name="services-request-detail",
)
def request_detail(request: AuthedRequest, request_id: int) -> dict[str, Any]:
    return _out(selectors.request_get(user=request.user, pk=request_id))


@router.patch(
    "/services/requests/{request_id}",
    response={200: ServiceRequestOut, **ERRORS},
    url_name="services-request-patch",
)
def request_patch(
    request: AuthedRequest, request_id: int, payload: ServiceRequestPatchIn
) -> dict[str, Any]:
    found = selectors.request_get(user=request.user, pk=request_id)
    services.request_update(
        request=found,
        actor=request.user,
        title=payload.title,
        text=payload.text,
        category=payload.category,
    )
    return _out(selectors.request_get(user=request.user, pk=request_id))


@router.get(
    "/services/requests/{request_id}/actions",
    response=list[ServiceActionOut],
    url_name="services-request-actions",
)
def request_actions(request: AuthedRequest, request_id: int) -> list[dict[str, Any]]:
    found = selectors.request_get(user=request.user, pk=request_id)
    role = str(getattr(request.user, "role", ""))
    out = [
        {"action": name, "label": str(t.label), "needs_reason": t.needs_reason}
        for name, t in actions_for(SERVICE_REQUEST, state=found.status, role=role)
        if role in (Role.CITY_OFFICER, Role.ENTERPRISE)
        or role == found.handler
        or name == "supplement"
    ]
    if found.is_open and (role == Role.CITY_OFFICER or role == found.handler):
        out.append({"action": "route", "label": str(_("Hand over")), "needs_reason": True})
        if not found.extended:
            out.append(
                {
                    "action": "request_extension",
                    "label": str(_("Ask for an extension")),
                    "needs_reason": True,
                }
            )
    return out


def _route_target(assignee: str | None) -> tuple[str, ServiceProvider | None]:
    raw = (assignee or "").strip()
    if raw.startswith("provider:"):
        try:
            pk = int(raw.split(":", 1)[1])
        except ValueError:
            pk = 0
        provider = ServiceProvider.objects.filter(pk=pk, is_active=True).first()
        if provider is None:
            raise DomainError(
                ServiceErrorCode.INVALID_ROUTE,
                _("Choose an active service provider."),
                {"assignee": _("Not in the list")},
            )
        return "provider", provider
    if raw in ("unit_officer", "city_officer"):
        return raw, None
    raise DomainError(
        ServiceErrorCode.INVALID_ROUTE,
        _("Hand the request to the unit, the city or a provider."),
        {"assignee": _("Not in the list")},
    )


@router.post(
    "/services/requests/{request_id}/transitions",
    response={200: ServiceRequestOut, **ERRORS},
    url_name="services-request-transition",
)
def request_transition(
    request: AuthedRequest, request_id: int, payload: ServiceRequestTransitionIn
) -> dict[str, Any]:
    found = selectors.request_get(user=request.user, pk=request_id)
    if payload.action == "route":
        to, provider = _route_target(payload.assignee)
        services.request_route(
            request=found, to=to, provider=provider, reason=payload.reason, actor=request.user
        )
    elif payload.action == "request_extension":
        services.extension_request(request=found, reason=payload.reason, actor=request.user)
    elif payload.action == "rate":
        raise DomainError(
            ServiceErrorCode.INVALID_INPUT,
            _("Rate through the ratings endpoint."),
            {"action": _("Use POST …/ratings")},
        )
    else:
        services.request_transition(
            request=found, action=payload.action, actor=request.user, reason=payload.reason
        )
    return _out(selectors.request_get(user=request.user, pk=request_id))


@router.post(
    "/services/requests/{request_id}/ratings",
    response={201: ServiceRequestOut, **ERRORS},
    url_name="services-request-rating",
)
def request_rating(
    request: AuthedRequest, request_id: int, payload: ServiceRatingIn
) -> tuple[int, Any]:
    found = selectors.request_get(user=request.user, pk=request_id)
    services.request_rate(
        request=found, level=payload.level, reason=payload.reason, actor=request.user
    )
    return 201, _out(selectors.request_get(user=request.user, pk=request_id))


# ------------------------------------------------------------------ providers


def _listing_out(listing: ProviderListing) -> dict[str, Any]:
    return {
        "id": listing.pk,
        "provider": listing.provider_id,
        "name": listing.name,
        "credit_code": listing.credit_code,
        "platforms": listing.platforms,
        "functions": listing.functions,
        "fee_policy": listing.fee_policy,
        "qualifications": listing.qualifications,
        "status": listing.status,
    }


@router.get("/services/providers", response=list[ServiceProviderOut], url_name="services-providers")
def provider_list(request: AuthedRequest, status: str = "") -> list[dict[str, Any]]:
    return [_listing_out(x) for x in selectors.listing_list_for(user=request.user, status=status)]


@router.post(
    "/services/providers",
    response={201: ServiceProviderOut, **ERRORS},
    url_name="services-provider-create",
)
def provider_create(request: AuthedRequest, payload: ServiceProviderIn) -> tuple[int, Any]:
    listing = provider_services.listing_submit(
        actor=request.user,
        name=payload.name,
        credit_code_raw=payload.credit_code,
        platforms=payload.platforms,
        functions=payload.functions,
        fee_policy=payload.fee_policy,
        qualifications=payload.qualifications,
        fee_note=payload.fee_note,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
    )
    return 201, _listing_out(listing)


@router.get(
    "/services/providers/{listing_id}",
    response=ServiceProviderOut,
    url_name="services-provider-detail",
)
def provider_detail(request: AuthedRequest, listing_id: int) -> dict[str, Any]:
    return _listing_out(selectors.listing_get(user=request.user, pk=listing_id))


# ------------------------------------------------------------------ events


def _event_out(event: ServiceEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "starts_at": timezone.localtime(event.starts_at).isoformat(),
        "place": event.place,
        "capacity": event.capacity,
        "registered": getattr(event, "registered", 0),
        "provider": event.provider_id,
    }


@router.get("/services/events", response=list[ServiceEventOut], url_name="services-events")
def event_list(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_event_out(e) for e in selectors.event_list_for(user=request.user)[:500]]


@router.post(
    "/services/events", response={201: ServiceEventOut, **ERRORS}, url_name="services-event-create"
)
def event_create(request: AuthedRequest, payload: ServiceEventIn) -> tuple[int, Any]:
    event = event_services.event_create(actor=request.user, **payload.model_dump())
    return 201, _event_out(selectors.event_get(user=request.user, pk=event.pk))


@router.post(
    "/services/events/{event_id}/registrations",
    response={201: ServiceRegistrationOut, **ERRORS},
    url_name="services-event-register",
)
def event_register(
    request: AuthedRequest, event_id: int, payload: ServiceRegistrationIn
) -> tuple[int, Any]:
    event = selectors.event_get(user=request.user, pk=event_id)
    reg = event_services.event_register(event=event, actor=request.user, attendee=payload.attendee)
    return 201, {
        "id": reg.pk,
        "event": reg.event_id,
        "enterprise": reg.enterprise_id,
        "attendee": reg.attendee,
        "token": reg.token,
    }


@router.post(
    "/services/events/{event_id}/ratings",
    response={201: EventRatingOut, **ERRORS},
    url_name="services-event-rating",
)
def event_rating(request: AuthedRequest, event_id: int, payload: EventRatingIn) -> tuple[int, Any]:
    event = selectors.event_get(user=request.user, pk=event_id)
    reg = event_services.event_rate(
        event=event, actor=request.user, score=payload.score, comment=payload.comment
    )
    return 201, {
        "event": reg.event_id,
        "enterprise": reg.enterprise_id,
        "score": reg.score,
        "comment": reg.comment,
    }


# ------------------------------------------------------------------ figures


@router.get("/services/stats", response=list[ServiceStatsRowOut], url_name="services-stats")
def stats_view(
    request: AuthedRequest,
    filters: Query[ServiceStatsQuery],
) -> list[dict[str, Any]]:
    if getattr(request.user, "role", "") not in (Role.CITY_OFFICER, Role.UNIT_OFFICER):
        raise Http404
    rows = stats.stats_for(
        user=request.user,
        date_from=filters.date_from,
        date_to=filters.date_to,
        group_by=filters.group_by,
    )
    return [r.as_dict() for r in rows]
