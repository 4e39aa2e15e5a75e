"""Password hashing parameters (等保2.0 8.1.4.1; ADR 0018).

The test settings hash with MD5 for speed; these tests put the production list back.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher

from .conftest import PASSWORD, events

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = [
    "zjtx.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@pytest.fixture
def production_hashers(settings: Any) -> Any:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    return settings


def _params(encoded: str) -> tuple[str, int, int, int]:
    """(variety, memory KiB, passes, lanes) of a Django argon2 hash."""
    decoded = identify_hasher(encoded).decode(encoded)
    return decoded["variety"], decoded["memory_cost"], decoded["time_cost"], decoded["parallelism"]


def test_the_base_settings_list_the_owasp_hasher_first_and_django_s_after_it() -> None:
    from config.settings import base

    assert base.PASSWORD_HASHERS[:2] == PRODUCTION_HASHERS[:2]


def test_a_new_password_is_hashed_with_argon2id_19_mib_2_passes_1_lane(
    production_hashers: Any, make_user: Any
) -> None:
    user = make_user("expert", username="wang")
    assert user.password.startswith("argon2$argon2id$")
    assert _params(user.password) == ("argon2id", 19456, 2, 1)
    assert user.check_password(PASSWORD)
    assert not user.check_password("Wrong#2026pass")


def test_a_hash_with_django_s_default_parameters_verifies_and_is_upgraded_at_login(
    production_hashers: Any, make_user: Any, client: Any
) -> None:
    user = make_user("expert", username="zhao")
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    assert _params(old) == ("argon2id", 102400, 2, 8)
    type(user).objects.filter(pk=user.pk).update(password=old)

    response = client.post("/accounts/login/", {"username": "zhao", "password": PASSWORD})

    assert response.status_code == 302
    assert events("auth.login").filter(actor_id=user.pk).exists()
    user.refresh_from_db()
    assert user.password != old
    assert _params(user.password) == ("argon2id", 19456, 2, 1)
    assert user.check_password(PASSWORD)


def test_a_wrong_password_does_not_upgrade_an_old_hash(
    production_hashers: Any, make_user: Any, client: Any
) -> None:
    user = make_user("expert", username="qian")
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    type(user).objects.filter(pk=user.pk).update(password=old)

    response = client.post("/accounts/login/", {"username": "qian", "password": "Wrong#2026x"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == old


def test_tests_hash_fast() -> None:
    """The test settings keep a fast hasher; only the tests above use argon2."""
    assert django_settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
