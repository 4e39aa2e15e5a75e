"""Password policy (等保2.0 8.1.4.1 a) and the forced change of temporary passwords."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from .conftest import events


def _codes(password: str) -> set[str]:
    try:
        validate_password(password)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1#xyz", "password_too_short"),
        ("abcdefghij12", "password_too_simple"),
        ("ABCDEFGH#$%&", "password_too_simple"),
    ],
)
def test_weak_passwords_are_rejected(password: str, code: str) -> None:
    assert code in _codes(password)


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["Qwzx7531rt", "hz#mq7531rt", "HZ#MQ7531RT"])
def test_three_character_classes_and_eight_characters_pass(password: str) -> None:
    assert _codes(password) == set()


@pytest.mark.django_db
def test_policy_raises_length_and_classes(make_user: Any) -> None:
    from zjtx.accounts.services import policy_update

    policy_update(actor=make_user("secadmin"), min_length=12, min_classes=4)
    assert "password_too_short" in _codes("Qw#7531rtx")
    assert "password_too_simple" in _codes("Qwzx7531rtuv")
    assert _codes("Qwzx#7531rtu") == set()


@pytest.mark.django_db
def test_temporary_password_forces_a_change_which_is_audited(make_user: Any, login: Any) -> None:
    user = make_user("expert")
    user.must_change_password = True
    user.save()
    c = login(user)
    response = c.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-change")
    page = c.get(reverse("accounts:password-change"))
    assert "临时密码" in page.content.decode()

    weak = c.post(
        reverse("accounts:password-change"),
        {"old_password": "Zjtx#2026demo", "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert weak.status_code == 200
    assert "至少包含" in weak.content.decode()

    ok = c.post(
        reverse("accounts:password-change"),
        {
            "old_password": "Zjtx#2026demo",
            "new_password1": "Hz#mq7531rt",
            "new_password2": "Hz#mq7531rt",
        },
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.password_changed_at is not None
    assert user.check_password("Hz#mq7531rt")
    assert events("auth.password_change").get().actor_id == user.pk
    assert c.get("/").status_code == 200


@pytest.mark.django_db
def test_password_older_than_the_policy_must_be_changed(make_user: Any, login: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    user = make_user("expert")
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save()
    c = login(user)
    response = c.get("/")
    assert response["Location"] == reverse("accounts:password-change")
    assert "超过 90 天" in c.get(reverse("accounts:password-change")).content.decode()

    user.password_changed_at = timezone.now() - timedelta(days=89)
    user.save()
    assert c.get("/").status_code == 200


@pytest.mark.django_db
def test_accounts_without_a_change_date_are_not_forced(make_user: Any, login: Any) -> None:
    c = login(make_user("expert"))
    assert c.get("/").status_code == 200
