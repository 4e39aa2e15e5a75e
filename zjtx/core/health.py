# mypy: disallow-untyped-defs
"""Health endpoints and the metrics route (docs/operations.md, "Health, logs and metrics").

- `/healthz`: for the load balancer. Answers 200 "ok" when the process serves requests; it
  touches neither the database nor the disk, so it stays cheap at any polling rate.
- `/healthz/detail`: for monitoring. JSON with the database (a round trip and its time), the
  task queue (backend, waiting tasks, age of the oldest, failures in the last day) and the
  free disk space where uploads and logs are written; 503 when any check fails.
- `/metrics`: Prometheus text (zjtx/core/metrics.py), for the system administrator or a token.
"""

from __future__ import annotations

import shutil
import time
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .metrics import metrics_view

# Unhealthy when the oldest waiting task has waited longer than this (workers stopped or
# overwhelmed), or when a volume has less free space than this.
DEFAULT_MAX_QUEUE_AGE_SECONDS = 600
DEFAULT_MIN_FREE_MB = 1024


def _backend() -> tuple[str, Any]:
    """The default task backend's class path (or "" when tasks are not configured)."""
    tasks = getattr(settings, "TASKS", None) or {}
    default = tasks.get("default") or {}
    return str(default.get("BACKEND", "")), default


def task_queue_status() -> dict[str, Any]:
    """Waiting tasks, the age of the oldest and recent failures, from whichever backend runs."""
    backend, options = _backend()
    out: dict[str, Any] = {"backend": backend.rsplit(".", 1)[-1] or "none", "ok": True}
    out.update(queued=0, oldest_seconds=None, failed=0)
    now = timezone.now()
    try:
        if "django_tasks_db" in backend:
            from django_tasks_db.models import DBTaskResult

            waiting = DBTaskResult.objects.ready()
            out["queued"] = waiting.count()
            oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
            if oldest is not None:
                out["oldest_seconds"] = round((now - oldest).total_seconds(), 1)
            out["failed"] = DBTaskResult.objects.filter(
                status="FAILED", finished_at__gte=now - timedelta(days=1)
            ).count()
        elif "django_tasks_rq" in backend:
            import django_rq
            from rq.registry import FailedJobRegistry

            queued = 0
            oldest_at = None
            for name in options.get("QUEUES") or ["default"]:
                queue = django_rq.get_queue(name)
                queued += queue.count
                first = queue.get_job_ids(0, 0)
                job = queue.fetch_job(first[0]) if first else None
                if job is not None and job.enqueued_at is not None:
                    at = job.enqueued_at
                    if timezone.is_naive(at):
                        at = timezone.make_aware(at, UTC)
                    oldest_at = at if oldest_at is None else min(oldest_at, at)
                out["failed"] += FailedJobRegistry(queue=queue).count
            out["queued"] = queued
            if oldest_at is not None:
                out["oldest_seconds"] = round((now - oldest_at).total_seconds(), 1)
    except Exception as exc:  # the queue's store is down: report it, never raise
        out["ok"] = False
        out["error"] = exc.__class__.__name__
        return out
    limit = getattr(settings, "ZJTX_HEALTH_MAX_QUEUE_AGE", DEFAULT_MAX_QUEUE_AGE_SECONDS)
    if out["oldest_seconds"] is not None and out["oldest_seconds"] > limit:
        out["ok"] = False
        out["error"] = "queue_stalled"
    return out


def database_status() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _volumes() -> dict[str, Path]:
    """Where the site writes: uploads (local storage) and var/ (SQLite, anchors, metrics)."""
    out = {"var": Path(settings.BASE_DIR) / "var"}
    media = getattr(settings, "MEDIA_ROOT", "")
    if media:
        out["uploads"] = Path(media)
    return out


def disk_status() -> dict[str, Any]:
    minimum = getattr(settings, "ZJTX_HEALTH_MIN_FREE_MB", DEFAULT_MIN_FREE_MB)
    out: dict[str, Any] = {"ok": True, "min_free_mb": minimum, "volumes": {}}
    for name, where in _volumes().items():
        probe = where
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        try:
            usage = shutil.disk_usage(probe)
        except OSError as exc:
            out["volumes"][name] = {"ok": False, "error": exc.__class__.__name__}
            out["ok"] = False
            continue
        free_mb = usage.free // (1024 * 1024)
        ok = free_mb >= minimum
        out["volumes"][name] = {
            "ok": ok,
            "free_mb": free_mb,
            "free_percent": round(100 * usage.free / usage.total, 1) if usage.total else 0.0,
        }
        out["ok"] = out["ok"] and ok
    return out


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for the load balancer: no database, no disk."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def healthz_detail(request: HttpRequest) -> JsonResponse:
    """Database, task queue and disk; HTTP 503 when any of them fails."""
    checks = {
        "database": database_status(),
        "tasks": task_queue_status(),
        "disk": disk_status(),
    }
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "fail", "time": timezone.now().isoformat(), **checks}
    return JsonResponse(body, status=200 if healthy else 503)


# Included from zjtx/core/urls.py (names live in the "core" namespace).
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/detail", healthz_detail, name="healthz-detail"),
    path("metrics", metrics_view, name="metrics"),
]
