"""Users' mobile numbers are SM4-encrypted at rest and never shown or audited in full
(issue 15 item 6, ADR 0017)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from zjtx.core.models import AuditEvent

from .test_users import _form

pytestmark = pytest.mark.django_db
PHONE = "13905531234"


def _raw(user: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        return str(cursor.fetchone()[0])


def test_phone_is_ciphertext_masked_in_form_and_audit_and_empty_keeps_it(
    sysadmin: Any, login: Any, make_user: Any
) -> None:
    user = make_user("expert", username="phoned", phone=PHONE, email="newuser@example.com")
    raw = _raw(user)
    assert raw.startswith("SM4.") and PHONE not in raw
    c = login(sysadmin)
    url = reverse("accounts:user-edit", args=[user.pk])
    page = c.get(url).content.decode()
    assert PHONE not in page and "139****1234" in page
    response = c.post(url, _form(username="phoned", role="expert", full_name="改名"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == PHONE and user.full_name == "改名"  # empty phone kept the number
    c.post(url, _form(username="phoned", role="expert", full_name="改名", phone="13800000000"))
    user.refresh_from_db()
    assert user.phone == "13800000000"
    for event in AuditEvent.objects.filter(object_type="accounts.user"):
        assert PHONE not in str(event.before) + str(event.after)
        assert "13800000000" not in str(event.before) + str(event.after)


def test_own_notification_settings_show_the_number_masked(make_user: Any, login: Any) -> None:
    user = make_user("expert", phone=PHONE)
    page = login(user).get(reverse("core:notification-settings")).content.decode()
    assert "139****1234" in page and PHONE not in page


def test_the_user_list_finds_a_full_phone_number_through_the_blind_index(
    sysadmin: Any, login: Any, make_user: Any
) -> None:
    make_user("expert", username="phoned", phone=PHONE)
    make_user("expert", username="other", phone="13800000000")
    c = login(sysadmin)
    page = c.get(reverse("accounts:user-list"), {"q": "139 0553 1234"}).content.decode()
    assert "phoned" in page and ">other<" not in page and PHONE not in page
