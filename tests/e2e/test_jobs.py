"""Long work in the browser: a city officer starts the 免申即享 scan and a unit officer uploads a
large monitoring workbook; each lands on the job's progress page (queued, 0 %), a task worker
picks it up (`manage.py db_worker --batch`, the same command the worker units run), the page
updates itself to 100 % with a link, and the link opens the result."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from .conftest import login_as as _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"
SHOTS = Path("/tmp/shots/ops")


@pytest.fixture
def queued_tasks(settings: Any) -> Iterator[None]:
    """The production default: tasks wait in the database until a worker takes them."""
    from django_tasks import task_backends

    def fresh() -> None:
        task_backends.__dict__.pop("settings", None)
        try:
            delattr(task_backends._connections, "default")
        except AttributeError:
            pass

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    fresh()
    yield
    fresh()


def _worker_runs_once() -> None:
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-1440.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def _progress_then_result(page: Any, name: str) -> None:
    """On the job page: queued at 0 %, then (after the worker) 100 % and the result link."""
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    progress = page.locator("#job-progress")
    assert progress.get_attribute("data-status") == "queued"
    assert "等待" in progress.inner_text()
    assert page.locator(".progress-bar").inner_text().strip() == "0%"
    _shoot(page, f"{name}-queued")
    _worker_runs_once()
    # The page polls itself (htmx, every second) until the job has finished.
    page.wait_for_selector("#job-progress[data-status=succeeded]", timeout=20000)
    assert page.locator(".progress-bar").inner_text().strip() == "100%"
    _shoot(page, f"{name}-done")
    page.click("#job-result")


def test_scan_runs_as_a_job_with_progress_and_opens_its_hits(
    live_server: Any, page: Any, queued_tasks: None, make_enterprise: Any, make_user: Any
) -> None:
    from zjtx.accounts.services import otp_device_ensure
    from zjtx.policy.models import DeclaredFact
    from zjtx.policy.services import policies_load

    policies_load()
    for i in range(3):
        firm = make_enterprise(name=f"芜湖扫描精工{i}有限公司")
        if i < 2:
            for fact, value in (
                ("tech_upgrade_equipment_investment_yuan", "4000000.00"),
                ("tech_upgrade_completed_year", 2025),
            ):
                DeclaredFact.objects.create(enterprise=firm, name=fact, value=value, source="测试")
    officer = make_user("city_officer", username="scan_city")
    otp_device_ensure(officer)
    base = live_server.url
    _login(page, base, officer)
    page.goto(f"{base}/policy/scans/")
    page.fill("#scan-as-of", "2026-06-01")
    page.click("#scan-form button[type=submit]")
    assert "免申即享扫描" in page.locator("h1").inner_text()
    _progress_then_result(page, "scan")
    page.wait_for_url(re.compile(r"/policy/scans/\d+/$"))
    text = page.content()
    assert "芜湖扫描精工0有限公司" in text and "芜湖扫描精工1有限公司" in text
    assert "芜湖扫描精工2有限公司" not in text  # nothing declared: not a hit
    _shoot(page, "scan-result")


def test_a_large_import_runs_as_a_job_with_progress_and_opens_its_run(
    live_server: Any,
    page: Any,
    queued_tasks: None,
    settings: Any,
    units: Any,
    make_enterprise: Any,
    make_user: Any,
    tmp_path: Path,
) -> None:
    from zjtx.monitoring.tests import xlsx_files as X

    settings.ZJTX_IMPORT_JOB_THRESHOLD_BYTES = 1000
    # A transactional test starts from an empty database: the indicator catalogue comes back.
    call_command("load_indicators", verbosity=0)
    firms = [make_enterprise(f"芜湖导入{i}科技有限公司", units["镜湖区"]) for i in range(3)]
    workbook = tmp_path / "九月监测.xlsx"
    workbook.write_bytes(X.workbook([X.row(f.credit_code) for f in firms]))
    officer = make_user("unit_officer", username="import_unit", unit=units["镜湖区"])
    base = live_server.url
    _login(page, base, officer)
    page.goto(f"{base}/monitoring/upload/?period=2026-09")
    page.set_input_files("input[type=file][name=file]", str(workbook))
    dry_run = page.locator("input[name=dry_run]")
    if dry_run.is_checked():
        dry_run.uncheck()
    page.locator("form:has(input[name=file]) [type=submit]").first.click()
    assert "运营监测数据导入" in page.locator("h1").inner_text()
    _progress_then_result(page, "import")
    page.wait_for_url(re.compile(r"/monitoring/imports/\d+/$"))
    from zjtx.monitoring.models import ImportRun

    run = ImportRun.objects.get()
    assert page.url.endswith(f"/monitoring/imports/{run.pk}/")
    assert run.status == ImportRun.Status.COMMITTED and run.rows_accepted == 3
    assert "九月监测.xlsx" in page.content()
    _shoot(page, "import-result")
