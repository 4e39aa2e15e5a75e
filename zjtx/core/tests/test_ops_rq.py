"""RQ on Redis, the scale-out backend: a job started through start_job is queued in Redis,
shows in the health check's queue depth, and an RQ worker (django-tasks-rq's Job class) runs
it to its result. Needs `redis-server` (Debian package); skipped without it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.utils.translation import gettext_lazy as _

from zjtx.core import jobs
from zjtx.core.models import BackgroundJob

REDIS = shutil.which("redis-server")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(REDIS is None, reason="redis-server is not installed"),
]


@jobs.job_handler("test.ops_rq", title=_("Background jobs"))
def _handler(ctx: jobs.JobContext) -> None:
    for i in range(3):
        ctx.progress(i + 1, 3)
    ctx.set_result(url="/done/", summary={"n": 3})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Any) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(REDIS),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def rq_backend(settings: Any, redis_url: str) -> Iterator[None]:
    import django_rq.settings
    from django_tasks import task_backends

    queues = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = queues

    def fresh() -> None:
        task_backends.__dict__.pop("settings", None)
        try:
            delattr(task_backends._connections, "default")
        except AttributeError:
            pass

    with mock.patch.object(django_rq.settings, "QUEUES", queues):
        fresh()
        yield
    fresh()


def test_a_job_goes_through_redis_and_an_rq_worker(
    rq_backend: None, client: Any, make_user: Any
) -> None:
    import django_rq
    from django_tasks_rq.backend import Job as RQJob
    from rq import SimpleWorker

    officer = make_user("city_officer")
    job = jobs.start_job("test.ops_rq", actor=officer)
    assert job.status == BackgroundJob.Status.QUEUED
    queue = django_rq.get_queue("default", job_class=RQJob)
    assert queue.count == 1
    health = client.get("/healthz/detail").json()["tasks"]
    assert health["backend"] == "RQBackend" and health["queued"] == 1 and health["ok"]
    # SimpleWorker runs the task in this process (a forked work horse would not see an
    # in-memory test database); production workers fork as usual.
    worker = django_rq.get_worker("default", job_class=RQJob, worker_class=SimpleWorker)
    worker.work(burst=True)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert (job.progress_done, job.result_url) == (3, "/done/")
    assert queue.count == 0
