"""/metrics: request counts, a latency histogram and the task queue, for sysadmin or a token."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from zjtx.core import metrics

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_registry(settings: Any, tmp_path: Any) -> Any:
    settings.ZJTX_METRICS_DIR = tmp_path
    settings.ZJTX_METRICS_TOKEN = "t" * 40
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    metrics.REGISTRY.reset()
    yield tmp_path
    metrics.REGISTRY.reset()


def _value(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{name} missing")


def test_anonymous_gets_401(client: Any) -> None:
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_wrong_token_gets_401(client: Any) -> None:
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_other_roles_get_401(client: Any, login: Any, make_user: Any) -> None:
    login(make_user("city_officer"))
    assert client.get("/metrics").status_code == 401


def test_sysadmin_reads_requests_latency_and_queue(client: Any, login: Any, make_user: Any) -> None:
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page/")
    login(make_user("sysadmin"))
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert 'zjtx_http_requests_total{method="GET",status="2xx"} 3' in text
    assert 'zjtx_http_requests_total{method="GET",status="4xx"} 1' in text
    # The histogram is cumulative and ends at the count.
    count = _value(text, "zjtx_http_request_duration_seconds_count")
    assert count >= 4
    assert f'zjtx_http_request_duration_seconds_bucket{{le="+Inf"}} {int(count)}' in text
    assert _value(text, "zjtx_tasks_queued") == 0
    assert _value(text, "zjtx_task_queue_up") == 1


def test_the_token_reads_and_other_workers_are_added(client: Any, fresh_registry: Any) -> None:
    client.get("/healthz")
    # Another gunicorn worker's flushed totals.
    other = {"requests": {"POST|2xx": 5}, "buckets": [5] + [0] * 10, "sum": 0.02, "count": 5}
    (fresh_registry / f"{os.getpid() + 1}.json").write_text(json.dumps(other))
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "t" * 40)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'zjtx_http_requests_total{method="POST",status="2xx"} 5' in text
    assert _value(text, "zjtx_http_request_duration_seconds_count") == 6


def test_flush_writes_this_process_totals(fresh_registry: Any) -> None:
    metrics.request_observed(method="GET", status=200, seconds=0.2)
    metrics.flush(force=True)
    data = json.loads((fresh_registry / f"{os.getpid()}.json").read_text())
    assert data["count"] == 1 and data["requests"] == {"GET|2xx": 1}
    assert data["buckets"][metrics.BUCKETS.index(0.25)] == 1
