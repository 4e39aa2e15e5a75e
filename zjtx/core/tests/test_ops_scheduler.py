"""run_scheduler: the timetable, what is due when, each slot once, failures isolated."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from zjtx.core.management.commands import run_scheduler as sched

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def state_file(settings: Any, tmp_path: Any) -> Any:
    settings.ZJTX_SCHEDULER_STATE = tmp_path / "scheduler.json"
    return settings.ZJTX_SCHEDULER_STATE


def _at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def _names(entries: list[Any]) -> list[str]:
    return [e.name for e in entries]


def test_list_prints_every_job_with_its_time() -> None:
    out = io.StringIO()
    call_command("run_scheduler", "--list", stdout=out)
    text = out.getvalue()
    for name in ("send_reminders", "clocks_sweep", "servicedesk_escalate", "audit_anchor"):
        assert name in text
    assert "daily 08:00" in text and "hourly :05" in text


def test_every_entry_names_a_real_command_or_function() -> None:
    from django.core.management import get_commands

    commands = get_commands()
    for name in ("audit_anchor", "clocks_sweep", "servicedesk_daily", "cleanup_orphan_uploads"):
        assert name in commands


def test_what_is_due_depends_on_the_time_and_the_last_runs() -> None:
    now = _at("2026-12-07T08:01")
    assert set(_names(sched.entries_due(now, {}))) == {e.name for e in sched.TIMETABLE}
    state = {e.name: now.isoformat() for e in sched.TIMETABLE}
    assert sched.entries_due(_at("2026-12-07T08:04"), state) == []
    # The next hour's anchor slot comes due; the daily jobs wait for tomorrow.
    assert _names(sched.entries_due(_at("2026-12-07T09:06"), state)) == ["audit_anchor"]
    assert "send_reminders" in _names(sched.entries_due(_at("2026-12-08T08:00"), state))


def test_a_slot_missed_long_ago_is_not_caught_up() -> None:
    state = {"send_reminders": _at("2026-12-06T08:00").isoformat()}
    due = _names(sched.entries_due(_at("2026-12-07T21:00"), state))
    assert "send_reminders" not in due  # 13 h after the 08:00 slot


def test_once_runs_due_jobs_and_remembers_them(state_file: Any) -> None:
    calls: list[str] = []
    fake = [
        sched.Entry("a", 0, 8, "", lambda: calls.append("a") or "done a"),
        sched.Entry("b", 5, None, "", lambda: calls.append("b") or "done b"),
    ]
    with mock.patch.object(sched, "TIMETABLE", fake):
        out = io.StringIO()
        call_command("run_scheduler", "--once", "--now", "2026-12-07T08:06", stdout=out)
        assert calls == ["a", "b"]
        assert "a: ok" in out.getvalue()
        call_command("run_scheduler", "--once", "--now", "2026-12-07T08:30", stdout=io.StringIO())
        assert calls == ["a", "b"]  # each slot once
        call_command("run_scheduler", "--once", "--now", "2026-12-07T09:05", stdout=io.StringIO())
        assert calls == ["a", "b", "b"]
    assert state_file.exists()


def test_a_failing_job_does_not_stop_the_others(caplog: Any) -> None:
    def boom() -> str:
        raise RuntimeError("down")

    calls: list[str] = []
    fake = [
        sched.Entry("bad", 0, 8, "", boom),
        sched.Entry("good", 0, 8, "", lambda: calls.append("good") or ""),
    ]
    with mock.patch.object(sched, "TIMETABLE", fake):
        done = sched.run_due(_at("2026-12-07T08:00"))
    assert done == [("bad", False), ("good", True)]
    assert calls == ["good"]
    assert any("bad failed" in r.getMessage() for r in caplog.records)


def test_run_one_job_now_sends_the_reminders() -> None:
    out = io.StringIO()
    call_command("run_scheduler", "--run", "send_reminders", stdout=out)
    assert "send_reminders: ok" in out.getvalue()


def test_the_real_daily_jobs_run_on_an_empty_database() -> None:
    for name in (
        "clocks_sweep",
        "servicedesk_escalate",
        "monitoring_warnings",
        "prune_task_results",
    ):
        entry = next(e for e in sched.TIMETABLE if e.name == name)
        assert sched.run_entry(entry), name


def test_an_unknown_job_is_refused() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("run_scheduler", "--run", "nope")
