"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser)."""

from __future__ import annotations

import re

# The `browser` and `page` fixtures live in the root conftest.py so that browser tests in
# any app share one Chromium.


def login_via_form(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


PASSWORD = "Zjtx#2026demo"  # the test users' password (root conftest's make_user)


def totp_now(user) -> str:
    """The user's current TOTP code, as an authenticator app would show it."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login_as(page, base: str, user) -> None:
    """Log `user` in from a clean browser, past the second factor where the role needs one,
    and wait for the home page."""
    page.context.clear_cookies()
    login_via_form(page, base, user.username, PASSWORD)
    page.wait_for_load_state()
    if "/accounts/otp/" in page.url:
        page.fill("form input[type=text], form input[inputmode=numeric]", totp_now(user))
        page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/$"))
