"""Idempotent: create the default monitoring indicators that are missing."""

from typing import Any

from django.core.management.base import BaseCommand

from zjtx.monitoring.catalogue import load_default_indicators
from zjtx.monitoring.models import Indicator


class Command(BaseCommand):
    help = "Create the default monitoring indicator catalogue (DOMAIN.md §8); safe to re-run."

    def handle(self, *args: Any, **options: Any) -> None:
        created, existing = load_default_indicators(Indicator)
        self.stdout.write(f"indicators: {created} created, {existing} already present")
