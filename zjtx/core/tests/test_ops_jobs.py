"""Long work runs as background jobs: the 免申即享 scan and large monitoring imports start a
job whose page shows progress and links to the result; small imports stay in the request."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zjtx.core import jobs
from zjtx.core.models import BackgroundJob
from zjtx.monitoring import jobs as monitoring_jobs
from zjtx.monitoring.models import ImportRun
from zjtx.monitoring.tests import xlsx_files as X
from zjtx.policy.models import DeclaredFact, ScanRun
from zjtx.policy.tests.conftest import loaded_policies  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued(settings: Any) -> None:
    """The production default: jobs wait in the database for a worker."""
    from django_tasks import task_backends

    settings.TASKS = DATABASE_BACKEND
    task_backends.__dict__.pop("settings", None)
    try:
        delattr(task_backends._connections, "default")
    except AttributeError:
        pass
    yield
    task_backends.__dict__.pop("settings", None)
    try:
        delattr(task_backends._connections, "default")
    except AttributeError:
        pass


def _work_off(job: BackgroundJob) -> BackgroundJob:
    """What a worker does with the queued task."""
    jobs.execute(job.pk)
    job.refresh_from_db()
    return job


@pytest.fixture
def scan_firms(make_enterprise: Any, loaded_policies: Any) -> list[Any]:  # noqa: F811
    firms = [make_enterprise(name=f"扫描企业{i}") for i in range(3)]
    for firm in firms[:2]:
        for name, value in (
            ("tech_upgrade_equipment_investment_yuan", "4000000.00"),
            ("tech_upgrade_completed_year", 2025),
        ):
            DeclaredFact.objects.create(enterprise=firm, name=name, value=value, source="测试")
    return firms


def test_scan_page_queues_a_job_whose_page_shows_progress_then_the_hits(
    client: Any, login: Any, city_officer: Any, scan_firms: Any, queued: None
) -> None:
    login(city_officer)
    response = client.post(reverse("policy:scans"), {"as_of": "2026-06-01"})
    job = BackgroundJob.objects.get(kind="policy.scan")
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == BackgroundJob.Status.QUEUED and not ScanRun.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "免申即享扫描" in page and "等待" in page
    job = _work_off(job)
    run = ScanRun.objects.get()
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.result_url == reverse("policy:scan-detail", args=[run.pk])
    assert "共检查 3 户企业" in job.message and "2 户可能符合条件" in job.message
    page = client.get(job.get_absolute_url()).content.decode()
    assert job.result_url in page and "100%" in page


def test_scan_with_bad_programs_is_refused_before_queuing(
    client: Any, login: Any, city_officer: Any, scan_firms: Any, queued: None
) -> None:
    login(city_officer)
    client.post(reverse("policy:scans"), {"as_of": "2026-06-01", "programs": ["nope"]})
    assert not BackgroundJob.objects.exists()


def test_scan_with_the_immediate_backend_lands_on_the_hits(
    client: Any, login: Any, city_officer: Any, scan_firms: Any
) -> None:
    login(city_officer)
    response = client.post(reverse("policy:scans"), {"as_of": "2026-06-01"})
    run = ScanRun.objects.get()
    assert response.url == reverse("policy:scan-detail", args=[run.pk])
    assert BackgroundJob.objects.get().status == BackgroundJob.Status.SUCCEEDED


@pytest.fixture
def import_setup(make_user: Any, make_enterprise: Any, units: Any, settings: Any) -> Any:
    settings.ZJTX_IMPORT_JOB_THRESHOLD_BYTES = 1000
    officer = make_user("unit_officer", unit=units["镜湖区"])
    firms = [make_enterprise(f"导入企业{i}有限公司", units["镜湖区"]) for i in range(2)]
    data = X.workbook([X.row(f.credit_code) for f in firms])
    assert len(data) > 1000
    return officer, data


def _upload(client: Any, data: bytes) -> Any:
    return client.post(
        reverse("monitoring:upload"),
        {"period": "2026-09", "file": SimpleUploadedFile("九月.xlsx", data)},
    )


def test_a_large_import_runs_as_a_job_with_progress_and_its_result(
    client: Any, login: Any, import_setup: Any, queued: None
) -> None:
    officer, data = import_setup
    login(officer)
    response = _upload(client, data)
    job = BackgroundJob.objects.get(kind="monitoring.import")
    assert response.url == job.get_absolute_url()
    assert job.unit_id == officer.unit_id and not ImportRun.objects.exists()
    staged = job.params["staged"]
    storage = ImportRun._meta.get_field("file").storage
    assert storage.exists(staged)
    job = _work_off(job)
    run = ImportRun.objects.get()
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert run.status == ImportRun.Status.COMMITTED and run.rows_accepted == 2
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.result_url == reverse("monitoring:import-detail", args=[run.pk])
    assert "接受 2 行" in job.message
    assert not storage.exists(staged)


def test_a_failed_import_job_keeps_its_file_for_the_retry(
    client: Any, login: Any, import_setup: Any, queued: None
) -> None:
    officer, data = import_setup
    login(officer)
    response = client.post(
        reverse("monitoring:upload"),
        {"period": "2099-01", "file": SimpleUploadedFile("未来.xlsx", data)},
    )
    job = _work_off(BackgroundJob.objects.get(kind="monitoring.import"))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    # A period in the future is refused by the pipeline; the run and the job say why.
    assert run.status == ImportRun.Status.REJECTED
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert job.result_url == reverse("monitoring:import-detail", args=[run.pk])


def test_a_small_import_stays_in_the_request(
    client: Any, login: Any, import_setup: Any, settings: Any
) -> None:
    officer, data = import_setup
    settings.ZJTX_IMPORT_JOB_THRESHOLD_BYTES = 10 * 1024 * 1024
    login(officer)
    response = _upload(client, data)
    run = ImportRun.objects.get()
    assert response.url == reverse("monitoring:import-detail", args=[run.pk])
    assert not BackgroundJob.objects.exists()


def test_a_missing_staged_file_fails_the_job_with_a_message(
    client: Any, login: Any, import_setup: Any, queued: None
) -> None:
    officer, data = import_setup
    login(officer)
    _upload(client, data)
    job = BackgroundJob.objects.get(kind="monitoring.import")
    ImportRun._meta.get_field("file").storage.delete(job.params["staged"])
    job = _work_off(job)
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error == "上传的文件已不存在，请重新上传。"
    assert monitoring_jobs.KIND == job.kind


def test_the_job_kinds_are_registered_in_every_process() -> None:
    """A worker process imports no view: the apps' ready() registers their job kinds."""
    kinds = jobs.registered_kinds()
    assert {"policy.scan", "monitoring.import"} <= set(kinds)
