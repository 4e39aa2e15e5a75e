"""Append-only, hash-chained audit trail. Every service write calls `audit_record`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from . import context
from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value.pk)
    return str(value)


def to_jsonable(data: Any) -> Any:
    """Round-trip through JSON so what is hashed equals what the database gives back."""
    if data is None:
        return None
    return json.loads(json.dumps(data, default=_default, ensure_ascii=False))


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "result": event.result,
        "ip": event.ip,
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
    success: bool = True,
    username: str = "",
) -> AuditEvent:
    """Append one event to the chain; a failed write fails the caller's transaction (8.1.4.3 d)."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    actor_obj = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor_obj,
            actor_username=username or (actor_obj.get_username() if actor_obj else ""),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:255],
            before=to_jsonable(before),
            after=to_jsonable(after),
            result=AuditEvent.Result.SUCCESS if success else AuditEvent.Result.FAILURE,
            ip=ctx.ip,
            request_id=ctx.request_id,
            prev_hash=head.last_hash,
        )
        event.hash = _digest(event.prev_hash, _hashed_fields(event))
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    reason: str


def audit_verify(events: Iterable[AuditEvent] | None = None) -> Iterator[ChainProblem]:
    """Recompute every link; yields each event whose hash or predecessor does not match."""
    qs = events if events is not None else AuditEvent.objects.order_by("id").iterator(2000)
    prev = GENESIS
    last_id = None
    for event in qs:
        if event.prev_hash != prev:
            yield ChainProblem(event.id, "broken_link")
        expected = _digest(event.prev_hash, _hashed_fields(event))
        if expected != event.hash:
            yield ChainProblem(event.id, "hash_mismatch")
        prev = event.hash
        last_id = event.id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        yield ChainProblem(last_id or 0, "head_mismatch")


def model_snapshot(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of obj as JSON-ready values, for before/after."""
    return to_jsonable({f: getattr(obj, f) for f in fields})
