"""Gradient cultivation in the browser: the city officer runs a candidate search, reads a firm's
gaps and moves it into a pool in one step; the unit officer reads its share of the targets
(芜湖实施意见 一(三), 二(一))."""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from .conftest import login_as as _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"
SHOTS = Path(os.environ.get("ZJTX_SHOTS", "/tmp/shots/cult"))


def _shot(page, name: str) -> None:
    """Screenshots at 1440 px and 390 px when ZJTX_SHOTS names a folder (off in CI)."""
    if not os.environ.get("ZJTX_SHOTS"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


@pytest.fixture
def world(units, make_enterprise, make_user):
    from zjtx.accounts.services import otp_device_ensure
    from zjtx.cultivation import services
    from zjtx.cultivation.models import Metric
    from zjtx.enterprises.models import AnnualFinancial, IPAsset
    from zjtx.policy.services import policies_load

    policies_load()
    year = timezone.localdate().year
    firm = make_enterprise(
        name="芜湖奇睿精密机械有限公司",
        unit=units["镜湖区"],
        size_class="small",
        status="verified",
        established_on=date(2012, 3, 1),
    )
    for y, rd in ((year - 1, "1300000"), (year - 2, "2000000")):
        AnnualFinancial.objects.create(
            enterprise=firm,
            year=y,
            operating_revenue=Decimal("50000000"),
            main_business_revenue=Decimal("45000000"),
            rd_expense=Decimal(rd),  # last year 2.6 %, the year before 4 %
            net_profit=Decimal("4000000"),
            total_assets=Decimal("30000000"),
            total_liabilities=Decimal("12000000"),
            employees=120,
        )
    IPAsset.objects.create(
        enterprise=firm, ip_class="I", kind="invention", number="ZL202010000001.1"
    )
    city = make_user("city_officer", username="city_cult_e2e")
    otp_device_ensure(city)
    services.tier_write(
        enterprise=firm,
        track="certified",
        tier="innovative",
        action="grant",
        on=date(year - 1, 5, 1),
        reason="列入创新型中小企业公告",
        actor=city,
        source="recorded",
    )
    services.target_set_create(
        actor=city,
        title=f"{year}年度梯度培育目标",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        items=[
            services.TargetItemIn(
                Metric.CERTIFIED_NEW,
                "新认定市级专精特新中小企业（户）",
                50,
                {"tier": "municipal"},
                {"340202": 7, "340281": 5},
            ),
            services.TargetItemIn(
                Metric.POOL_SIZE, "梯度培育库在库企业（家）", 120, {}, {"340202": 18}
            ),
        ],
    )
    return {
        "firm": firm,
        "city": city,
        "unit": make_user("unit_officer", username="jinghu_cult_e2e", unit=units["镜湖区"]),
    }


def test_city_runs_candidates_and_moves_one_into_a_pool_unit_reads_its_share(
    live_server, page, world
):
    base = live_server.url
    _login(page, base, world["city"])
    page.get_by_role("link", name="候选企业筛查").first.click()
    page.uncheck("#tier-innovative")
    page.uncheck("#tier-municipal")
    page.uncheck("#tier-little_giant")
    page.click("#start-run")
    page.wait_for_url(re.compile(r"/cultivation/candidates/\d+/"))
    assert page.get_attribute("#run-status", "data-status") == "done"
    row = page.locator("#hits-table tr", has_text="芜湖奇睿精密机械有限公司")
    assert "2.6 %" in row.inner_text() and "0.4 个百分点" in row.inner_text()
    _shot(page, "run")
    row.locator("input[name=hits]").check()
    page.select_option("#move-pool", "cultivate")
    page.fill("#move-reason", "研发费用占比差0.4个百分点，纳入培育库重点辅导")
    page.click("#move-submit")
    page.wait_for_selector(".alert")
    assert "已确认" in page.inner_text("main") or "1 项已确认" in page.inner_text("main")

    page.get_by_role("link", name="梯度培育库").first.click()
    assert "芜湖奇睿精密机械有限公司" in page.inner_text("#pool-members")
    assert "培育库" in page.inner_text("#pool-members")
    _shot(page, "pools")
    page.click("text=芜湖奇睿精密机械有限公司")
    assert "纳入培育库重点辅导" in page.inner_text("#tier-history")
    _shot(page, "tiers")

    _login(page, base, world["unit"])
    page.get_by_role("link", name="目标任务进度").first.click()
    main = page.inner_text("main")
    assert "镜湖区 承担的分解任务" in main
    rows = page.locator(".target-row")
    assert rows.nth(0).locator(".target-goal").inner_text() == "7"
    assert rows.nth(1).locator(".target-goal").inner_text() == "18"
    assert rows.nth(1).locator(".target-value").inner_text() == "1"
    _shot(page, "targets-unit")


def test_city_sets_targets_on_the_grid_and_the_unit_reads_its_share(live_server, page, world):
    base = live_server.url
    year = timezone.localdate().year
    _login(page, base, world["city"])
    page.goto(f"{base}/cultivation/targets/")
    page.get_by_role("link", name="新建目标任务").click()
    page.fill("#id_title", f"{year}年度技能人才目标")
    page.fill("#id_period_start", f"{year}-01-01")
    page.fill("#id_period_end", f"{year}-12-31")
    page.select_option("select[name=item-0-metric]", "technicians")
    # only the parameters that apply to the metric are shown
    assert page.locator("select[name=item-0-tier]").is_hidden()
    page.fill("input[name=item-0-label]", "培育技师、高级技师（名）")
    page.fill("input[name=item-0-target]", "600")
    page.fill("input[name=share-0-340202]", "250")
    page.fill("input[name=share-0-340281]", "abc")
    assert page.inner_text("tr[data-row='0'] .share-total") == "250"
    page.click("#target-form button[type=submit]")
    assert "无为市 分解任务：请填写整数。" in page.inner_text(".row-errors")
    assert page.input_value("#id_title") == f"{year}年度技能人才目标"  # nothing typed is lost
    page.fill("input[name=share-0-340281]", "350")
    page.click("#target-form button[type=submit]")
    page.wait_for_url(re.compile(r"/cultivation/targets/#set-\d+"))
    assert "目标任务已创建" in page.inner_text("main")
    card = page.locator("[data-target-set]", has_text=f"{year}年度技能人才目标")
    assert card.locator(".target-goal").inner_text() == "600"
    _shot(page, "target-grid")

    _login(page, base, world["unit"])
    page.goto(f"{base}/cultivation/targets/")
    card = page.locator("[data-target-set]", has_text=f"{year}年度技能人才目标")
    assert card.locator(".target-goal").inner_text() == "250"
    assert page.get_by_role("link", name="新建目标任务").count() == 0


def test_unit_imports_talent_from_excel_and_fixes_a_refused_row(live_server, page, world, tmp_path):
    import xlsxwriter

    from zjtx.cultivation.talent_import import HEADERS

    def workbook(name: str, id_number: str) -> str:
        path = tmp_path / name
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet()
        ws.write_row(0, 0, HEADERS)
        code = world["firm"].credit_code
        ws.write_row(1, 0, ["技师", "张三", "11010519491231002X", "JS-01", "2026-03-01", code])
        ws.write_row(2, 0, ["高级技师", "李四", id_number, "GJ-02", "2026-03-02", code])
        wb.close()
        return str(path)

    base = live_server.url
    _login(page, base, world["unit"])
    page.goto(f"{base}/cultivation/talent/")
    page.set_input_files("#t-file", workbook("bad.xlsx", "340202198001011230"))
    page.click("#talent-import button[type=submit]")
    errors = page.inner_text("#import-errors")
    assert "第3行，公民身份号码" in errors and "第2行" not in errors
    assert "未导入任何数据" in page.inner_text("main")
    assert page.locator("#talent-table", has_text="张三").count() == 0
    _shot(page, "talent-import-refused")
    page.set_input_files("#t-file", workbook("good.xlsx", "110105198001010016"))
    page.click("#talent-import button[type=submit]")
    page.wait_for_selector(".alert-success")
    table = page.inner_text("#talent-table")
    assert "张三" in table and "李四" in table and "11010519491231002X" not in table
