"""Tampering with the audit table is detected (等保2.0 8.1.4.3 c)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from zjtx.core.audit import audit_record
from zjtx.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


def _tamper(sql: str, params: list[Any]) -> None:
    """Change the table behind the application's back, as an attacker with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The trigger blocks UPDATE/DELETE; a superuser can switch triggers off.
            cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")


@pytest.fixture
def chain() -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="auth.login_failed", username=f"user{i}", success=False)
        for i in range(5)
    ]


def _run_command() -> tuple[int, str]:
    """Run as from the shell, where CommandError becomes exit status 1."""
    from django.core.management import CommandError

    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, err.getvalue() + str(error)
    return 0, out.getvalue()


def test_intact_chain_passes(chain: list[AuditEvent]) -> None:
    code, text = _run_command()
    assert code == 0
    assert text.strip() == "审计链校验通过：5 条记录"


def test_an_update_is_detected(chain: list[AuditEvent]) -> None:
    victim = chain[2]
    _tamper("UPDATE core_auditevent SET actor_username = %s WHERE id = %s", ["admin", victim.pk])
    code, text = _run_command()
    assert code == 1
    assert f"事件 {victim.pk}" in text and "审计链校验失败" in text


def test_a_delete_is_detected(chain: list[AuditEvent]) -> None:
    victim = chain[1]
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    code, text = _run_command()
    assert code == 1
    assert f"事件 {chain[2].pk}" in text


def test_deleting_the_newest_event_is_detected(chain: list[AuditEvent]) -> None:
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [chain[-1].pk])
    code, _text = _run_command()
    assert code == 1


def test_the_verify_button_names_the_broken_events(
    chain: list[AuditEvent], make_user: Any, login: Any
) -> None:
    victim = chain[3]
    _tamper("UPDATE core_auditevent SET result = %s WHERE id = %s", ["success", victim.pk])
    c = login(make_user("auditor"))
    response = c.post(reverse("audit:verify"), follow=True)
    text = response.content.decode()
    assert "审计链已被破坏" in text and str(victim.pk) in text
    event = AuditEvent.objects.get(action="audit.verify")
    assert event.result == "failure" and victim.pk in event.after["broken_event_ids"]


def test_the_model_refuses_updates_and_deletes(chain: list[AuditEvent]) -> None:
    with pytest.raises(PermissionError):
        chain[0].save()
    with pytest.raises(PermissionError):
        chain[0].delete()


@on_postgres
def test_postgres_trigger_blocks_update_and_delete(chain: list[AuditEvent]) -> None:
    for sql in (
        "UPDATE core_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [chain[0].pk])
    assert AuditEvent.objects.filter(pk=chain[0].pk, action="auth.login_failed").exists()


def test_chain_head_has_a_readable_name(chain: list[AuditEvent]) -> None:
    head = AuditChainHead.objects.get(pk=1)
    assert str(head) == head.last_hash[:12] + "…"
