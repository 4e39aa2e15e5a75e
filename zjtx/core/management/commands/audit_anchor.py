"""Write a signed audit chain head outside the database (ADR 0003); run it from cron."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zjtx.core.audit import anchor_file, audit_anchor


class Command(BaseCommand):
    help = "Append a signed head of the audit chain to the anchor file and the log."

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = audit_anchor()
        self.stdout.write(
            self.style.SUCCESS(
                _("Audit chain anchored: %(count)d events, last event %(id)d, in %(path)s")
                % {"count": anchor["count"], "id": anchor["last_id"], "path": anchor_file()}
            )
        )
