"""Walk the audit hash chain; exit 1 and list the broken events when it was tampered with."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zjtx.core.audit import audit_verify
from zjtx.core.models import AuditEvent

REASONS = {
    "broken_link": gettext_lazy(
        "the link to the previous event is broken (an earlier event was deleted or altered)"
    ),
    "hash_mismatch": gettext_lazy("the content does not match its hash (the event was altered)"),
    "head_mismatch": gettext_lazy(
        "the chain head does not match the last event (the newest events were deleted)"
    ),
    "downgrade": gettext_lazy(
        "the event is hashed without the audit key after keyed events (the chain was rewritten)"
    ),
    "anchor_mismatch": gettext_lazy(
        "an anchored event is missing or carries another hash (events were deleted or rewritten)"
    ),
    "anchor_count": gettext_lazy(
        "the table holds fewer events than anchored (events were deleted or the table truncated)"
    ),
    "anchor_invalid": gettext_lazy(
        "the anchor file holds a line whose signature does not match (the file was edited)"
    ),
    "unknown_key": gettext_lazy(
        "the event names an audit key this server does not hold (add the retired key to "
        "ZJTX_AUDIT_HMAC_RETIRED_KEYS)"
    ),
    "key_rollback": gettext_lazy(
        "the event is signed with an older key than events before it (written with a retired key)"
    ),
}


class Command(BaseCommand):
    help = "Verify the audit log hash chain (等保2.0 8.1.4.3 c)."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(audit_verify())
        if not problems:
            count = AuditEvent.objects.count()
            self.stdout.write(
                self.style.SUCCESS(_("Audit chain verified: %(count)d events") % {"count": count})
            )
            return
        for problem in problems:
            reason = REASONS.get(problem.reason, problem.reason)
            self.stderr.write(
                _("Event %(id)d: %(reason)s") % {"id": problem.event_id, "reason": reason}
            )
        broken = sorted({p.event_id for p in problems})
        raise CommandError(
            _("Audit chain verification failed: %(count)d broken event(s) (%(ids)s)")
            % {"count": len(broken), "ids": ", ".join(map(str, broken))},
            returncode=1,
        )
