"""`manage.py restore <backup>`: into an EMPTY database, verified before and after.

Checks the manifest signature and every checksum first, refuses a database that has any table,
restores the database (pg_restore / SQLite backup API) and the uploads (through the storage API),
then verifies the audit chain against the backup's anchors, the chain head, the migration state
and each restored file. Exit status 1 on any problem. Run `manage.py migrate` afterwards when
the code is newer than the backup.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zjtx.core.audit import audit_record
from zjtx.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database, then verify it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("backup", help="backup folder or .tar")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(message: str) -> None:
            self.stdout.write(f"  {message}")

        try:
            result = restore_backup(Path(options["backup"]), progress=progress)
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}") from exc
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(
                f"restored, but verification found {len(result.problems)} problem(s)", returncode=1
            )
        audit_record(
            actor=None,
            username="manage.py restore",
            action="core.restore",
            object_type="core.backup",
            object_id=Path(options["backup"]).name,
            object_repr=Path(options["backup"]).name,
            after={"files": result.files, "skipped_files": result.skipped_files},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"restored and verified: {result.files} files written, "
                f"{result.skipped_files} already present; audit chain intact"
            )
        )
