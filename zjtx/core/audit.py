"""Append-only, hash-chained audit trail. Every service write calls `audit_record`.

Each event is chained with HMAC-SHA256 under a key that lives outside the database
(`ZJTX_AUDIT_HMAC_KEY`), so somebody who can rewrite the table cannot recompute the chain.
`audit_anchor` writes a signed head outside the table; `audit_verify` checks the chain against
those anchors, which catches a deleted tail, a reset head and a truncated table (ADR 0003).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from . import context
from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
HashAlg = AuditEvent.HashAlg

anchor_logger = logging.getLogger("zjtx.audit.anchor")


FIRST_KEY_ID = "0"  # the key before any rotation; its rows carry a blank key_id


class AuditKeyError(RuntimeError):
    """An event or anchor names a key this server does not hold."""


def _key() -> bytes:
    key = getattr(settings, "ZJTX_AUDIT_HMAC_KEY", "")
    if not key:
        raise RuntimeError("ZJTX_AUDIT_HMAC_KEY is not set")
    return str(key).encode()


def current_key_id() -> str:
    return str(getattr(settings, "ZJTX_AUDIT_HMAC_KEY_ID", "") or FIRST_KEY_ID).strip()


def key_ring() -> list[tuple[str, bytes]]:
    """(id, key) newest first: the current key, then the retired ones as configured
    (`ZJTX_AUDIT_HMAC_RETIRED_KEYS="id:key,id:key"`, newest first)."""
    retired = str(getattr(settings, "ZJTX_AUDIT_HMAC_RETIRED_KEYS", "") or "")
    return list(_parse_ring(current_key_id(), _key(), retired))


@lru_cache(maxsize=8)
def _parse_ring(key_id: str, key: bytes, retired: str) -> tuple[tuple[str, bytes], ...]:
    """Parsed once per configuration, not once per event signed or verified."""
    ring = [(key_id, key)]
    for part in retired.split(","):
        if not part.strip():
            continue
        retired_id, sep, secret = part.strip().partition(":")
        if not sep or not retired_id.strip() or not secret:
            raise RuntimeError("ZJTX_AUDIT_HMAC_RETIRED_KEYS must read id:key,id:key")
        if any(retired_id.strip() == known for known, _k in ring):
            raise RuntimeError(f"audit key id {retired_id.strip()!r} is listed twice")
        ring.append((retired_id.strip(), secret.encode()))
    return tuple(ring)


def _key_for(key_id: str) -> bytes:
    wanted = key_id or FIRST_KEY_ID
    for known, key in key_ring():
        if known == wanted:
            return key
    raise AuditKeyError(wanted)


def _stored_key_id() -> str:
    """What a new row records: blank for the first key, so that chains written before
    rotation existed keep their hashes."""
    key_id = current_key_id()
    return "" if key_id == FIRST_KEY_ID else key_id


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


def _digest(
    prev_hash: str, fields: dict[str, Any], alg: str = HashAlg.SHA256, key_id: str = ""
) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    message = (prev_hash + payload).encode()
    if alg == HashAlg.HMAC_SHA256:
        return hmac.new(_key_for(key_id), message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


def event_digest(event: AuditEvent) -> str:
    """The hash an event must carry: legacy rows plain SHA-256, newer rows keyed with the key
    their `key_id` names (AuditKeyError when this server does not hold it)."""
    fields = _hashed_fields(event)
    if event.hash_alg == HashAlg.HMAC_SHA256:
        # Binding the scheme (and the key id, after a rotation) into the keyed payload stops a
        # row being relabelled.
        fields["hash_alg"] = event.hash_alg
        if event.key_id:
            fields["key_id"] = event.key_id
    return _digest(event.prev_hash, fields, event.hash_alg, event.key_id)


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
            hash_alg=HashAlg.HMAC_SHA256,
            key_id=_stored_key_id(),
        )
        event.hash = event_digest(event)
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


def audit_export(
    *,
    actor: Any,
    action: str,
    count: int,
    object_type: str = "",
    obj: Model | None = None,
    filters: Any = None,
) -> AuditEvent:
    """Exports and bulk reads leave a trace (留痕): who took which slice, and how many rows."""
    after: dict[str, Any] = {"rows": count}
    if filters:
        after["filters"] = {k: v for k, v in dict(filters).items() if v not in (None, "")}
    return audit_record(actor=actor, action=action, obj=obj, object_type=object_type, after=after)


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    reason: str


def audit_verify(
    events: Iterable[AuditEvent] | None = None, *, anchor_path: Path | None = None
) -> Iterator[ChainProblem]:
    """Recompute every link, then hold the chain against the signed anchors.

    Yields each event whose hash or predecessor does not match, a keyed chain that falls back to
    plain SHA-256 (downgrade), and every anchored head the table no longer contains.
    """
    qs = events if events is not None else AuditEvent.objects.order_by("id").iterator(2000)
    prev = GENESIS
    last_id = None
    keyed_seen = False
    # Keys only move forward: a row signed with a key older than one already seen in the
    # chain was written (or rewritten) with a retired key.
    rank = {key_id: n for n, (key_id, _key) in enumerate(key_ring())}
    newest_seen = len(rank)
    for event in qs:
        if event.prev_hash != prev:
            yield ChainProblem(event.id, "broken_link")
        if event.hash_alg == HashAlg.HMAC_SHA256:
            keyed_seen = True
            position = rank.get(event.key_id or FIRST_KEY_ID)
            if position is None:
                yield ChainProblem(event.id, "unknown_key")
                prev = event.hash
                last_id = event.id
                continue
            if position > newest_seen:
                yield ChainProblem(event.id, "key_rollback")
            newest_seen = min(newest_seen, position)
        elif keyed_seen:
            yield ChainProblem(event.id, "downgrade")
        if not hmac.compare_digest(event_digest(event), event.hash):
            yield ChainProblem(event.id, "hash_mismatch")
        prev = event.hash
        last_id = event.id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        yield ChainProblem(last_id or 0, "head_mismatch")
    if events is None:
        yield from _verify_anchors(anchor_path or anchor_file())


# ---- Anchors: the signed head kept outside the table -------------------------------------


def anchor_file() -> Path:
    return Path(getattr(settings, "ZJTX_AUDIT_ANCHOR_PATH", "var/audit-anchors.jsonl"))


def _anchor_signature(body: dict[str, Any]) -> str:
    """Signed with the key the anchor names (`key_id`; none is the first key)."""
    payload = json.dumps(body, sort_keys=True, separators=(",", ":"))
    key = _key_for(str(body.get("key_id", "")))
    return hmac.new(key, b"zjtx-audit-anchor:" + payload.encode(), hashlib.sha256).hexdigest()


def audit_anchor(*, path: Path | None = None) -> dict[str, Any]:
    """Append a signed head (last id, last hash, count) to the anchor file and to the log.

    Run from cron and copy the file with every backup: a later table that lacks an anchored
    event, holds fewer events, or carries another hash for it was cut or rewritten.
    """
    with transaction.atomic():
        # Holding the head lock means no event is appended between the two reads.
        AuditChainHead.objects.select_for_update().filter(pk=1).first()
        last = AuditEvent.objects.order_by("-id").only("id", "hash").first()
        count = AuditEvent.objects.count()
        first_keyed = (
            AuditEvent.objects.filter(hash_alg=HashAlg.HMAC_SHA256)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
    body: dict[str, Any] = {
        "at": timezone.now().isoformat(timespec="seconds"),
        "last_id": last.id if last else 0,
        "last_hash": last.hash if last else GENESIS,
        "count": count,
        "keyed_from": first_keyed,
    }
    if _stored_key_id():
        body["key_id"] = _stored_key_id()
    anchor = {**body, "sig": _anchor_signature(body)}
    line = json.dumps(anchor, sort_keys=True, separators=(",", ":"))
    target = path or anchor_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    anchor_logger.info("audit anchor %s", line)
    return anchor


def anchors_read(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The anchors whose signature holds, and how many lines did not."""
    if not path.exists():
        return [], 0
    good: list[dict[str, Any]] = []
    bad = 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        try:
            anchor = json.loads(raw)
            body = {k: v for k, v in anchor.items() if k != "sig"}
            valid = hmac.compare_digest(_anchor_signature(body), str(anchor.get("sig", "")))
        except (ValueError, AttributeError, AuditKeyError):
            valid = False
        if valid:
            good.append(anchor)
        else:
            bad += 1
    return good, bad


def _verify_anchors(path: Path) -> Iterator[ChainProblem]:
    anchors, bad = anchors_read(path)
    if bad:
        yield ChainProblem(0, "anchor_invalid")
    anchors = [a for a in anchors if a["last_id"]]
    if not anchors:
        return
    wanted = {a["last_id"]: a["last_hash"] for a in anchors}
    found: dict[int, str] = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), 1000):
        found.update(
            AuditEvent.objects.filter(id__in=ids[start : start + 1000]).values_list("id", "hash")
        )
    for event_id in ids:
        if found.get(event_id) != wanted[event_id]:
            yield ChainProblem(event_id, "anchor_mismatch")
    newest = max(anchors, key=lambda a: a["last_id"])
    if AuditEvent.objects.count() < newest["count"]:
        yield ChainProblem(newest["last_id"], "anchor_count")
    keyed_from = newest.get("keyed_from")
    if (
        keyed_from
        and AuditEvent.objects.filter(id__gte=keyed_from, hash_alg=HashAlg.SHA256).exists()
    ):
        yield ChainProblem(keyed_from, "downgrade")


def model_snapshot(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of obj as JSON-ready values, for before/after."""
    return to_jsonable({f: getattr(obj, f) for f in fields})


@checks.register(checks.Tags.security)
def check_audit_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The audit key ring parses (a bad ring would refuse every audited write)."""
    try:
        key_ring()
    except RuntimeError as exc:
        return [checks.Error(str(exc), id="zjtx.E019")]
    return []
