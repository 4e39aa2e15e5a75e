"""Daily step of the service centre: escalate overdue requests (provider → unit → city)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zjtx.servicedesk import services, stats


class Command(BaseCommand):
    help = "Escalate overdue service requests; --rebuild-stats recomputes the monthly figures."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rebuild-stats", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        moved = services.requests_escalate()
        self.stdout.write(f"已升级督办诉求 {moved} 件")
        if options["rebuild_stats"]:
            self.stdout.write(f"已重建月度统计 {stats.stats_rebuild()} 行")
