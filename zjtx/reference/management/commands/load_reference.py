"""`manage.py load_reference`: load the versioned reference files; unchanged files are skipped."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zjtx.reference.services import ReferenceDataError, reference_load


class Command(BaseCommand):
    help = "Load reference data (divisions, units, GB/T 4754 codes, SME size standard)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--data-dir", type=Path, help="Folder with the data files")
        parser.add_argument("--force", action="store_true", help="Reload even unchanged files")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            outcomes = reference_load(data_dir=options["data_dir"], force=options["force"])
        except (OSError, ReferenceDataError) as error:
            raise CommandError(str(error)) from error
        for outcome in outcomes:
            state = "loaded" if outcome.changed else "unchanged"
            self.stdout.write(f"{outcome.name} {outcome.version}: {state} ({outcome.rows} rows)")
