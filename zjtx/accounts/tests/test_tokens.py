"""API tokens: created once, stored as a digest, revocable (等保2.0 8.1.4.1, 8.1.4.3)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse

from zjtx.accounts.auth import token_digest
from zjtx.accounts.models import ApiToken, User

from .conftest import events

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_page_shows_the_token_once_and_stores_a_digest(
    make_user: Any, login: Any, units: Any
) -> None:
    user = make_user("unit_officer", unit=units["镜湖区"])
    c = login(user)
    assert "API 令牌" in c.get(reverse("accounts:tokens")).content.decode()
    response = c.post(reverse("accounts:tokens"), {"name": "统计系统"})
    raw = response.context["secret"]
    assert raw.startswith("zjtx_")
    token = ApiToken.objects.get(user=user)
    assert token.digest == token_digest(raw) and token.prefix == raw[5:13]
    assert raw not in c.get(reverse("accounts:tokens")).content.decode()
    assert events("token.create").get().after["name"] == "统计系统"


@pytest.mark.urls("zjtx.accounts.tests.urls_api")
def test_create_api_token_command_token_authenticates(
    make_user: Any, client: Any, units: Any
) -> None:
    make_user("unit_officer", username="api_user", unit=units["无为市"])
    out = StringIO()
    call_command("create_api_token", "api_user", "--name", "对接", stdout=out)
    raw = out.getvalue().strip()
    response = client.get("/api/test/me", **_bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "api_user" and body["role"] == "unit_officer"
    assert body["id"] == User.objects.get(username="api_user").pk
    assert body["scope"]["type"] == "unit" and body["scope"]["name"] == "无为市"
    assert events("token.create").get().actor_username == "manage.py"


def test_create_api_token_command_rejects_unknown_users() -> None:
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody")


@pytest.mark.urls("zjtx.accounts.tests.urls_api")
def test_revoked_token_is_refused(make_user: Any, login: Any) -> None:
    from django.test import Client

    from zjtx.accounts.services import token_create

    user = make_user("expert")
    new = token_create(user=user, name="x", actor=user)
    api = Client()
    assert api.get("/api/test/me", **_bearer(new.raw)).status_code == 200
    c = login(user)
    c.post(reverse("accounts:token-revoke", args=[new.token.pk]))
    response = api.get("/api/test/me", **_bearer(new.raw))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert api.get("/api/test/me", **_bearer("zjtx_forged")).status_code == 401
    assert events("token.revoke").get().actor_id == user.pk


def test_nobody_revokes_another_users_token(make_user: Any, login: Any) -> None:
    from zjtx.accounts.services import token_create

    owner = make_user("expert")
    token = token_create(user=owner, name="x", actor=owner).token
    c = login(make_user("expert"))
    assert c.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_real_api_me_endpoint_when_registered(make_user: Any, client: Any) -> None:
    from zjtx.accounts.services import token_create

    try:
        url = reverse("api:me")
    except NoReverseMatch:
        pytest.skip("zjtx.accounts.api.router is not registered in config/api.py yet")
    user = make_user("expert")
    raw = token_create(user=user, name="x", actor=user).raw
    body = client.get(url, **_bearer(raw)).json()
    assert body["username"] == user.username and body["id"] == user.pk
    assert client.get(url).json()["code"] == "unauthenticated"


def _token(user: Any) -> Any:
    from zjtx.accounts.services import token_create

    return token_create(user=user, name="x", actor=user)


@pytest.mark.urls("zjtx.accounts.tests.urls_api")
def test_token_expires_after_a_year(make_user: Any, client: Any) -> None:
    import time_machine

    new = _token(make_user("expert"))
    assert new.token.expires_at.date() == (new.token.created_at + timedelta(days=365)).date()
    assert client.get("/api/test/me", **_bearer(new.raw)).status_code == 200
    with time_machine.travel(new.token.expires_at + timedelta(seconds=1)):
        response = client.get("/api/test/me", **_bearer(new.raw))
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


@pytest.mark.urls("zjtx.accounts.tests.urls_api")
def test_token_is_refused_while_the_account_is_locked(make_user: Any, client: Any) -> None:
    from axes.models import AccessAttempt
    from django.utils import timezone

    user = make_user("expert")
    new = _token(user)
    assert client.get("/api/test/me", **_bearer(new.raw)).status_code == 200
    AccessAttempt.objects.create(
        username=user.username,
        ip_address="10.0.0.1",
        user_agent="x",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    assert client.get("/api/test/me", **_bearer(new.raw)).status_code == 401


@pytest.mark.parametrize("role", ["city_officer", "sysadmin", "secadmin", "auditor"])
def test_second_factor_roles_get_no_tokens(make_user: Any, login: Any, role: str) -> None:
    from zjtx.core.errors import DomainError

    user = make_user(role)
    with pytest.raises(DomainError) as caught:
        _token(user)
    assert caught.value.code == "token_not_allowed"
    with pytest.raises(CommandError):
        call_command("create_api_token", user.username)
    assert login(user).get(reverse("accounts:tokens")).status_code == 404
    assert not ApiToken.objects.exists()


@pytest.mark.urls("zjtx.accounts.tests.urls_api")
def test_bad_bearer_on_a_post_is_401_not_a_csrf_error(make_user: Any) -> None:
    from django.test import Client

    user = make_user("expert")
    api = Client(enforce_csrf_checks=True)
    response = api.post("/api/test/me", **_bearer("zjtx_forged"))
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    # Even with a logged-in session: the token decides, not the cookie.
    api.force_login(user)
    response = api.post("/api/test/me", **_bearer("zjtx_forged"))
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    new = _token(user)
    assert api.post("/api/test/me", **_bearer(new.raw)).status_code == 200


@pytest.mark.urls("zjtx.accounts.tests.urls_api")
def test_anonymous_post_is_401(client: Any) -> None:
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/api/test/me")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


@pytest.mark.urls("zjtx.accounts.tests.urls_api")
def test_session_with_a_temporary_password_is_403_on_the_api(make_user: Any, client: Any) -> None:
    user = make_user("expert")
    client.force_login(user)
    assert client.get("/api/test/me").json()["id"] == user.pk
    user.must_change_password = True
    user.save()
    response = client.get("/api/test/me")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


@pytest.mark.urls("zjtx.accounts.tests.urls_api")
def test_session_with_an_expired_password_is_403_on_the_api(make_user: Any, client: Any) -> None:
    from django.utils import timezone

    user = make_user("expert")
    user.password_changed_at = timezone.now() - timedelta(days=365)
    user.save()
    client.force_login(user)
    response = client.get("/api/test/me")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
