"""Idle timeout from the security policy (等保2.0 8.1.4.1 b)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_session_expires_after_the_policy_idle_time(make_user: Any, login: Any) -> None:
    c = login(make_user("expert"))
    c.get("/")
    assert c.session.get_expiry_age() == 30 * 60


def test_changed_idle_time_applies_to_the_next_request(
    make_user: Any, login: Any, secadmin: Any
) -> None:
    from zjtx.accounts.services import policy_update

    policy_update(actor=secadmin, idle_minutes=10)
    c = login(make_user("expert"))
    c.get("/")
    assert c.session.get_expiry_age() == 10 * 60
