"""The security administrator's policy page (等保2.0 8.1.4.2 e, 8.1.5.3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from zjtx.accounts.models import SecurityPolicy

from .conftest import events

pytestmark = pytest.mark.django_db

URL = reverse("accounts:security")
VALID = {
    "min_length": 10,
    "min_classes": 3,
    "lockout_threshold": 5,
    "lockout_minutes": 30,
    "idle_minutes": 15,
    "password_max_age_days": 90,
}


def test_policy_change_is_saved_and_audited(secadmin: Any, login: Any) -> None:
    c = login(secadmin)
    assert "安全策略" in c.get(URL).content.decode()
    assert c.post(URL, VALID).status_code == 302
    policy = SecurityPolicy.objects.get(pk=1)
    assert policy.min_length == 10 and policy.idle_minutes == 15
    event = events("security.policy_change").get()
    assert event.before["min_length"] == 8 and event.after["min_length"] == 10
    assert event.before["lockout_minutes"] == 15 and event.after["lockout_minutes"] == 30


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_length", 6),
        ("min_classes", 2),
        ("lockout_threshold", 11),
        ("lockout_minutes", 5),
        ("idle_minutes", 60),
        ("password_max_age_days", 365),
    ],
)
def test_policy_below_the_floor_is_refused(
    secadmin: Any, login: Any, field: str, value: int
) -> None:
    response = login(secadmin).post(URL, {**VALID, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not events("security.policy_change").exists()


def test_policy_service_refuses_other_roles(sysadmin: Any) -> None:
    from zjtx.accounts.services import policy_update
    from zjtx.core.errors import Forbidden

    with pytest.raises(Forbidden):
        policy_update(actor=sysadmin, min_length=12)
