"""`manage.py backup [--dest DIR] [--tar] [--keep N]`: database dump, uploads, signed manifest.

See zjtx/core/backup.py and docs/operations.md ("Backup and restore").
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zjtx.core.audit import audit_record
from zjtx.core.backup import BackupError, create_backup, prune_backups


class Command(BaseCommand):
    help = "Back up the database, the uploaded files and the audit anchors, with a manifest."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dest",
            default=str(
                getattr(settings, "ZJTX_BACKUP_DIR", Path(settings.BASE_DIR) / "var" / "backups")
            ),
            help="folder that receives the backup (default: ZJTX_BACKUP_DIR or var/backups)",
        )
        parser.add_argument("--tar", action="store_true", help="pack the backup into one .tar")
        parser.add_argument(
            "--keep", type=int, default=0, help="afterwards keep only the newest N backups there"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dest = Path(options["dest"])

        def progress(message: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {message}")

        try:
            result = create_backup(dest, as_tar=options["tar"], progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        audit_record(
            actor=None,
            username="manage.py backup",
            action="core.backup",
            object_type="core.backup",
            object_id=result.path.name,
            object_repr=result.path.name,
            after={
                "files": len(manifest["files"]),
                "bytes": manifest["files_total_bytes"] + manifest["database"]["size"],
                "audit_last_id": manifest["audit"]["last_id"],
            },
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written: {result.path} ({manifest['engine']}, "
                f"{len(manifest['files'])} files, audit events {manifest['audit']['count']})"
            )
        )
        if options["keep"]:
            for removed in prune_backups(dest, keep=options["keep"]):
                self.stdout.write(f"removed old backup {removed}")
