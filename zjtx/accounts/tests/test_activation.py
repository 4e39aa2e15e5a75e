"""One-time activation links: the only way a password is set for a user by anybody else."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from zjtx.accounts.models import ActivationLink, User
from zjtx.accounts.services import user_create, user_password_reset

from .conftest import events

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Hz#mq7531rt"


def _created(sysadmin: Any, mailoutbox: Any, capture: Any) -> tuple[User, str]:
    with capture(execute=True):
        change = user_create(actor=sysadmin, username="neu", role="expert", email="n@example.com")
    url = re.search(r"/accounts/activate/[^/\s]+/", mailoutbox[-1].body).group(0)  # type: ignore[union-attr]
    assert change.user is not None
    return change.user, url


def _set(client: Any, url: str, password: str = NEW_PASSWORD) -> Any:
    return client.post(url, {"new_password1": password, "new_password2": password})


def test_link_sets_the_password_once(
    sysadmin: Any, client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user, url = _created(sysadmin, mailoutbox, django_capture_on_commit_callbacks)
    page = client.get(url)
    assert page.status_code == 200 and "设置密码" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    response = _set(client, url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and user.password_changed_at is not None
    assert events("auth.activate").get().actor_id == user.pk
    assert client.get(url).status_code == 404
    assert _set(client, url, "Other#pass9x").status_code == 404
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert (
        client.post(
            reverse("accounts:login"), {"username": "neu", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_link_expires_after_72_hours(
    sysadmin: Any, client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user, url = _created(sysadmin, mailoutbox, django_capture_on_commit_callbacks)
    with time_machine.travel(ActivationLink.objects.get().expires_at + timedelta(seconds=1)):
        assert client.get(url).status_code == 404
        assert _set(client, url).status_code == 404
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_weak_password_is_refused_and_the_link_stays_open(
    sysadmin: Any, client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _user, url = _created(sysadmin, mailoutbox, django_capture_on_commit_callbacks)
    response = _set(client, url, "abcdefgh")
    assert response.status_code == 200 and "new_password1" in response.context["form"].errors
    assert _set(client, url).status_code == 302


def test_a_new_link_replaces_the_old_one(
    sysadmin: Any, client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user, first = _created(sysadmin, mailoutbox, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        user_password_reset(actor=sysadmin, user=user)
    second = re.search(r"/accounts/activate/[^/\s]+/", mailoutbox[-1].body).group(0)  # type: ignore[union-attr]
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_only_a_digest_is_stored(
    sysadmin: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _user, url = _created(sysadmin, mailoutbox, django_capture_on_commit_callbacks)
    raw = url.rstrip("/").rsplit("/", 1)[1]
    assert not ActivationLink.objects.filter(digest=raw).exists()
    assert ActivationLink.objects.count() == 1
