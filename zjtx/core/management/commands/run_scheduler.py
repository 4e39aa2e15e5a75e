"""The one scheduler: runs every periodic job of the platform on its timetable (ADR 0016).

    manage.py run_scheduler            # long-running (systemd unit zjtx-scheduler.service)
    manage.py run_scheduler --once     # run what is due now and exit (from cron, or to test)
    manage.py run_scheduler --list     # print the timetable
    manage.py run_scheduler --run send_reminders   # run one job now, whatever the time

Times are local (Asia/Shanghai). A job missed while the scheduler was stopped runs once when
it starts again, if its slot was within the last 12 hours; each job's last run is kept in
ZJTX_SCHEDULER_STATE (a small JSON file). On PostgreSQL an advisory lock makes a second
scheduler (on another server, or started twice) wait instead of running jobs twice; the jobs
themselves are idempotent anyway (reminders are sent once, the audit anchor and the clock
sweep may repeat harmlessly).
"""

from __future__ import annotations

import io
import json
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger("zjtx.scheduler")
CATCH_UP = timedelta(hours=12)
LOCK_ID = 0x5A4A5458  # "ZJTX": PostgreSQL advisory lock key of the scheduler


@dataclass(frozen=True)
class Entry:
    name: str
    minute: int
    hour: int | None  # None: every hour at `minute`
    doc: str
    run: Callable[[], str]

    @property
    def when(self) -> str:
        return (
            f"hourly :{self.minute:02d}"
            if self.hour is None
            else f"daily {self.hour:02d}:{self.minute:02d}"
        )

    def last_slot(self, now: datetime) -> datetime:
        """The latest scheduled time at or before `now` (local time)."""
        if self.hour is None:
            slot = now.replace(minute=self.minute, second=0, microsecond=0)
            return slot if slot <= now else slot - timedelta(hours=1)
        slot = now.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        return slot if slot <= now else slot - timedelta(days=1)


def _command(name: str, *args: str) -> Callable[[], str]:
    def run() -> str:
        out = io.StringIO()
        call_command(name, *args, stdout=out, stderr=out)
        return out.getvalue().strip()

    return run


def _audit_verify() -> str:
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=out)
    except (CommandError, SystemExit) as exc:
        # The alert: an ERROR line in the log (shipped to the central log server).
        logger.error("audit chain verification FAILED: %s", out.getvalue().strip() or exc)
        raise
    return out.getvalue().strip()


def _monitoring_warnings() -> str:
    """Re-evaluate the early warnings of last month's period (safe to repeat)."""
    from zjtx.monitoring.models import ReportingPeriod
    from zjtx.monitoring.services import warnings_run

    today = timezone.localdate()
    last = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    period = ReportingPeriod.objects.filter(code=last).first()
    if period is None:
        return f"no period {last}"
    return json.dumps(warnings_run(actor=None, period=period))


def _prune_task_results() -> str:
    backend = str(getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", ""))
    if "django_tasks_db" not in backend:
        return "not the database backend"
    return _command("prune_db_task_results", "--min-age-days", "30", "--queue-name", "*")()


def _reminders() -> str:
    from zjtx.core.reminders import reminders_send

    counts = reminders_send()
    return json.dumps({"total": sum(counts.values()), **counts})


TIMETABLE: list[Entry] = [
    Entry(
        "audit_anchor",
        5,
        None,
        "sign the audit chain head outside the database (ADR 0003)",
        _command("audit_anchor"),
    ),
    Entry(
        "clocks_sweep",
        30,
        0,
        "mark working-day clocks past their due date as breached",
        _command("clocks_sweep"),
    ),
    Entry(
        "servicedesk_escalate",
        45,
        0,
        "escalate overdue service requests (provider → unit → city)",
        _command("servicedesk_daily"),
    ),
    Entry(
        "audit_verify",
        0,
        2,
        "verify the audit chain against the anchors; ERROR log on failure",
        _audit_verify,
    ),
    Entry(
        "cleanup_orphan_uploads",
        30,
        2,
        "delete stored files no row references (older than 1 h)",
        _command("cleanup_orphan_uploads"),
    ),
    Entry(
        "monitoring_warnings", 0, 3, "re-evaluate last month's early warnings", _monitoring_warnings
    ),
    Entry(
        "prune_task_results",
        30,
        3,
        "drop finished task results older than 30 days",
        _prune_task_results,
    ),
    Entry(
        "refresh_rollups",
        0,
        4,
        "rebuild the dashboards' and benchmarks' roll-ups from yesterday's data",
        _command("refresh_rollups"),
    ),
    Entry("clearsessions", 30, 4, "delete expired login sessions", _command("clearsessions")),
    Entry("send_reminders", 0, 8, "deadline reminders due today, each sent once", _reminders),
]


def entries_due(now: datetime, state: dict[str, str]) -> list[Entry]:
    """Entries whose latest slot (within the catch-up window) has not run yet."""
    due = []
    for entry in TIMETABLE:
        slot = entry.last_slot(now)
        if now - slot > CATCH_UP:
            continue
        last = state.get(entry.name)
        if last is None or datetime.fromisoformat(last) < slot:
            due.append(entry)
    return due


def state_path() -> Path:
    return Path(
        getattr(
            settings, "ZJTX_SCHEDULER_STATE", Path(settings.BASE_DIR) / "var" / "scheduler.json"
        )
    )


def load_state() -> dict[str, str]:
    try:
        return dict(json.loads(state_path().read_text()))
    except (OSError, ValueError):
        return {}


def save_state(state: dict[str, str]) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True))
    tmp.replace(path)


def run_entry(entry: Entry) -> bool:
    """Run one job; a failure is logged and never stops the scheduler."""
    started = time.monotonic()
    try:
        output = entry.run()
    except BaseException as exc:  # SystemExit from a command's exit code included
        if isinstance(exc, KeyboardInterrupt):
            raise
        logger.exception("scheduled job %s failed", entry.name)
        return False
    finally:
        if not connection.in_atomic_block:  # (tests run inside a transaction)
            close_old_connections()
    logger.info(
        "scheduled job %s done in %.1f s: %s",
        entry.name,
        time.monotonic() - started,
        (output or "")[-500:],
    )
    return True


def run_due(now: datetime) -> list[tuple[str, bool]]:
    state = load_state()
    done = []
    for entry in entries_due(now, state):
        ok = run_entry(entry)
        # A failed run is not retried until the next slot: the ERROR line is the alert.
        state[entry.name] = now.isoformat()
        save_state(state)
        done.append((entry.name, ok))
    return done


def _advisory_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID])
        return bool(cursor.fetchone()[0])


class Command(BaseCommand):
    help = "Run the periodic jobs (reminders, clocks, escalations, warnings, audit) on their timetable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is due now, then exit")
        parser.add_argument("--list", action="store_true", help="print the timetable")
        parser.add_argument("--run", metavar="NAME", help="run one job now")
        parser.add_argument("--now", help="pretend it is this local time (YYYY-MM-DDTHH:MM)")
        parser.add_argument("--interval", type=int, default=30, help="seconds between checks")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for entry in TIMETABLE:
                self.stdout.write(f"{entry.when:<12} {entry.name:<24} {entry.doc}")
            return
        if options["run"]:
            chosen = next((e for e in TIMETABLE if e.name == options["run"]), None)
            if chosen is None:
                raise CommandError(f"unknown job {options['run']}; see --list")
            ok = run_entry(chosen)
            self.stdout.write(f"{chosen.name}: {'ok' if ok else 'FAILED'}")
            if not ok:
                raise CommandError(f"{chosen.name} failed")
            return
        now = self._now(options.get("now"))
        if options["once"]:
            for name, ok in run_due(now):
                self.stdout.write(f"{name}: {'ok' if ok else 'FAILED'}")
            return
        self._loop(max(5, options["interval"]))

    def _now(self, raw: str | None) -> datetime:
        if not raw:
            return timezone.localtime()
        try:
            return timezone.make_aware(datetime.fromisoformat(raw))
        except ValueError:
            raise CommandError("--now must be YYYY-MM-DDTHH:MM") from None

    def _loop(self, interval: int) -> None:
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        logger.info("scheduler started: %d jobs", len(TIMETABLE))
        locked = False
        while not stopping:
            if not locked:
                locked = _advisory_lock()
                if not locked:
                    logger.info("another scheduler holds the lock; waiting")
            if locked:
                run_due(timezone.localtime())
            close_old_connections()
            if connection.connection is None:
                locked = False  # the session (and its advisory lock) was closed: take it again
            for _ in range(interval):
                if stopping:
                    break
                time.sleep(1)
        logger.info("scheduler stopped")
