# mypy: disallow-untyped-defs
"""公示 of the proposed list for N working days, and real-name objections."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.core import workdays
from zjtx.core.audit import audit_record
from zjtx.core.errors import Conflict, ErrorCode, NotFound
from zjtx.core.workflow import run

from .. import selectors
from ..errors import CertificationError, CertificationErrorCode
from ..models import (
    Application,
    Notice,
    Objection,
    Round,
)
from ..workflow import (
    NOTICE_WORKING_DAYS_MAX,
    OBJECTION,
    notice_has_started,
    notice_start_failure,
)
from ._common import (
    MATERIAL_MAX_BYTES,
    _audit,
    _require_city,
    _sniff,
)
from .transitions import (
    application_transition,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


@transaction.atomic
def notice_publish(
    *,
    round: Round,
    actor: User,
    starts_on: date | None = None,
    working_days: int | None = None,
    title: str = "",
    body: str = "",
    contact: str = "",
) -> Notice:
    """Publish every approved application for N working days (default 5, DOMAIN §9)."""
    _require_city(actor)
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    approved = list(rnd.applications.filter(status=Application.Status.APPROVED).select_for_update())
    if not approved:
        raise Conflict(
            CertificationErrorCode.NOTHING_TO_PUBLISH, _("No approved applications to publish.")
        )
    n = working_days or rnd.notice_working_days
    if not 1 <= n <= NOTICE_WORKING_DAYS_MAX:
        raise CertificationError(
            CertificationErrorCode.INVALID_WORKING_DAYS,
            _("A public notice runs 1 to %(max)s working days.") % {"max": NOTICE_WORKING_DAYS_MAX},
            {"working_days": _("Out of range")},
        )
    today = timezone.localdate()
    start = starts_on or today
    failure = notice_start_failure(start, today)
    if failure is not None:
        raise CertificationError(failure.code, failure.message, {"starts_on": failure.message})
    end = workdays.period_end(start, n)
    notice = Notice.objects.create(
        round=rnd,
        title=title.strip()
        or _("%(title)s: proposed list for public notice") % {"title": rnd.title},
        body=body.strip(),
        starts_on=start,
        ends_on=end,
        working_days=n,
        contact=contact.strip(),
        published_by=actor,
    )
    for app in approved:
        application_transition(application=app, action="publish", actor=actor)
    Application.objects.filter(pk__in=[a.pk for a in approved]).update(notice=notice)
    _audit(
        actor,
        "notice_publish",
        notice,
        after={"starts_on": start, "ends_on": end, "count": len(approved)},
    )
    return notice


@transaction.atomic
def objection_lodge(
    *,
    notice: Notice,
    application_id: int,
    name: str,
    phone: str,
    text: str,
    organisation: str = "",
    evidence_name: str = "",
    evidence: bytes | None = None,
) -> Objection:
    """Anyone may object during the 公示 (server's date), under their real name with a phone number."""
    today = timezone.localdate()
    if not notice_has_started(notice, today):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if not selectors.notice_is_open(notice=notice, today=today):
        raise Conflict(
            CertificationErrorCode.NOTICE_CLOSED, _("The public notice is not open for objections.")
        )
    app = Application.objects.filter(
        pk=application_id, notice=notice, status=Application.Status.IN_NOTICE
    ).first()
    if app is None:
        raise CertificationError(
            CertificationErrorCode.NOT_LISTED,
            _("The enterprise is not on this list."),
            {"application": _("Not listed")},
        )
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give your real name.")
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not 7 <= len(digits) <= 15:
        errors["phone"] = _("Give a phone number we can call.")
    if len(text.strip()) < 10:
        errors["text"] = _("Describe the objection (at least 10 characters).")
    if evidence and len(evidence) > MATERIAL_MAX_BYTES:
        errors["evidence"] = _("Too large")
    elif evidence and _sniff(evidence[:16]) is None:
        errors["evidence"] = _("Only PDF, PNG or JPEG files are accepted.")
    if errors:
        raise CertificationError(
            CertificationErrorCode.INVALID_OBJECTION, _("The objection has invalid fields."), errors
        )
    objection = Objection(
        notice=notice,
        application=app,
        name=name.strip()[:50],
        phone=phone.strip()[:30],
        organisation=organisation.strip()[:200],
        text=text.strip(),
    )
    if evidence:
        sniffed = _sniff(evidence[:16])
        assert sniffed is not None
        objection.evidence.save(
            f"{uuid.uuid4().hex}.{sniffed[1]}", ContentFile(evidence), save=False
        )
        objection.evidence_name = (evidence_name or "evidence")[-200:]
    objection.save()
    audit_record(
        actor=None,
        action="certification.objection_lodge",
        obj=objection,
        after={"application": app.pk, "name": objection.name},
        username="public",
    )
    return objection


@transaction.atomic
def objection_handle(*, objection: Objection, upheld: bool, outcome: str, actor: User) -> Objection:
    """Record the outcome; an upheld objection removes the enterprise from the list with the reason."""
    _require_city(actor)
    row: Objection = run(
        OBJECTION, objection, "uphold" if upheld else "dismiss", actor=actor, reason=outcome
    )
    if upheld:
        app = Application.objects.get(pk=row.application_id)
        if app.status == Application.Status.IN_NOTICE:
            application_transition(
                application=app,
                action="remove",
                actor=actor,
                reason_code="objection_upheld",
                reason=row.outcome,
            )
    return row
