"""Second factor for administrators and city officers (等保2.0 8.1.4.1 d)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zjtx.accounts.services import otp_device_ensure

from .conftest import PASSWORD, events

pytestmark = pytest.mark.django_db

DEMO_KEY = "3132333435363738393031323334353637383930"


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _password_login(client: Any, username: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


@pytest.mark.parametrize("role", ["city_officer", "sysadmin", "secadmin", "auditor"])
def test_roles_needing_otp_are_sent_to_the_otp_page(client: Any, make_user: Any, role: str) -> None:
    user = make_user(role)
    otp_device_ensure(user)
    _password_login(client, user.username)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp")
    page = client.get(reverse("accounts:otp"))
    assert page.status_code == 200
    assert "动态验证码" in page.content.decode()


def test_roles_without_otp_go_straight_in(client: Any, make_user: Any) -> None:
    make_user("expert", username="exp")
    _password_login(client, "exp")
    assert client.get("/").status_code == 200


@pytest.mark.urls("zjtx.accounts.tests.urls_api")
def test_api_session_is_refused_until_verified(client: Any, make_user: Any) -> None:
    user = make_user("city_officer")
    device = otp_device_ensure(user)
    _password_login(client, user.username)
    refused = client.get("/api/test/me")
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthenticated"
    assert client.post(reverse("accounts:otp"), {"code": _code(device)}).status_code == 302
    me = client.get("/api/test/me")
    assert me.status_code == 200
    assert me.json()["role"] == "city_officer"


def test_correct_code_passes_and_is_audited(client: Any, make_user: Any) -> None:
    user = make_user("sysadmin")
    device = otp_device_ensure(user)
    _password_login(client, user.username)
    response = client.post(reverse("accounts:otp"), {"code": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:user-list")).status_code == 200
    assert events("auth.otp_verified").get().actor_id == user.pk


def test_wrong_code_is_refused_and_audited(client: Any, make_user: Any) -> None:
    user = make_user("auditor")
    otp_device_ensure(user)
    _password_login(client, user.username)
    response = client.post(reverse("accounts:otp"), {"code": "000000"})
    assert response.status_code == 200
    assert "验证码错误或已过期" in response.content.decode()
    assert events("auth.otp_failed").get().result == "failure"
    assert client.get("/").status_code == 302


def test_user_without_device_enrols_with_qr_code(client: Any, make_user: Any) -> None:
    user = make_user("secadmin")
    _password_login(client, user.username)
    assert client.get(reverse("accounts:otp"))["Location"] == reverse("accounts:otp-setup")
    page = client.get(reverse("accounts:otp-setup"))
    text = page.content.decode()
    assert 'src="data:image/png;base64,' in text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("accounts:otp-setup"), {"code": "123"})
    assert wrong.status_code == 200
    device.throttle_reset()
    done = client.post(reverse("accounts:otp-setup"), {"code": _code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:lockouts")).status_code == 200
    assert [e.result for e in events("auth.otp_enrol")] == ["failure", "success"]


def test_enrolled_user_cannot_enrol_again(client: Any, make_user: Any, login: Any) -> None:
    user = make_user("city_officer")
    c = login(user)
    assert c.get(reverse("accounts:otp-setup"))["Location"] == reverse("accounts:otp")


def test_otp_device_ensure_keeps_a_known_key(make_user: Any) -> None:
    user = make_user("auditor")
    device = otp_device_ensure(user, key_hex=DEMO_KEY)
    again = otp_device_ensure(user, key_hex=DEMO_KEY)
    assert device.pk == again.pk
    assert again.confirmed and again.key == DEMO_KEY


def test_demo_otp_code_prints_a_valid_code(settings: Any, make_user: Any) -> None:
    user = make_user("auditor", username="demo_aud")
    device = otp_device_ensure(user, key_hex=DEMO_KEY)
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_otp_code", "demo_aud", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    assert device.verify_token(code)


def test_demo_otp_code_refuses_without_debug(settings: Any, make_user: Any) -> None:
    otp_device_ensure(make_user("auditor", username="demo_aud2"))
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_otp_code", "demo_aud2")
    out = StringIO()
    call_command("demo_otp_code", "demo_aud2", "--force", stdout=out)
    assert out.getvalue().strip().isdigit()


def test_security_admin_resets_an_authenticator(make_user: Any, secadmin: Any, login: Any) -> None:
    user = make_user("city_officer", username="lost_phone")
    otp_device_ensure(user)
    c = login(secadmin)
    response = c.post(reverse("accounts:otp-reset"), {"username": "lost_phone"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert events("user.otp_reset").get().object_id == str(user.pk)
