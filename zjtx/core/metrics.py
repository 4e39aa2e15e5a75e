# mypy: disallow-untyped-defs
"""Basic metrics in the Prometheus text format at /metrics: requests, latency, task queue.

Each gunicorn worker counts its own requests in memory and, at most every few seconds, writes
its totals to one small JSON file per process in `ZJTX_METRICS_DIR`; the endpoint adds up the
files of every worker (live or exited: counters only grow) with its own live figures. No
server and no extra package are needed; gunicorn's `on_starting` hook empties the directory
(config/gunicorn.conf.py). The queue figures are read from the task backend at scrape time.

Access: a logged-in system administrator, or `Authorization: Bearer <ZJTX_METRICS_TOKEN>`
for the monitoring server.
"""

from __future__ import annotations

import hmac
import json
import os
import threading
import time
from bisect import bisect_left
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

# Seconds; the +Inf bucket is the count.
BUCKETS: tuple[float, ...] = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
FLUSH_SECONDS = 5.0
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class Registry:
    """One process's counters: requests by method and status class, a latency histogram."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.requests: dict[str, int] = {}
        self.buckets = [0] * (len(BUCKETS) + 1)
        self.seconds_sum = 0.0
        self.count = 0
        self.last_flush = 0.0

    def observe(self, *, method: str, status: int, seconds: float) -> None:
        key = f"{method if method in METHODS else 'OTHER'}|{status // 100}xx"
        with self.lock:
            self.requests[key] = self.requests.get(key, 0) + 1
            self.buckets[bisect_left(BUCKETS, seconds)] += 1
            self.seconds_sum += seconds
            self.count += 1

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": dict(self.requests),
                "buckets": list(self.buckets),
                "sum": self.seconds_sum,
                "count": self.count,
            }


REGISTRY = Registry()


def metrics_dir() -> Path | None:
    value = getattr(settings, "ZJTX_METRICS_DIR", None)
    return Path(value) if value else None


def _file_for(pid: int) -> Path | None:
    directory = metrics_dir()
    return directory / f"{pid}.json" if directory else None


def flush(force: bool = False) -> None:
    """Write this process's totals for the other workers' scrapes (at most every 5 s)."""
    now = time.monotonic()
    if not force and now - REGISTRY.last_flush < FLUSH_SECONDS:
        return
    REGISTRY.last_flush = now
    path = _file_for(os.getpid())
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(REGISTRY.snapshot()))
        tmp.replace(path)
    except OSError:
        pass  # metrics never break a request


def request_observed(*, method: str, status: int, seconds: float) -> None:
    REGISTRY.observe(method=method, status=status, seconds=seconds)
    flush()


def collect() -> dict[str, Any]:
    """Every worker's totals added up (this process's live figures in place of its file)."""
    total: dict[str, Any] = {"requests": {}, "buckets": [0] * (len(BUCKETS) + 1)}
    total["sum"], total["count"] = 0.0, 0
    snapshots = [REGISTRY.snapshot()]
    directory = metrics_dir()
    own = f"{os.getpid()}.json"
    if directory and directory.is_dir():
        for path in directory.glob("*.json"):
            if path.name == own:
                continue
            try:
                snapshots.append(json.loads(path.read_text()))
            except (OSError, ValueError):
                continue
    for snap in snapshots:
        for key, value in snap.get("requests", {}).items():
            total["requests"][key] = total["requests"].get(key, 0) + int(value)
        for i, value in enumerate(snap.get("buckets", [])[: len(total["buckets"])]):
            total["buckets"][i] += int(value)
        total["sum"] += float(snap.get("sum", 0.0))
        total["count"] += int(snap.get("count", 0))
    return total


def render_prometheus(total: dict[str, Any], queue: dict[str, Any]) -> str:
    lines = [
        "# HELP zjtx_http_requests_total HTTP requests served, by method and status class.",
        "# TYPE zjtx_http_requests_total counter",
    ]
    for key in sorted(total["requests"]):
        method, status = key.split("|")
        value = total["requests"][key]
        lines.append(f'zjtx_http_requests_total{{method="{method}",status="{status}"}} {value}')
    lines += [
        "# HELP zjtx_http_request_duration_seconds Time to answer a request.",
        "# TYPE zjtx_http_request_duration_seconds histogram",
    ]
    running = 0
    for bound, value in zip((*BUCKETS, float("inf")), total["buckets"], strict=True):
        running += value
        le = "+Inf" if bound == float("inf") else repr(bound)
        lines.append(f'zjtx_http_request_duration_seconds_bucket{{le="{le}"}} {running}')
    lines.append(f"zjtx_http_request_duration_seconds_sum {total['sum']:.6f}")
    lines.append(f"zjtx_http_request_duration_seconds_count {total['count']}")
    lines += [
        "# HELP zjtx_tasks_queued Background tasks waiting for a worker.",
        "# TYPE zjtx_tasks_queued gauge",
        f"zjtx_tasks_queued {queue.get('queued', 0) if queue.get('ok') else 'NaN'}",
        "# HELP zjtx_tasks_oldest_queued_seconds Age of the oldest waiting task.",
        "# TYPE zjtx_tasks_oldest_queued_seconds gauge",
        f"zjtx_tasks_oldest_queued_seconds {queue.get('oldest_seconds') or 0:.1f}",
        "# HELP zjtx_tasks_failed Background tasks that failed and were not retried.",
        "# TYPE zjtx_tasks_failed gauge",
        f"zjtx_tasks_failed {queue.get('failed', 0)}",
        "# HELP zjtx_task_queue_up Whether the task queue could be read (1) or not (0).",
        "# TYPE zjtx_task_queue_up gauge",
        f"zjtx_task_queue_up {1 if queue.get('ok') else 0}",
    ]
    return "\n".join(lines) + "\n"


def token_ok(request: HttpRequest) -> bool:
    expected = getattr(settings, "ZJTX_METRICS_TOKEN", "") or ""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not expected or not header.lower().startswith("bearer "):
        return False
    return hmac.compare_digest(header[7:].strip().encode(), expected.encode())


def may_read(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    is_sysadmin = bool(
        user is not None and user.is_authenticated and getattr(user, "role", "") == "sysadmin"
    )
    return is_sysadmin or token_ok(request)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text for a system administrator or the monitoring token; 401 otherwise."""
    from .health import task_queue_status

    if not may_read(request):
        return JsonResponse(
            {
                "code": "unauthenticated",
                "message": _("Log in as the system administrator or send the metrics token."),
                "fields": {},
            },
            status=401,
        )
    body = render_prometheus(collect(), task_queue_status())
    return HttpResponse(body, content_type="text/plain; version=0.0.4; charset=utf-8")
