"""The audit HMAC key rotates (ADR 0003): new events name the current key, events and anchors
signed with a retired key still verify while that key is kept, a missing key and a row signed
with an older key than the rows before it are reported, and a bad key ring is a system error."""

from __future__ import annotations

import pytest

from zjtx.core.audit import (
    audit_anchor,
    audit_record,
    audit_verify,
    check_audit_keys,
    key_ring,
)
from zjtx.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_anchor_file(settings, tmp_path):
    """Anchors signed with these tests' keys stay out of the file other tests read."""
    settings.ZJTX_AUDIT_ANCHOR_PATH = tmp_path / "anchors.jsonl"


OLD = "old-audit-key-0123456789abcdefghijklmnopqrstuvwxyz"
NEW = "new-audit-key-9876543210zyxwvutsrqponmlkjihgfedcba"


def _write(n: int, label: str) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="auth.login_failed", username=f"{label}{i}", success=False)
        for i in range(n)
    ]


def _problems() -> list[tuple[int, str]]:
    return [(p.event_id, p.reason) for p in audit_verify()]


def _rotate(settings) -> None:
    settings.ZJTX_AUDIT_HMAC_KEY = NEW
    settings.ZJTX_AUDIT_HMAC_KEY_ID = "2027a"
    settings.ZJTX_AUDIT_HMAC_RETIRED_KEYS = f"0:{OLD}"


def test_events_and_anchors_verify_across_a_rotation(settings):
    settings.ZJTX_AUDIT_HMAC_KEY = OLD
    settings.ZJTX_AUDIT_HMAC_KEY_ID = "0"
    settings.ZJTX_AUDIT_HMAC_RETIRED_KEYS = ""
    before = _write(3, "before")
    assert {e.key_id for e in before} == {""}  # the first key is recorded blank
    audit_anchor()
    _rotate(settings)
    after = _write(3, "after")
    assert {e.key_id for e in after} == {"2027a"}
    anchor = audit_anchor()
    assert anchor["key_id"] == "2027a"
    assert _problems() == []


def test_a_retired_key_that_is_not_kept_is_reported(settings):
    settings.ZJTX_AUDIT_HMAC_KEY = OLD
    settings.ZJTX_AUDIT_HMAC_KEY_ID = "0"
    settings.ZJTX_AUDIT_HMAC_RETIRED_KEYS = ""
    old = _write(2, "old")
    settings.ZJTX_AUDIT_HMAC_KEY = NEW
    settings.ZJTX_AUDIT_HMAC_KEY_ID = "2027a"
    _write(1, "new")
    problems = _problems()
    assert [(old[0].id, "unknown_key"), (old[1].id, "unknown_key")] == [
        p for p in problems if p[1] == "unknown_key"
    ]


def test_a_row_signed_with_a_retired_key_after_newer_rows_is_reported(settings):
    settings.ZJTX_AUDIT_HMAC_KEY = OLD
    settings.ZJTX_AUDIT_HMAC_KEY_ID = "0"
    _write(1, "first")
    _rotate(settings)
    _write(1, "second")
    # Somebody holding only the retired key appends with it.
    settings.ZJTX_AUDIT_HMAC_KEY = OLD
    settings.ZJTX_AUDIT_HMAC_KEY_ID = "0"
    settings.ZJTX_AUDIT_HMAC_RETIRED_KEYS = ""
    (forged,) = _write(1, "forged")
    _rotate(settings)
    assert (forged.id, "key_rollback") in _problems()


def test_a_bad_key_ring_is_a_system_error(settings):
    settings.ZJTX_AUDIT_HMAC_RETIRED_KEYS = "no-separator"
    assert [m.id for m in check_audit_keys()] == ["zjtx.E019"]
    settings.ZJTX_AUDIT_HMAC_KEY_ID = "2027a"
    settings.ZJTX_AUDIT_HMAC_RETIRED_KEYS = f"2027a:{OLD}"
    assert [m.id for m in check_audit_keys()] == ["zjtx.E019"]
    settings.ZJTX_AUDIT_HMAC_RETIRED_KEYS = f"0:{OLD},2026:{NEW}"
    assert check_audit_keys() == []
    assert [k for k, _v in key_ring()] == ["2027a", "0", "2026"]
