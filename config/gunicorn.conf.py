"""gunicorn settings for production (docs/operations.md §2, ADR 0016).

    gunicorn -c config/gunicorn.conf.py config.wsgi

Every value can be overridden from the environment (the systemd unit's EnvironmentFile):

- Workers: GUNICORN_WORKERS, default 2 × CPU cores + 1 — the usual formula for a WSGI app
  that waits on PostgreSQL part of each request. Each worker holds one database connection
  per thread, so workers × threads must stay below PostgreSQL's max_connections (minus the
  task workers, the scheduler and a margin for psql and backups).
- Threads: GUNICORN_THREADS, default 1 (sync workers). The application's requests are
  CPU-bound (Python, not waiting on the network), so a second thread per worker only adds GIL
  contention: the deadline surge on the 2-core machine finished in 62.7 s with 2 threads and
  55.0 s with 1 (bench/surge/RESULTS.md). Raise it only where requests wait on slow I/O.
- Timeouts: GUNICORN_TIMEOUT, default 60 s. Long work (imports over the size threshold, the
  免申即享 scan, reports, bulk notices) runs as a background task, so no page needs longer;
  nginx's proxy_read_timeout must be a little longer than this (deploy/nginx/zjtx.conf).
"""

import multiprocessing
import os
import shutil
from pathlib import Path

_cores = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * _cores + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# No keep-alive between nginx and gunicorn: under a CPU-starved surge, gthread's keep-alive
# reaper closed connections that already carried the next request (the client saw a reset);
# on loopback a new connection per request costs nothing measurable.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
# Recycle workers now and then, staggered, so a slow leak never builds up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Request line and headers: generous for long query strings, bounded against abuse.
limit_request_line = 8190
limit_request_fields = 100
# The nginx in front is the only proxy whose X-Forwarded-* gunicorn believes.
forwarded_allow_ips = os.environ.get("ZJTX_TRUSTED_PROXIES", "127.0.0.1")
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Django writes one access line per request (zjtx.request, JSON, with the request id and
# without the query string); gunicorn's own access log would repeat it with the query string.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "zjtx-web"


def on_starting(server):  # type: ignore[no-untyped-def]
    """Start the metrics of a fresh server from zero (per-worker files, zjtx/core/metrics.py)."""
    base = Path(__file__).resolve().parent.parent
    directory = Path(os.environ.get("ZJTX_METRICS_DIR", str(base / "var" / "metrics")))
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)


def worker_exit(server, worker):  # type: ignore[no-untyped-def]
    """Keep an exiting worker's last counts (counters only grow)."""
    try:
        from zjtx.core.metrics import flush

        flush(force=True)
    except Exception:  # settings not loaded (worker died at start): nothing to keep
        pass


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Import the URLconf (every app's views, API routers and schemas) while the worker boots,
    not in its first request: ~1 s of CPU per worker that would otherwise land on the first
    users after a restart — at a deadline, all workers at once."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the property imports and caches them)
