"""Background jobs: progress, result, failure with a message or an incident, retry, scope."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy as _

from zjtx.core import jobs
from zjtx.core.errors import DomainError
from zjtx.core.models import AuditEvent, BackgroundJob, Notification

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []


@jobs.job_handler("test.count", title=_("Background jobs"))
def _count(ctx: jobs.JobContext) -> None:
    CALLS.append(ctx.params)
    total = int(ctx.params.get("n", 3))
    for i in range(total):
        ctx.progress(i + 1, total, message=f"{i + 1}")
    if ctx.params.get("fail") == "domain":
        raise DomainError("bad_year", "年份不在统计范围内")
    if ctx.params.get("fail") == "crash":
        raise RuntimeError("boom")
    ctx.set_result(url="/result/", summary={"count": total})


def test_job_runs_to_its_result_and_tells_its_starter(city_officer):
    job = jobs.start_job("test.count", actor=city_officer, params={"n": 4})
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.percent) == (4, 4, 100)
    assert job.result_url == "/result/" and job.result_summary == {"count": 4}
    assert job.started_at and job.finished_at
    assert AuditEvent.objects.filter(action="job.finish", object_id=str(job.pk)).exists()
    note = Notification.objects.get(recipient=city_officer)
    assert "后台任务已完成" in note.title and note.url == job.get_absolute_url()


def test_domain_error_fails_the_job_with_its_message(city_officer):
    job = jobs.start_job("test.count", actor=city_officer, params={"fail": "domain"})
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error == "年份不在统计范围内"
    assert AuditEvent.objects.filter(action="job.fail", object_id=str(job.pk)).exists()


def test_unexpected_error_fails_with_an_incident_number(city_officer, caplog):
    job = jobs.start_job("test.count", actor=city_officer, params={"fail": "crash"})
    assert job.status == BackgroundJob.Status.FAILED
    assert "事件编号" in job.error and "boom" not in job.error


def test_retry_starts_a_linked_job_only_for_failed_ones(city_officer):
    failed = jobs.start_job("test.count", actor=city_officer, params={"fail": "domain"})
    again = jobs.retry_job(failed, actor=city_officer)
    assert again.retry_of_id == failed.pk and again.params == failed.params
    done = jobs.start_job("test.count", actor=city_officer)
    with pytest.raises(DomainError) as err:
        jobs.retry_job(done, actor=city_officer)
    assert err.value.code == jobs.JobErrorCode.NOT_RETRYABLE


def test_a_job_is_not_run_twice(city_officer):
    CALLS.clear()
    job = jobs.start_job("test.count", actor=city_officer, params={"n": 1})
    jobs.execute(job.pk)  # a duplicate delivery by the queue
    assert len(CALLS) == 1


def test_unknown_kind_and_unstorable_params_are_refused(city_officer):
    with pytest.raises(DomainError):
        jobs.start_job("test.nothing", actor=city_officer)
    with pytest.raises(DomainError):
        jobs.start_job("test.count", actor=city_officer, params={"x": object()})
    assert not BackgroundJob.objects.exists()


def test_job_pages_and_api_are_scoped(client, login, make_user, units, city_officer):
    unit_a = make_user("unit_officer", unit=units["镜湖区"])
    unit_b = make_user("unit_officer", unit=units["经济技术开发区"])
    job = jobs.start_job("test.count", actor=unit_a, params={"n": 2})
    assert job.unit_id == units["镜湖区"].pk

    login(unit_a)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "100%" in body and 'id="job-result"' in body and "已完成" in body
    api = client.get(f"/api/v1/jobs/{job.pk}")
    assert api.status_code == 200 and api.json()["percent"] == 100

    login(unit_b)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}").json()["code"] == "not_found"
    assert client.get("/api/v1/jobs/not-a-uuid").status_code in (400, 404)
    assert client.get("/api/v1/jobs").json() == []

    login(city_officer)
    assert client.get(job.get_absolute_url()).status_code == 200
    assert "后台任务" in client.get("/jobs/").content.decode()


def test_failed_job_page_shows_error_and_retries(client, login, city_officer):
    job = jobs.start_job("test.count", actor=city_officer, params={"fail": "domain"})
    login(city_officer)
    body = client.get(job.get_absolute_url()).content.decode()
    assert "年份不在统计范围内" in body and 'id="job-retry"' in body
    response = client.post(f"/jobs/{job.pk}/retry/")
    new = BackgroundJob.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    api = client.post(f"/api/v1/jobs/{new.pk}/retry")
    assert api.status_code == 201 and api.json()["retry_of"] == str(new.pk)


def test_running_job_page_polls(client, login, city_officer):
    job = BackgroundJob.objects.create(
        kind="test.count", title="x", created_by=city_officer, status=BackgroundJob.Status.RUNNING
    )
    login(city_officer)
    body = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in body
    partial = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="job-progress"')
