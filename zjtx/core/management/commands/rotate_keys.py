"""Re-encrypt every personal-data column under the current SM4 key (ADR 0017).

Put the new key first in ZJTX_SM4_KEYS (keeping the old ones after it), restart, run this, and
drop the old key only when it reports 0 rows left under other keys. Safe to interrupt and rerun.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zjtx.core.audit import audit_record
from zjtx.core.crypto import current_key, models_with_encrypted_fields, rotate_model


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the current key (batched, resumable)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--model", action="append", default=[], help="app_label.Model (repeatable)"
        )
        parser.add_argument("--after-pk", type=int, default=None, help="resume after this pk")

    def handle(self, *args: Any, **options: Any) -> None:
        selected = {m.lower() for m in options["model"]}
        todo = [
            m
            for m in models_with_encrypted_fields()
            if not selected or m._meta.label_lower in selected
        ]
        if selected and len(todo) != len(selected):
            raise CommandError(_("Unknown model or a model without encrypted fields"))
        key_id = current_key().key_id
        totals = {"scanned": 0, "rewritten": 0, "current": 0, "plaintext": 0, "failed": 0}
        for model in todo:

            def progress(report: Any, last_pk: Any) -> None:
                self.stdout.write(
                    f"  {report.model}: {report.scanned} scanned, "
                    f"{report.rewritten} rewritten (last pk {last_pk})"
                )

            report = rotate_model(
                model,
                batch_size=options["batch_size"],
                after_pk=options["after_pk"],
                progress=progress if options["verbosity"] > 1 else None,
            )
            self.stdout.write(
                f"{report.model}: scanned={report.scanned} rewritten={report.rewritten} "
                f"current={report.current} plaintext={report.plaintext} failed={report.failed}"
            )
            for name in totals:
                totals[name] += getattr(report, name)
        audit_record(
            actor=None,
            action="crypto.rotate_keys",
            object_type="core.crypto",
            object_id=key_id,
            object_repr=key_id,
            after=totals,
            success=totals["failed"] == 0,
            username="manage.py rotate_keys",
        )
        summary = " ".join(f"{k}={v}" for k, v in totals.items())
        if totals["failed"]:
            raise CommandError(
                _("Key rotation left undecryptable values: %(summary)s") % {"summary": summary}
            )
        self.stdout.write(self.style.SUCCESS(f"key={key_id} {summary}"))
