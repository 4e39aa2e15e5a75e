"""Rebuild the dashboard roll-ups (nightly, and after bulk loads)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from zjtx.reports.services import rollups_refresh_all


class Command(BaseCommand):
    help = "Rebuild the roll-ups behind the leadership dashboards (all years, or --year)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, action="append", help="only this year (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rows = rollups_refresh_all(years=options.get("year"))
        self.stdout.write(f"汇总数据已刷新：{rows} 行，用时 {time.monotonic() - started:.1f} 秒")
