"""Annual report and benchmarking in the browser: the city officer starts the report, follows
its progress to the result page and downloads the Word file; an enterprise opens its
benchmark page; the dashboards render (芜湖实施意见: 年度发展报告, 对标立杆)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from zjtx.reports.tests.citydata import build_city

from .conftest import login_as as _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"
SHOTS = Path(os.environ.get("ZJTX_SHOTS", "/tmp/shots/report"))


def _shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


@pytest.fixture
def world(units, make_enterprise, make_user):
    from zjtx.accounts.services import otp_device_ensure

    data = build_city(make_enterprise, make_user, units)
    otp_device_ensure(data["city"])
    data["ent"] = make_user("enterprise", username="bm_ent_e2e", enterprise=data["firms"][0])
    return data


def test_city_builds_the_report_and_enterprise_benchmarks(live_server, page, world):
    from docx import Document

    base = live_server.url
    _login(page, base, world["city"])
    page.get_by_role("link", name="年度报告").first.click()
    page.select_option("#report-year", str(world["year"]))
    _shots(page, "annual-list")
    page.click("#start-button")
    # the job's progress page, then the report
    page.wait_for_selector("#job-progress[data-status='succeeded']")
    assert "100%" in page.inner_text("#job-progress")
    page.click("#job-result")
    page.wait_for_selector("#report-result")
    assert "二、经济运行" in page.inner_text("main")
    assert page.locator("#figure-table tr[data-key='economics.revenue']").count() == 1
    assert "营业收入" in page.inner_text("#figure-table")
    _shots(page, "annual-detail")
    with page.expect_download() as info:
        page.click("#download-docx")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    assert any("芜湖市" in p.text and "发展报告" in p.text for p in doc.paragraphs[:3])

    page.goto(f"{base}/reports/?year={world['year']}")
    page.wait_for_selector("[data-chart='annual'] canvas")
    assert "领导驾驶舱" in page.inner_text("main")
    _shots(page, "dashboard")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{base}/reports/screen/?year={world['year']}")
    page.wait_for_selector("[data-chart='monthly'] canvas")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "screen-1920.png"))
    page.set_viewport_size({"width": 1400, "height": 900})

    _login(page, base, world["ent"])
    page.get_by_role("link", name="对标分析").first.click()
    page.wait_for_selector("[data-group='division_size']")
    text = page.inner_text("main")
    assert world["firms"][0].name in text
    assert "中位数" in text and "利润率" in text
    _shots(page, "benchmark")
