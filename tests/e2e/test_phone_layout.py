"""Pages on a phone (390 px) and a desktop (1440 px): the menu folds into a button, tables scroll
sideways inside their wrapper, buttons and table headers never break one character per line.

Screenshots of every page at both widths go to ZJTX_SHOTS (default /tmp/shots/zh/)."""

from __future__ import annotations

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import login_via_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("ZJTX_SHOTS", "/tmp/shots/zh"))

# Elements that must stay on one line: buttons, badges, table headers.
BROKEN_JS = """
() => Array.from(document.querySelectorAll('main .btn, main th, main .badge')).filter(el => {
  const s = getComputedStyle(el);
  if (s.display === 'none' || el.offsetParent === null) return false;
  const line = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.5;
  const inner = el.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
  return el.innerText.trim().length > 1 && inner > line * 1.6;
}).map(el => el.innerText.trim().slice(0, 20))
"""
# Table cells squeezed to one character a line.
SQUEEZED_JS = """
() => Array.from(document.querySelectorAll('main td')).filter(el => {
  const text = el.innerText.trim();
  if (text.length < 4 || el.offsetParent === null) return false;
  const s = getComputedStyle(el);
  return el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)
    < parseFloat(s.fontSize) * 1.5;
}).map(el => el.innerText.trim().slice(0, 20))
"""


@pytest.fixture
def demo_city(monkeypatch, db):
    from zjtx.demo import seeding
    from zjtx.policy.services import policies_load

    monkeypatch.setattr(seeding, "SMALL_SCALE", 20)
    call_command("load_reference", stdout=StringIO())
    policies_load()
    call_command("seed_demo", stdout=StringIO())
    return seeding.DEMO_PASSWORD


PAGES = {
    "jinghu_officer": [
        "/",
        "/enterprises/",
        "/certification/rounds/",
        "/subsidies/",
        "/monitoring/reporting/",
        "/services/",
        "/financing/",
    ],
    "enterprise_demo": ["/", "/enterprises/mine/", "/policy/calculator/", "/services/events/"],
}


def _check(page, name: str, width: int) -> list[str]:
    problems = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width + 1:
        problems.append(f"{name}@{width}: page is {scroll}px wide")
    broken = page.evaluate(BROKEN_JS)
    if broken:
        problems.append(f"{name}@{width}: broken over lines: {broken[:5]}")
    squeezed = page.evaluate(SQUEEZED_JS)
    if squeezed:
        problems.append(f"{name}@{width}: squeezed cells: {squeezed[:5]}")
    return problems


def test_pages_fit_a_phone_and_a_desktop(live_server, browser, demo_city):
    problems: list[str] = []
    for username, paths in PAGES.items():
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.set_default_timeout(20000)
        login_via_form(page, live_server.url, username, demo_city)
        page.wait_for_url(re.compile(r"/$"))
        # On a phone the menu is a button; opening it shows the sidebar.
        assert not page.locator("#zjtx-sidebar").is_visible()
        page.get_by_role("button", name="菜单").click()
        page.locator("#zjtx-sidebar").wait_for(state="visible")
        for path in paths:
            name = f"{username}{path.strip('/').replace('/', '_') or '_home'}"
            for width in (390, 1440):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{live_server.url}{path}")
                problems += _check(page, name, width)
        # Every table scrolls inside its wrapper rather than widening the page.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}{paths[1]}")
        unwrapped = page.evaluate(
            "Array.from(document.querySelectorAll('main table')).filter(t => "
            "!t.parentElement.matches('.table-responsive, .zjtx-table-scroll')).length"
        )
        assert unwrapped == 0
        context.close()
    assert problems == []
