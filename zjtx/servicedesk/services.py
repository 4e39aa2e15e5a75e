"""Writes: requests (file, transitions, hand-offs, escalation, extension, rating, call-back).

Every status change goes through the engine (`run` on SERVICE_REQUEST); hand-offs move no
status and re-own the live clocks (`clocks_reassign`); an approved extension lengthens the
resolve clock (`clock_extend`). After each change the request's `due_on` and on-time flags
are brought in step with its clocks, so the 督办 list and the figures need no clock join.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_record
from zjtx.core.errors import ErrorCode, NotFound
from zjtx.core.files import sniff_document, store_upload
from zjtx.core.models import WorkflowClock
from zjtx.core.workflow import clock_extend, clocks_after_move, clocks_reassign, run

from . import stats
from .errors import ServiceConflict, ServiceError, ServiceErrorCode
from .models import (
    OPEN_STATUSES,
    Callback,
    Category,
    CategorySla,
    ExtensionRequest,
    Handler,
    RequestAttachment,
    RequestEvent,
    Satisfaction,
    ServiceRequest,
)
from .workflow import SERVICE_REQUEST

if TYPE_CHECKING:
    from zjtx.accounts.models import User


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
EXTENDED_RESOLVE_DAYS = 30
DEFAULT_ROUTES: dict[str, str] = {Category.COMPLAINT: Handler.CITY}
ESCALATE_TO = {Handler.PROVIDER: Handler.UNIT, Handler.UNIT: Handler.CITY}


def _user(actor: User | None) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _event(request: ServiceRequest, action: str, actor: User | None, reason: str = "") -> None:
    RequestEvent.objects.create(
        request=request,
        action=action,
        from_status=request.status,
        to_status=request.status,
        handler=request.handler,
        provider_id=request.provider_id,
        reason=reason,
        actor=_user(actor),
    )


def clocks_sync(request: ServiceRequest, *, today: date | None = None) -> None:
    """Copy the next due date and each clock's on-time outcome onto the request."""
    today = today or timezone.localdate()
    rows = WorkflowClock.objects.filter(
        workflow=SERVICE_REQUEST.name, object_id=str(request.pk)
    ).order_by("started_on", "id")
    due: date | None = None
    outcome: dict[str, bool | None] = {}
    for row in rows:
        if row.state == WorkflowClock.State.RUNNING:
            due = row.due_on if due is None else min(due, row.due_on)
            outcome[row.clock] = False if row.due_on < today else None
        elif row.state == WorkflowClock.State.PAUSED:
            outcome[row.clock] = None
        else:
            outcome[row.clock] = row.state == WorkflowClock.State.MET
    request.due_on = due
    request.accept_on_time = outcome.get("accept")
    request.reply_on_time = outcome.get("reply")
    request.resolve_on_time = outcome.get("resolve")
    ServiceRequest.objects.filter(pk=request.pk).update(
        due_on=due,
        accept_on_time=request.accept_on_time,
        reply_on_time=request.reply_on_time,
        resolve_on_time=request.resolve_on_time,
    )
    stats.stat_refresh_for(request)


# ------------------------------------------------------------------ routing


def route_rule(category: str) -> tuple[str, Any, str]:
    """(handler, provider, reason) for a new request of `category` (the category's SLA row)."""
    sla = CategorySla.objects.select_related("provider").filter(category=category).first()
    label = Category(category).label
    if sla is not None:
        if sla.route_to == Handler.PROVIDER and sla.provider is not None and sla.provider.is_active:
            return (
                Handler.PROVIDER,
                sla.provider,
                _("Routing rule: %(category)s goes to %(provider)s.")
                % {"category": label, "provider": sla.provider.name},
            )
        if sla.route_to == Handler.CITY:
            return (
                Handler.CITY,
                None,
                _("Routing rule: %(category)s goes to the city.") % {"category": label},
            )
    if DEFAULT_ROUTES.get(category) == Handler.CITY and sla is None:
        return (
            Handler.CITY,
            None,
            _("Routing rule: %(category)s goes to the city.") % {"category": label},
        )
    return (
        Handler.UNIT,
        None,
        _("Routing rule: %(category)s goes to the enterprise's unit.") % {"category": label},
    )


def _days(category: str) -> tuple[int, int, int]:
    sla = CategorySla.objects.filter(category=category).first()
    if sla is None:
        return 1, 3, 15
    return sla.accept_days, sla.reply_days, sla.resolve_days


# ------------------------------------------------------------------ filing


def _may_file_for(actor: User, enterprise: Any) -> bool:
    role = getattr(actor, "role", "")
    if role == Role.ENTERPRISE:
        return bool(actor.enterprise_id == enterprise.pk)
    if role == Role.UNIT_OFFICER:
        return bool(actor.unit_id == enterprise.unit_id)
    return role == Role.CITY_OFFICER


@transaction.atomic
def request_file(
    *,
    enterprise: Any,
    category: str,
    title: str,
    text: str,
    actor: User,
    channel: str = ServiceRequest.Channel.ONLINE,
    attachments: Iterable[tuple[str, bytes]] = (),
    today: date | None = None,
) -> ServiceRequest:
    """An enterprise (or an officer on its behalf, after a visit or a call) files a request
    (芜湖实施意见 二(五)); it is routed by the category's rule and its clocks start."""
    if not _may_file_for(actor, enterprise):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    fields: dict[str, str] = {}
    if category not in Category.values:
        fields["category"] = _("Choose one of the listed categories.")
    if not (title or "").strip():
        fields["title"] = _("Give the request a short title.")
    elif len(title.strip()) > 200:
        fields["title"] = _("The title is longer than 200 characters.")
    if not (text or "").strip():
        fields["text"] = _("Describe what the enterprise needs.")
    elif len(text) > 5000:
        fields["text"] = _("The text is longer than 5000 characters.")
    if channel not in ServiceRequest.Channel.values:
        fields["channel"] = _("Choose online, visit or phone call.")
    if getattr(actor, "role", "") == Role.ENTERPRISE and channel != ServiceRequest.Channel.ONLINE:
        fields["channel"] = _("An enterprise files online.")
    if fields:
        code = (
            ServiceErrorCode.INVALID_CATEGORY
            if list(fields) == ["category"]
            else ServiceErrorCode.INVALID_INPUT
        )
        raise ServiceError(code, _("The request has invalid fields."), fields)
    today = today or timezone.localdate()
    handler, provider, why = route_rule(category)
    accept_days, reply_days, resolve_days = _days(category)
    request = ServiceRequest.objects.create(
        enterprise=enterprise,
        unit_id=enterprise.unit_id,
        category=category,
        title=title.strip(),
        text=text.strip(),
        channel=channel,
        handler=handler,
        provider=provider,
        accept_days=accept_days,
        reply_days=reply_days,
        resolve_days=resolve_days,
        filed_by=_user(actor),
        filed_on=today,
    )
    RequestEvent.objects.create(
        request=request,
        action="file",
        to_status=request.status,
        handler=handler,
        provider=provider,
        reason=str(why),
        actor=_user(actor),
    )
    for name, data in attachments:
        _attach(request, name, data, actor)
    clocks_after_move(SERVICE_REQUEST, request, "", request.status, today)
    clocks_sync(request, today=today)
    audit_record(
        actor=actor,
        action="servicedesk.request.file",
        obj=request,
        after={
            "category": category,
            "channel": channel,
            "handler": handler,
            "provider": getattr(provider, "pk", None),
            "enterprise": enterprise.pk,
        },
    )
    return request


def _attach(request: ServiceRequest, name: str, data: bytes, actor: User) -> RequestAttachment:
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ServiceError(
            ServiceErrorCode.FILE_TOO_LARGE,
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_ATTACHMENT_BYTES // 1048576},
            {"file": name},
        )
    kind = sniff_document(data[:16]) if data else None
    if kind is None:
        raise ServiceError(
            ServiceErrorCode.FILE_TYPE_NOT_ALLOWED,
            _("Only PDF, PNG or JPEG files are accepted (checked by the file's content)."),
            {"file": name},
        )
    content_type, extension = kind
    attachment = RequestAttachment(
        request=request,
        original_name=name[:200],
        content_type=content_type,
        size=len(data),
        uploaded_by=_user(actor),
    )
    store_upload(attachment.file, data, extension)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_add(
    *, request: ServiceRequest, name: str, data: bytes, actor: User
) -> RequestAttachment:
    """The enterprise adds a file while the request is open."""
    if (
        getattr(actor, "role", "") != Role.ENTERPRISE
        or actor.enterprise_id != request.enterprise_id
    ):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if request.status not in OPEN_STATUSES:
        raise ServiceConflict(ServiceErrorCode.REQUEST_CLOSED, _("The request is closed."))
    attachment = _attach(request, name, data, actor)
    audit_record(
        actor=actor,
        action="servicedesk.request.attach",
        obj=request,
        after={"file": attachment.original_name, "size": attachment.size},
    )
    return attachment


# ------------------------------------------------------------------ transitions


def request_transition(
    *,
    request: ServiceRequest,
    action: str,
    actor: User,
    reason: str = "",
    data: dict[str, Any] | None = None,
    today: date | None = None,
) -> ServiceRequest:
    """One step of the request's workflow (the table in workflow.py), clocks kept in step."""
    with transaction.atomic():
        run(SERVICE_REQUEST, request, action, actor=actor, reason=reason, data=data, today=today)
        request.refresh_from_db()
        clocks_sync(request, today=today)
    return request


def request_rate(
    *, request: ServiceRequest, level: str, reason: str, actor: User, today: date | None = None
) -> ServiceRequest:
    """The enterprise rates a confirmed request: 满意 / 基本满意 / 不满意 (a reason unless 满意)."""
    return request_transition(
        request=request,
        action="rate",
        actor=actor,
        reason=reason,
        data={"level": level},
        today=today,
    )


@transaction.atomic
def request_route(
    *,
    request: ServiceRequest,
    to: str,
    actor: User,
    reason: str,
    provider: Any = None,
    today: date | None = None,
) -> ServiceRequest:
    """派单: hand an open request to the unit, the city or a provider, always with a reason."""
    locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    require_role(actor, Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.PROVIDER, hide=True)
    role = actor.role
    if not SERVICE_REQUEST.in_scope or not SERVICE_REQUEST.in_scope(actor, locked):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if role != Role.CITY_OFFICER and locked.handler != role:
        raise ServiceConflict(
            ServiceErrorCode.NOT_HANDLER,
            _("The request is handled by %(handler)s now.")
            % {"handler": locked.get_handler_display()},
        )
    if locked.status not in OPEN_STATUSES:
        raise ServiceConflict(ServiceErrorCode.REQUEST_CLOSED, _("The request is closed."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            ServiceErrorCode.REASON_REQUIRED,
            _("A written reason is required."),
            {"reason": _("Required")},
        )
    if to not in Handler.values:
        raise ServiceError(
            ServiceErrorCode.INVALID_ROUTE,
            _("Hand the request to the unit, the city or a provider."),
            {"to": _("Not in the list")},
        )
    if role == Role.PROVIDER and to != Handler.UNIT:
        raise ServiceError(
            ServiceErrorCode.INVALID_ROUTE,
            _("A provider hands a request back to the unit."),
            {"to": _("Not in the list")},
        )
    if to == Handler.PROVIDER:
        if provider is None or not provider.is_active:
            raise ServiceError(
                ServiceErrorCode.INVALID_ROUTE,
                _("Choose an active service provider."),
                {"provider": _("Required")},
            )
    before = {"handler": locked.handler, "provider": locked.provider_id}
    locked.handler = to
    if to == Handler.PROVIDER:
        locked.provider = provider
    locked.save(update_fields=["handler", "provider"])
    clocks_reassign(SERVICE_REQUEST, locked)
    if before["provider"] != locked.provider_id:
        stats.stat_refresh_for(locked, provider_id=before["provider"])
        stats.stat_refresh_for(locked)
    _event(locked, "route", actor, reason)
    audit_record(
        actor=actor,
        action="servicedesk.request.route",
        obj=locked,
        before=before,
        after={"handler": locked.handler, "provider": locked.provider_id, "reason": reason},
    )
    request.handler, request.provider_id = locked.handler, locked.provider_id
    return locked


def requests_escalate(*, today: date | None = None) -> int:
    """Overdue requests move one step up, provider → unit → city, and go on the 督办 list
    (run daily by the scheduler). Returns how many moved."""
    today = today or timezone.localdate()
    moved = 0
    overdue = ServiceRequest.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    for pk in overdue.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            request = ServiceRequest.objects.select_for_update().get(pk=pk)
            target = ESCALATE_TO.get(Handler(request.handler))
            if target is None:
                if request.escalation_level < 2:
                    request.escalation_level = 2
                    request.save(update_fields=["escalation_level"])
                clocks_sync(request, today=today)
                continue
            before = {"handler": request.handler, "level": request.escalation_level}
            request.handler = target
            request.escalation_level = 1 if target == Handler.UNIT else 2
            request.save(update_fields=["handler", "escalation_level"])
            clocks_reassign(SERVICE_REQUEST, request)
            clocks_sync(request, today=today)
            reason = _("Overdue since %(date)s: escalated to %(handler)s.") % {
                "date": request.due_on.isoformat() if request.due_on else "—",
                "handler": request.get_handler_display(),
            }
            _event(request, "escalate", None, reason)
            audit_record(
                actor=None,
                action="servicedesk.request.escalate",
                obj=request,
                before=before,
                after={"handler": request.handler, "level": request.escalation_level},
            )
            moved += 1
    return moved


# ------------------------------------------------------------------ extension


@transaction.atomic
def extension_request(*, request: ServiceRequest, reason: str, actor: User) -> ExtensionRequest:
    """The handler asks to extend the resolve limit to 30 working days (the city decides)."""
    locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    role = getattr(actor, "role", "")
    if role not in (Role.PROVIDER, Role.UNIT_OFFICER, Role.CITY_OFFICER) or not (
        SERVICE_REQUEST.in_scope and SERVICE_REQUEST.in_scope(actor, locked)
    ):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if role != Role.CITY_OFFICER and locked.handler != role:
        raise ServiceConflict(
            ServiceErrorCode.NOT_HANDLER,
            _("The request is handled by %(handler)s now.")
            % {"handler": locked.get_handler_display()},
        )
    if locked.status not in OPEN_STATUSES or locked.extended:
        raise ServiceConflict(
            ServiceErrorCode.EXTENSION_NOT_POSSIBLE,
            _("Only an open request not yet extended can be extended."),
        )
    if locked.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ServiceConflict(
            ServiceErrorCode.EXTENSION_PENDING, _("An extension request is already pending.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            ServiceErrorCode.REASON_REQUIRED,
            _("A written reason is required."),
            {"reason": _("Required")},
        )
    ext = ExtensionRequest.objects.create(request=locked, reason=reason[:1000], requested_by=actor)
    _event(locked, "extension_request", actor, reason)
    audit_record(
        actor=actor, action="servicedesk.extension.request", obj=locked, after={"reason": reason}
    )
    return ext


@transaction.atomic
def extension_decide(
    *,
    extension: ExtensionRequest,
    approve: bool,
    actor: User,
    note: str = "",
    today: date | None = None,
) -> ExtensionRequest:
    """The city officer approves (resolve limit becomes 30 working days) or refuses."""
    if getattr(actor, "role", "") != Role.CITY_OFFICER:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    ext = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if ext.status != ExtensionRequest.Status.PENDING:
        raise ServiceConflict(
            ServiceErrorCode.ALREADY_DECIDED, _("The extension request was already decided.")
        )
    request = ServiceRequest.objects.select_for_update().get(pk=ext.request_id)
    if approve and request.status not in OPEN_STATUSES:
        raise ServiceConflict(
            ServiceErrorCode.EXTENSION_NOT_POSSIBLE,
            _("Only an open request not yet extended can be extended."),
        )
    if not approve and not (note or "").strip():
        raise ServiceError(
            ServiceErrorCode.REASON_REQUIRED,
            _("A written reason is required."),
            {"note": _("Required")},
        )
    ext.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    ext.decided_by = actor
    ext.decided_at = timezone.now()
    ext.decision_note = (note or "").strip()[:1000]
    ext.save()
    if approve:
        extra = max(EXTENDED_RESOLVE_DAYS - request.resolve_days, 0)
        clock_extend(SERVICE_REQUEST, request, "resolve", extra)
        request.resolve_days = max(request.resolve_days, EXTENDED_RESOLVE_DAYS)
        request.extended = True
        request.save(update_fields=["resolve_days", "extended"])
        clocks_sync(request, today=today)
    _event(
        request,
        "extension_approve" if approve else "extension_refuse",
        actor,
        ext.decision_note,
    )
    audit_record(
        actor=actor,
        action="servicedesk.extension.decide",
        obj=request,
        after={"approved": approve, "note": ext.decision_note},
    )
    return ext


# ------------------------------------------------------------------ call-back


@transaction.atomic
def callback_record(*, request: ServiceRequest, level: str, note: str, actor: User) -> Callback:
    """The bureau calls back a closed request and records what the enterprise said."""
    if getattr(actor, "role", "") != Role.CITY_OFFICER:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if request.status not in (
        ServiceRequest.Status.ANSWERED,
        ServiceRequest.Status.CONFIRMED,
        ServiceRequest.Status.RATED,
    ):
        raise ServiceConflict(
            ServiceErrorCode.REQUEST_OPEN, _("Only a closed request can be called back.")
        )
    fields = {}
    if level not in Satisfaction.values:
        fields["level"] = _("Not in the list")
    if not (note or "").strip():
        fields["note"] = _("Required")
    if fields:
        raise ServiceError(
            ServiceErrorCode.INVALID_INPUT, _("The request has invalid fields."), fields
        )
    callback = Callback.objects.create(
        request=request, level=level, note=note.strip()[:2000], called_by=actor
    )
    audit_record(
        actor=actor, action="servicedesk.request.callback", obj=request, after={"level": level}
    )
    return callback


@transaction.atomic
def request_update(
    *,
    request: ServiceRequest,
    actor: User,
    title: str | None = None,
    text: str | None = None,
    category: str | None = None,
) -> ServiceRequest:
    """The enterprise corrects its request until someone accepts it."""
    locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if getattr(actor, "role", "") != Role.ENTERPRISE or actor.enterprise_id != locked.enterprise_id:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if locked.status != ServiceRequest.Status.FILED:
        raise ServiceConflict(
            ServiceErrorCode.NOT_EDITABLE, _("The request can no longer be changed.")
        )
    fields: dict[str, str] = {}
    if category is not None and category not in Category.values:
        fields["category"] = _("Choose one of the listed categories.")
    if title is not None and not (0 < len(title.strip()) <= 200):
        fields["title"] = _("Give the request a short title.")
    if text is not None and not (0 < len(text.strip()) <= 5000):
        fields["text"] = _("Describe what the enterprise needs.")
    if fields:
        raise ServiceError(
            ServiceErrorCode.INVALID_INPUT, _("The request has invalid fields."), fields
        )
    before = {"title": locked.title, "text": locked.text, "category": locked.category}
    if title is not None:
        locked.title = title.strip()
    if text is not None:
        locked.text = text.strip()
    if category is not None:
        locked.category = category
    locked.save(update_fields=["title", "text", "category"])
    if before["category"] != locked.category:
        stats.stat_refresh(
            filed_on=locked.filed_on,
            unit_id=locked.unit_id,
            provider_id=locked.provider_id,
            category=before["category"],
        )
        stats.stat_refresh_for(locked)
    audit_record(
        actor=actor,
        action="servicedesk.request.update",
        obj=locked,
        before=before,
        after={"title": locked.title, "text": locked.text, "category": locked.category},
    )
    return locked


# ------------------------------------------------------------------ configuration, knowledge


@transaction.atomic
def category_sla_set(
    *,
    category: str,
    accept_days: int,
    reply_days: int,
    resolve_days: int,
    route_to: str,
    actor: User,
    provider: Any = None,
) -> CategorySla:
    """The city sets a category's working-day limits and routing rule (new requests use them)."""
    if getattr(actor, "role", "") != Role.CITY_OFFICER:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    fields: dict[str, str] = {}
    if category not in Category.values:
        fields["category"] = _("Choose one of the listed categories.")
    for name, value in (
        ("accept_days", accept_days),
        ("reply_days", reply_days),
        ("resolve_days", resolve_days),
    ):
        if not isinstance(value, int) or not 1 <= value <= 60:
            fields[name] = _("A whole number of working days from 1 to 60.")
    if route_to not in Handler.values:
        fields["route_to"] = _("Hand the request to the unit, the city or a provider.")
    elif route_to == Handler.PROVIDER and (provider is None or not provider.is_active):
        fields["provider"] = _("Choose an active service provider.")
    if not fields and resolve_days < reply_days:
        fields["resolve_days"] = _("The resolve limit must not be shorter than the reply limit.")
    if fields:
        raise ServiceError(
            ServiceErrorCode.INVALID_INPUT, _("The request has invalid fields."), fields
        )
    row = CategorySla.objects.select_for_update().filter(category=category).first()
    before = (
        None
        if row is None
        else {
            "accept_days": row.accept_days,
            "reply_days": row.reply_days,
            "resolve_days": row.resolve_days,
            "route_to": row.route_to,
            "provider": row.provider_id,
        }
    )
    row = row or CategorySla(category=category)
    row.accept_days, row.reply_days, row.resolve_days = accept_days, reply_days, resolve_days
    row.route_to = route_to
    row.provider = provider if route_to == Handler.PROVIDER else None
    row.save()
    audit_record(
        actor=actor,
        action="servicedesk.sla.set",
        obj=row,
        before=before,
        after={
            "accept_days": accept_days,
            "reply_days": reply_days,
            "resolve_days": resolve_days,
            "route_to": route_to,
            "provider": row.provider_id,
        },
    )
    return row


@transaction.atomic
def article_from_request(*, request: ServiceRequest, title: str, actor: User) -> Any:
    """An answer written once becomes a knowledge article (question, answer, category)."""
    from .models import Article

    role = getattr(actor, "role", "")
    if role not in (Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.PROVIDER) or not (
        SERVICE_REQUEST.in_scope and SERVICE_REQUEST.in_scope(actor, request)
    ):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if not request.answer:
        raise ServiceConflict(
            ServiceErrorCode.NO_ANSWER, _("The request has no written answer yet.")
        )
    title = (title or "").strip() or request.title
    article = Article.objects.create(
        kind=Article.Kind.ARTICLE,
        title=title[:200],
        category=request.category,
        keywords=request.title[:300],
        body=_("Question: %(question)s\nAnswer: %(answer)s")
        % {"question": request.text, "answer": request.answer},
        source_request=request,
    )
    audit_record(
        actor=actor,
        action="servicedesk.article.from_request",
        obj=article,
        after={"request": request.pk, "title": article.title},
    )
    return article
