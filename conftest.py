"""Shared fixtures: assessment units, users of every role, enterprises in two units."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from zjtx.core.credit_code import make_valid_code

_seq = itertools.count(1)
CHROMIUM = os.environ.get("ZJTX_CHROMIUM", "/usr/bin/chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


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


# Browser tests: Playwright drives Debian's chromium, never a downloaded browser.


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    # Code run while Playwright's loop is active gets its own database connection; close it,
    # or PostgreSQL keeps the test database busy.
    from django.db import connections

    connections.close_all()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
