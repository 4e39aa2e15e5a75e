"""Fixtures for account tests: the settings lines the security policy needs, admin users."""

from __future__ import annotations

from typing import Any

import pytest

from zjtx.accounts.policy import policy_invalidate

PASSWORD = "Zjtx#2026demo"


@pytest.fixture(autouse=True)
def policy_settings(settings: Any) -> Any:
    """The configuration the report asks for in config/settings/base.py."""
    settings.AXES_FAILURE_LIMIT = "zjtx.accounts.policy.failure_limit"
    settings.AXES_COOLOFF_TIME = "zjtx.accounts.policy.cooloff_time"
    validators = [
        v
        for v in settings.AUTH_PASSWORD_VALIDATORS
        if not v["NAME"].endswith("MinimumLengthValidator")
    ]
    validators.insert(
        1,
        {
            "NAME": "zjtx.accounts.validators.PolicyMinimumLengthValidator",
            "OPTIONS": {"min_length": 8},
        },
    )
    settings.AUTH_PASSWORD_VALIDATORS = validators
    middleware = list(settings.MIDDLEWARE)
    if "zjtx.accounts.middleware.SessionPolicyMiddleware" not in middleware:
        index = middleware.index("zjtx.accounts.middleware.SecondFactorMiddleware")
        middleware.insert(index + 1, "zjtx.accounts.middleware.SessionPolicyMiddleware")
    settings.MIDDLEWARE = middleware
    policy_invalidate()
    yield settings
    policy_invalidate()


@pytest.fixture
def sysadmin(make_user: Any) -> Any:
    return make_user("sysadmin", username="sys1")


@pytest.fixture
def secadmin(make_user: Any) -> Any:
    return make_user("secadmin", username="sec1")


@pytest.fixture
def auditor(make_user: Any) -> Any:
    return make_user("auditor", username="aud1")


def events(action: str) -> Any:
    from zjtx.core.models import AuditEvent

    return AuditEvent.objects.filter(action=action).order_by("id")
