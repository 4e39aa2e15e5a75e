"""Acceptance probe: five wrong passwords lock the account, whatever the attacker rotates.

Rotating X-Forwarded-For / X-Real-IP, the letter case or full-width forms of the user name
must not reset or dodge the per-account count (等保2.0 8.1.4.1 b).
"""

from __future__ import annotations

import pytest

from zjtx.accounts.models import Role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def variants(name: str) -> list[str]:
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    return [name, name.upper(), name.capitalize(), full_width, f" {name} "]


def attempt(client, username: str, password: str, n: int):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        HTTP_X_REAL_IP=f"198.51.100.{n}",
        REMOTE_ADDR=f"192.0.2.{n}",
    )


def test_rotating_headers_and_name_variants_still_locks_the_account(client, make_user):
    make_user(Role.EXPERT, username="probeuser")
    names = variants("probeuser")
    for n in range(5):
        attempt(client, names[n % len(names)], "wrong-Password1", n)
    response = attempt(client, "probeuser", "Zjtx#2026demo", 99)
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 403, 429)


def test_the_lock_page_names_the_lock_for_any_variant(client, make_user):
    from zjtx.accounts.selectors import lockout_until

    make_user(Role.EXPERT, username="probeuser")
    for n in range(5):
        attempt(client, "ＰＲＯＢＥＵＳＥＲ", "wrong-Password1", n)
    assert lockout_until(username="probeuser") is not None
    assert lockout_until(username=" ProbeUser") is not None
