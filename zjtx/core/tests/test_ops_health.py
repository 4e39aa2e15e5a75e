"""/healthz for the load balancer, /healthz/detail for monitoring (503 when unhealthy)."""

from __future__ import annotations

from collections import namedtuple
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_healthz_is_cheap_and_needs_no_login(client: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert len(queries) == 0
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_detail_reports_database_queue_and_disk(client: Any, settings: Any) -> None:
    settings.TASKS = DB_BACKEND
    response = client.get("/healthz/detail")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["database"]["vendor"] == connection.vendor
    assert body["tasks"] == {
        "backend": "DatabaseBackend",
        "ok": True,
        "queued": 0,
        "oldest_seconds": None,
        "failed": 0,
    }
    assert body["disk"]["ok"] and body["disk"]["volumes"]["var"]["free_mb"] > 0


def _enqueue_waiting(minutes_ago: int) -> None:
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="zjtx.core.tests.nothing",
        backend_name="default",
        run_after=timezone.now(),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def test_detail_counts_waiting_tasks_and_their_age(client: Any, settings: Any) -> None:
    settings.TASKS = DB_BACKEND
    _enqueue_waiting(2)
    _enqueue_waiting(1)
    body = client.get("/healthz/detail").json()
    assert body["tasks"]["queued"] == 2
    assert 110 <= body["tasks"]["oldest_seconds"] <= 200
    assert body["status"] == "ok"


def test_a_stalled_queue_is_unhealthy(client: Any, settings: Any) -> None:
    settings.TASKS = DB_BACKEND
    settings.ZJTX_HEALTH_MAX_QUEUE_AGE = 60
    _enqueue_waiting(5)
    response = client.get("/healthz/detail")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["tasks"]["ok"] is False and body["tasks"]["error"] == "queue_stalled"


def test_a_full_disk_is_unhealthy(client: Any) -> None:
    usage = namedtuple("usage", "total used free")(100 * 2**30, 100 * 2**30 - 2**20, 2**20)
    with mock.patch("zjtx.core.health.shutil.disk_usage", return_value=usage):
        response = client.get("/healthz/detail")
    assert response.status_code == 503
    assert response.json()["disk"]["ok"] is False


def test_a_database_failure_is_unhealthy(client: Any) -> None:
    with mock.patch(
        "zjtx.core.health.database_status", return_value={"ok": False, "error": "OperationalError"}
    ):
        response = client.get("/healthz/detail")
    assert response.status_code == 503
    assert response.json()["database"]["error"] == "OperationalError"


def test_an_unreachable_rq_queue_is_unhealthy(client: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "SOCKET_TIMEOUT": 1}}
    response = client.get("/healthz/detail")
    assert response.status_code == 503
    assert response.json()["tasks"]["ok"] is False
