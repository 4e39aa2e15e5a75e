"""Login, failed logins, lockout, unlock, logout (等保2.0 8.1.4.1 b, 8.1.4.3 a)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from .conftest import PASSWORD, events

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _post_login(client: Any, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_renders_in_chinese(client: Any) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    text = response.content.decode()
    assert "专精特新中小企业培育服务平台" in text
    assert "用户名" in text and "登录" in text


def test_login_success_is_audited(client: Any, make_user: Any) -> None:
    user = make_user("expert", username="zhang")
    response = _post_login(client, "zhang", PASSWORD)
    assert response.status_code == 302
    event = events("auth.login").get()
    assert event.actor_id == user.pk and event.result == "success"


def test_failed_login_is_audited_with_username(client: Any, make_user: Any) -> None:
    make_user("expert", username="li")
    response = _post_login(client, "li", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    event = events("auth.login_failed").get()
    assert event.actor_username == "li"
    assert event.result == "failure"
    assert event.actor_id is None


def test_five_failures_lock_the_account_even_for_the_right_password(
    client: Any, make_user: Any
) -> None:
    make_user("expert", username="wang")
    for _ in range(4):
        assert _post_login(client, "wang", "nope").status_code == 200
    locked = _post_login(client, "wang", "nope")
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    assert int(locked["Retry-After"]) > 14 * 60
    right = _post_login(client, "wang", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    lock_events = events("auth.lockout")
    assert lock_events.count() == 1
    assert lock_events.get().actor_username == "wang"
    assert events("auth.login_blocked").count() == 1


def test_security_admin_unlock_restores_login(
    client: Any, make_user: Any, secadmin: Any, login: Any
) -> None:
    from django.test import Client

    make_user("expert", username="zhao")
    other = Client()
    for _ in range(5):
        _post_login(other, "zhao", "nope")
    assert _post_login(other, "zhao", PASSWORD).status_code == 429

    admin = login(secadmin)
    page = admin.get(reverse("accounts:lockouts"))
    assert "zhao" in page.content.decode()
    assert admin.post(reverse("accounts:lockout-unlock"), {"username": "zhao"}).status_code == 302
    assert events("security.unlock").get().object_repr == "zhao"

    assert _post_login(other, "zhao", PASSWORD).status_code == 302


def test_policy_threshold_is_what_axes_applies(client: Any, make_user: Any, secadmin: Any) -> None:
    from zjtx.accounts.services import policy_update

    policy_update(actor=secadmin, lockout_threshold=3)
    make_user("expert", username="qian")
    assert _post_login(client, "qian", "x").status_code == 200
    assert _post_login(client, "qian", "x").status_code == 200
    assert _post_login(client, "qian", "x").status_code == 429


def test_logout_requires_post_and_is_audited(client: Any, make_user: Any, login: Any) -> None:
    user = make_user("expert")
    c = login(user)
    assert c.get(reverse("accounts:logout")).status_code == 405
    response = c.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert events("auth.logout").get().actor_id == user.pk


def test_logged_in_user_is_redirected_away_from_login(make_user: Any, login: Any) -> None:
    c = login(make_user("expert"))
    assert c.get(LOGIN).status_code == 302
