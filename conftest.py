"""Shared fixtures: assessment units, users of every role, enterprises in two units."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from zjtx.core.credit_code import make_valid_code

_seq = itertools.count(1)


@pytest.fixture
def units(db) -> dict[str, Any]:
    from zjtx.reference.models import AssessmentUnit

    data = [
        ("340202", "镜湖区", "district", "340202"),
        ("340281", "无为市", "county_city", "340281"),
        ("ZONE-JK", "经济技术开发区", "zone", "340207"),
    ]
    return {
        name: AssessmentUnit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "division_code": div}
        )[0]
        for code, name, kind, div in data
    }


@pytest.fixture
def make_enterprise(units) -> Callable[..., Any]:
    from zjtx.enterprises.models import Enterprise

    def make(name: str = "", unit: Any = None, **fields: Any) -> Any:
        n = next(_seq)
        unit = unit or units["镜湖区"]
        return Enterprise.objects.create(
            credit_code=fields.pop("credit_code", None)
            or make_valid_code(f"913402{n % 10000:04d}MA2W{n % 1000:03d}"),
            name=name or f"测试企业{n}有限公司",
            unit=unit,
            **fields,
        )

    return make


@pytest.fixture
def make_user(units) -> Callable[..., Any]:
    from zjtx.accounts.models import Role, User

    def make(role: str = Role.CITY_OFFICER, username: str = "", **scope: Any) -> Any:
        username = username or f"{role}_{next(_seq)}"
        user = User.objects.create_user(
            username=username, password="Zjtx#2026demo", role=role, **scope
        )
        return user

    return make


@pytest.fixture
def city_officer(make_user):
    return make_user("city_officer")


@pytest.fixture
def login(client) -> Callable[[Any], Any]:
    """Log a user in on the test client, past the second factor where the role needs one."""

    def do(user: Any) -> Any:
        client.force_login(user)
        if user.needs_second_factor:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="test", defaults={"confirmed": True}
            )
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return do
