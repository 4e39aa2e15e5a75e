"""Recompute a period's monitoring roll-ups from the raw values."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zjtx.monitoring.models import ReportingPeriod
from zjtx.monitoring.rollups import rollup_rebuild


class Command(BaseCommand):
    help = "Rebuild the monthly roll-ups of one period (or all) from the stored values."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", help="YYYY-MM; all periods when omitted")

    def handle(self, *args: Any, **options: Any) -> None:
        periods = ReportingPeriod.objects.order_by("code")
        if options["period"]:
            periods = periods.filter(code=options["period"])
            if not periods.exists():
                raise CommandError(f"no period {options['period']}")
        for period in periods:
            result = rollup_rebuild(period_id=period.pk)
            self.stdout.write(
                f"{period.code}: {result['rollups']} roll-ups, {result['units']} units"
            )
