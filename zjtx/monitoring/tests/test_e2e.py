"""Browser: upload a file, read the dry-run errors, fix, confirm, see the dashboard move.

Runs with `pytest -m e2e zjtx/monitoring` (Playwright + Debian's chromium); excluded from
`make test` like every e2e test.
"""

from __future__ import annotations

import io
import os
import re

import pytest
from django.core.management import call_command

from . import xlsx_files as X
from .conftest import PERIOD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CHROMIUM = os.environ.get("ZJTX_CHROMIUM", "/usr/bin/chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def upload(page, base: str, data: bytes, dry_run: bool = True) -> None:
    page.goto(f"{base}/monitoring/upload/?period={PERIOD}")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "九月报表.xlsx", "mimeType": "application/octet-stream", "buffer": data}],
    )
    if not dry_run:
        page.uncheck("input[name=dry_run]")
    page.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(r"/monitoring/imports/\d+/"))


def test_upload_fix_confirm_and_dashboard(live_server, page, units, make_enterprise, make_user):
    # Transactional tests flush the tables, data migrations included: reload the catalogue.
    call_command("load_indicators", stdout=io.StringIO())
    firm = make_enterprise(name="芜湖奇睿精密机械有限公司", unit=units["镜湖区"])
    make_user("unit_officer", username="jinghu_monitor", unit=units["镜湖区"])
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "jinghu_monitor")
    page.fill("input[name=password]", "Zjtx#2026demo")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    assert "运行监测" in page.inner_text("nav")

    upload(page, base, X.workbook([X.row(firm.credit_code.lower(), 营业收入="一千")]))
    main = page.inner_text("main")
    assert "未保存任何数据" in main and "D4" in main and "不是数字" in main

    upload(page, base, X.workbook([X.row(firm.credit_code.lower(), 营业收入="１，０００．５")]))
    assert "预检通过" in page.inner_text("main")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认入库").click()
    page.wait_for_url(re.compile(r"/monitoring/imports/\d+/"))
    assert "数据已入库" in page.inner_text("main")

    page.goto(f"{base}/monitoring/dashboard/?period={PERIOD}")
    page.wait_for_selector("[data-chart=trend] canvas")
    rates = page.inner_text("#dash-rates")
    assert "镜湖区" in rates and "100.0%" in rates
