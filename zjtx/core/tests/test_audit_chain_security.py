"""The audit chain withstands somebody who can write the table (issue 16; ADR 0003).

Plain SHA-256 can be recomputed by anyone; the keyed chain and the signed anchors cannot.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from zjtx.core.audit import GENESIS, _hashed_fields, audit_anchor, audit_record, audit_verify
from zjtx.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchor_path(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "anchors.jsonl"
    settings.ZJTX_AUDIT_ANCHOR_PATH = path
    return path


@pytest.fixture
def chain() -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="auth.login_failed", username=f"user{i}", success=False)
        for i in range(6)
    ]


def _sql(sql: str, params: list[Any] | None = None) -> None:
    """Write the table behind the application's back, past the PostgreSQL row trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params or [])
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")


def _reasons() -> set[str]:
    return {p.reason for p in audit_verify()}


def _rechain(digest: Any, alg: str) -> None:
    """Recompute every hash from the genesis, as an attacker with SQL access would."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id"):
        fields = _hashed_fields(event)
        if alg == "hmac-sha256":
            fields["hash_alg"] = alg
        payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        new = digest((prev + payload).encode())
        _sql(
            "UPDATE core_auditevent SET prev_hash = %s, hash = %s, hash_alg = %s WHERE id = %s",
            [prev, new, alg, event.id],
        )
        prev = new
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def test_new_events_are_keyed_and_verify(chain: list[AuditEvent]) -> None:
    assert {e.hash_alg for e in chain} == {"hmac-sha256"}
    assert _reasons() == set()


def test_rewrite_and_recompute_with_plain_sha256_fails(chain: list[AuditEvent]) -> None:
    _sql("UPDATE core_auditevent SET actor_username = 'nobody' WHERE id = %s", [chain[2].pk])
    _rechain(lambda m: hashlib.sha256(m).hexdigest(), "hmac-sha256")
    assert "hash_mismatch" in _reasons()


def test_rewrite_and_recompute_labelled_as_legacy_sha256_fails(chain: list[AuditEvent]) -> None:
    audit_anchor()
    _sql("UPDATE core_auditevent SET actor_username = 'nobody' WHERE id = %s", [chain[2].pk])
    _rechain(lambda m: hashlib.sha256(m).hexdigest(), "sha256")
    # The rows now look like a valid legacy chain; the signed anchor still knows better.
    assert {"anchor_mismatch", "downgrade"} <= _reasons()


def test_rewrite_and_recompute_with_a_wrong_key_fails(chain: list[AuditEvent]) -> None:
    _sql("UPDATE core_auditevent SET actor_username = 'nobody' WHERE id = %s", [chain[2].pk])
    _rechain(lambda m: hmac.new(b"guessed-key", m, hashlib.sha256).hexdigest(), "hmac-sha256")
    assert "hash_mismatch" in _reasons()


def test_a_plain_row_after_keyed_rows_is_a_downgrade(chain: list[AuditEvent]) -> None:
    _sql("UPDATE core_auditevent SET hash_alg = 'sha256' WHERE id = %s", [chain[-1].pk])
    assert "downgrade" in _reasons()


def test_legacy_sha256_rows_before_the_keyed_chain_still_verify() -> None:
    legacy = [
        audit_record(actor=None, action="auth.login_failed", username=f"old{i}", success=False)
        for i in range(3)
    ]
    # Rows written before the upgrade: plain SHA-256, as the earlier code computed it.
    _rechain(lambda m: hashlib.sha256(m).hexdigest(), "sha256")
    assert AuditEvent.objects.get(pk=legacy[0].pk).hash_alg == "sha256"
    new = audit_record(actor=None, action="auth.login", username="after")
    assert new.hash_alg == "hmac-sha256"
    assert _reasons() == set()


def test_deleting_the_tail_and_resetting_the_head_fails_against_the_anchor(
    chain: list[AuditEvent],
) -> None:
    audit_anchor()
    _sql("DELETE FROM core_auditevent WHERE id >= %s", [chain[-2].pk])
    AuditChainHead.objects.filter(pk=1).update(last_hash=chain[-3].hash)
    reasons = _reasons()
    assert "anchor_mismatch" in reasons and "anchor_count" in reasons


def test_deleting_all_rows_is_detected_through_the_anchor(chain: list[AuditEvent]) -> None:
    audit_anchor()
    _sql("DELETE FROM core_auditevent")
    AuditChainHead.objects.all().delete()
    assert {"anchor_mismatch", "anchor_count"} <= _reasons()
    # ...and a fresh chain written afterwards does not hide it.
    audit_record(actor=None, action="auth.login", username="after")
    assert "anchor_count" in _reasons() or "anchor_mismatch" in _reasons()


def test_events_after_the_anchor_verify(chain: list[AuditEvent]) -> None:
    audit_anchor()
    audit_record(actor=None, action="auth.login", username="later")
    audit_anchor()
    assert _reasons() == set()


def test_a_forged_anchor_line_is_reported(chain: list[AuditEvent], anchor_path: Path) -> None:
    audit_anchor()
    anchor = json.loads(anchor_path.read_text().splitlines()[-1])
    anchor["count"] = 1
    with anchor_path.open("a") as handle:
        handle.write(json.dumps(anchor) + "\n")
    assert "anchor_invalid" in _reasons()


def test_anchor_command_writes_a_signed_line_and_verify_fails_after_truncation(
    chain: list[AuditEvent], anchor_path: Path
) -> None:
    out = StringIO()
    call_command("audit_anchor", stdout=out)
    line = json.loads(anchor_path.read_text().splitlines()[-1])
    assert line["last_id"] == chain[-1].pk and line["count"] == 6 and len(line["sig"]) == 64
    assert line["last_hash"] == chain[-1].hash
    _sql("DELETE FROM core_auditevent")
    AuditChainHead.objects.all().delete()
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())
    assert error.value.returncode == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE trigger is PostgreSQL")
def test_postgres_refuses_truncate_from_a_role_that_does_not_own_the_table(
    chain: list[AuditEvent],
) -> None:
    # A role like the application's: granted TRUNCATE (say by GRANT ALL) but not the owner.
    # CREATE ROLE is transactional, so the test transaction's rollback removes it.
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE zjtx_test_truncater NOLOGIN")
        cursor.execute("GRANT TRUNCATE ON core_auditevent TO zjtx_test_truncater")
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic():
                cursor.execute("SET LOCAL ROLE zjtx_test_truncater")
                cursor.execute("TRUNCATE core_auditevent")
        cursor.execute("RESET ROLE")
    assert AuditEvent.objects.count() == 6
