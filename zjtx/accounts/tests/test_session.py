"""Idle timeout from the security policy (等保2.0 8.1.4.1 b), kept on the server.

The cookie is a browser-session cookie: no Max-Age or Expires, so it does not survive a
browser restart, and the idle timeout does not depend on the browser honouring an expiry.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from zjtx.accounts.middleware import LAST_ACTIVITY_KEY
from zjtx.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _age(client: Any, seconds: int) -> None:
    """Pretend the session's last request was `seconds` ago."""
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_the_session_cookie_has_no_max_age_or_expiry(make_user: Any, login: Any) -> None:
    c = login(make_user("expert"))
    response = c.get("/")
    cookie = response.cookies["sessionid"]
    assert cookie.value
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_a_session_idle_past_the_policy_is_logged_out(make_user: Any, login: Any) -> None:
    user = make_user("expert")
    c = login(user)
    c.get("/")
    _age(c, 31 * 60)
    response = c.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in c.session
    assert AuditEvent.objects.filter(action="auth.logout", actor_id=user.pk).exists()


def test_a_session_within_the_idle_time_stays(make_user: Any, login: Any) -> None:
    c = login(make_user("expert"))
    c.get("/")
    _age(c, 29 * 60)
    assert c.get("/").status_code == 200
    assert c.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5


def test_changed_idle_time_applies_to_the_next_request(
    make_user: Any, login: Any, secadmin: Any
) -> None:
    from zjtx.accounts.services import policy_update

    policy_update(actor=secadmin, idle_minutes=10)
    c = login(make_user("expert"))
    c.get("/")
    _age(c, 11 * 60)
    response = c.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_last_activity_is_written_at_most_every_half_minute(make_user: Any, login: Any) -> None:
    from zjtx.accounts.middleware import ACTIVITY_RESOLUTION

    c = login(make_user("expert"))
    c.get("/")
    first = c.session[LAST_ACTIVITY_KEY]
    _age(c, 0)
    stamp = c.session[LAST_ACTIVITY_KEY]
    c.get("/")
    assert c.session[LAST_ACTIVITY_KEY] == stamp  # a request right after writes nothing
    _age(c, ACTIVITY_RESOLUTION + 1)
    c.get("/")
    assert c.session[LAST_ACTIVITY_KEY] >= first
