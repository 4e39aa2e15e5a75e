"""Delete uploaded files that no row references (left by killed or rolled-back requests)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from zjtx.core.files import orphan_uploads_delete


class Command(BaseCommand):
    help = "Delete stored upload files that no row references and that are older than an hour."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-age-minutes", type=int, default=60)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        names = orphan_uploads_delete(
            min_age=timedelta(minutes=max(options["min_age_minutes"], 0)),
            dry_run=options["dry_run"],
        )
        for name in names:
            self.stdout.write(name)
        message = (
            _("%(count)d orphaned upload files found (dry run, nothing deleted).")
            if options["dry_run"]
            else _("%(count)d orphaned upload files deleted.")
        )
        self.stdout.write(self.style.SUCCESS(message % {"count": len(names)}))
