# mypy: disallow-untyped-defs
"""Certification (发文字号, certificates, award proposal) and dynamic management."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.core.audit import audit_record
from zjtx.core.docnumbers import counter_next, document_number_issue
from zjtx.core.errors import Conflict, DomainError, ErrorCode, NotFound
from zjtx.core.workflow import WorkflowError, guard_failure, run
from zjtx.policy.selectors import programs_evaluate

from .. import permissions
from ..errors import CertificationError, CertificationErrorCode, TransitionNotAllowed
from ..models import (
    AnnualUpdate,
    Application,
    CertificationAward,
    ChangeReport,
    DecisionDocument,
    ExpiryReminder,
    Round,
)
from ..notices_text import expiry_notify
from ..workflow import (
    APPLICATION,
    CHANGE_REPORT,
    REMINDER_DAYS,
    issue_date_failure,
)
from ._common import (
    AWARD_PROGRAM,
    CERTIFICATE_SERIES,
    _audit,
    _require_city,
    certificate_valid_until,
)
from .applications import (
    registry_prefill,
    self_assess,
)
from .transitions import (
    application_transition,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def _propose_award(app: Application, on: date, actor: User) -> CertificationAward:
    received = CertificationAward.objects.filter(
        enterprise=app.enterprise,
        program_id=AWARD_PROGRAM,
        status=CertificationAward.Status.PROPOSED,
    ).exists()
    facts = {"municipal_zjtx_newly_certified": True, "municipal_zjtx_award_received": received}
    try:
        result = programs_evaluate(as_of=on, facts=facts, program_ids=[AWARD_PROGRAM])[0]
    except DomainError as exc:
        return CertificationAward.objects.create(
            application=app,
            enterprise=app.enterprise,
            program_id=AWARD_PROGRAM,
            status=CertificationAward.Status.INELIGIBLE,
            facts=facts,
            result=exc.as_dict(),
        )
    if result.eligible:
        # Into the subsidy ledger's approval queue; the once-only rule is enforced on approval.
        from zjtx.subsidies.services import application_propose

        application_propose(
            enterprise=app.enterprise,
            program_id=AWARD_PROGRAM,
            facts=facts,
            as_of=on,
            actor=actor,
            source=_("Certified as a municipal SRDI SME (certificate %(number)s)")
            % {"number": app.certificate_number or ""},
        )
    return CertificationAward.objects.create(
        application=app,
        enterprise=app.enterprise,
        program_id=AWARD_PROGRAM,
        program_version=result.version,
        amount_yuan=result.amount_yuan if result.eligible else None,
        status=CertificationAward.Status.PROPOSED
        if result.eligible
        else CertificationAward.Status.INELIGIBLE,
        facts=facts,
        result=result.as_dict(),
    )


@transaction.atomic
def round_certify(
    *, round: Round, actor: User, issued_on: date | None = None, title: str = ""
) -> DecisionDocument:
    """Issue the numbered decision, certify everyone left on the list, valid 3 years, propose awards.

    The 公示 guards read the server's date; `issued_on` only dates the document, after the
    公示 ended and not after today, and its year is the number series (发文字号 〔year〕)."""
    _require_city(actor)
    today = timezone.localdate()
    issued_on = issued_on or today
    failure = issue_date_failure(issued_on, today)
    if failure is not None:
        raise CertificationError(failure.code, failure.message, {"issued_on": failure.message})
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    apps = list(
        rnd.applications.filter(status=Application.Status.IN_NOTICE)
        .select_related("notice", "enterprise")
        .order_by("unit__sort_order", "unit__code", "enterprise__name")
    )
    if not apps:
        raise Conflict(
            CertificationErrorCode.NOTHING_TO_CERTIFY,
            _("No applications are waiting for certification."),
        )
    for app in apps:
        failure = guard_failure(APPLICATION, app, "certify", actor=actor, today=today)
        if failure is not None:
            raise WorkflowError(failure.code, failure.message, dict(failure.fields))
    notice_end = max(app.notice.ends_on for app in apps if app.notice is not None)
    failure = issue_date_failure(issued_on, today, notice_end)
    if failure is not None:
        raise CertificationError(failure.code, failure.message, {"issued_on": failure.message})
    doc_title = title.strip() or _("Decision on certifying the %(year)s municipal SRDI SMEs") % {
        "year": rnd.year
    }
    document = DecisionDocument(round=rnd, title=doc_title, issued_on=issued_on, issued_by=actor)
    issued = document_number_issue(
        issuer=rnd.issuer_code, year=issued_on.year, purpose=doc_title, actor=actor
    )
    document.number = issued.text
    document.save()
    for app in apps:
        application_transition(application=app, action="certify", actor=actor)
        seq = counter_next(issuer=CERTIFICATE_SERIES, year=issued_on.year)
        Application.objects.filter(pk=app.pk).update(
            decision_document=document,
            certificate_number=f"ZJTX{issued_on.year}{seq:04d}",
            certified_on=issued_on,
            valid_until=certificate_valid_until(issued_on),
        )
        app.refresh_from_db()
        _propose_award(app, issued_on, actor)
    _audit(actor, "round_certify", document, after={"number": document.number, "count": len(apps)})
    return document


def expiry_reminders_send(*, today: date | None = None) -> list[ExpiryReminder]:
    """Remind 90, 60 and 30 days before the 3-year status ends; each threshold once per term."""
    today = today or timezone.localdate()
    sent: list[ExpiryReminder] = []
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    due = Application.objects.filter(
        status=Application.Status.CERTIFIED, valid_until__gte=today, valid_until__lte=horizon
    ).select_related("enterprise")
    for app in due:
        assert app.valid_until is not None
        remaining = (app.valid_until - today).days
        threshold = min(d for d in REMINDER_DAYS if remaining <= d)
        with transaction.atomic():
            reminder, created = ExpiryReminder.objects.get_or_create(
                application=app, valid_until=app.valid_until, days_before=threshold
            )
            if not created:
                continue
            audit_record(
                actor=None,
                action="certification.expiry_reminder",
                obj=app,
                after={"days_before": threshold, "valid_until": app.valid_until},
                username="system",
            )
            expiry_notify(app, threshold)
        sent.append(reminder)
    return sent


# ------------------------------------------------------------------ dynamic management

CHANGE_REPORT_MONTHS = 3


def _certified_own(application: Application, actor: User) -> Application:
    if not (permissions.is_enterprise(actor) and application.enterprise_id == actor.enterprise_id):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if application.status != Application.Status.CERTIFIED:
        raise TransitionNotAllowed("not_certified", _("Only a certified enterprise reports this."))
    return application


@transaction.atomic
def annual_update_submit(
    *, application: Application, actor: User, year: int | None = None
) -> AnnualUpdate:
    """The yearly information update: last year's registry data, evaluated on the criteria."""
    app = _certified_own(application, actor)
    year = year or timezone.localdate().year - 1
    if app.annual_updates.filter(year=year).exists():
        raise Conflict(
            CertificationErrorCode.ALREADY_UPDATED,
            _("The update for %(year)s was already submitted.") % {"year": year},
        )
    data = registry_prefill(app.enterprise, year + 1, app.form_schema)
    probe = Application(round=app.round, form_schema=app.form_schema, data={**app.data, **data})
    update = AnnualUpdate.objects.create(
        application=app,
        year=year,
        data=data,
        assessment=self_assess(probe),
        submitted_by=actor,
    )
    _audit(actor, "annual_update", app, after={"year": year})
    return update


def _months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


@transaction.atomic
def change_report_submit(
    *, application: Application, actor: User, kind: str, occurred_on: date, description: str
) -> ChangeReport:
    """Report a rename, move or merger; more than 3 months after the change is marked late."""
    app = _certified_own(application, actor)
    errors: dict[str, str] = {}
    if kind not in ChangeReport.Kind.values:
        errors["kind"] = _("Choose the kind of change.")
    today = timezone.localdate()
    if occurred_on > today:
        errors["occurred_on"] = _("The change must have happened already.")
    if not description.strip():
        errors["description"] = _("Describe the change.")
    if errors:
        raise CertificationError(
            CertificationErrorCode.INVALID_CHANGE_REPORT,
            _("The report has invalid fields."),
            errors,
        )
    report = ChangeReport.objects.create(
        application=app,
        kind=kind,
        occurred_on=occurred_on,
        description=description.strip(),
        late=today > _months_after(occurred_on, CHANGE_REPORT_MONTHS),
        reported_by=actor,
    )
    _audit(
        actor,
        "change_report",
        app,
        after={"kind": kind, "occurred_on": occurred_on, "late": report.late},
    )
    return report


@transaction.atomic
def change_report_handle(
    *, report: ChangeReport, actor: User, needs_review: bool, outcome: str
) -> ChangeReport:
    """The city officer acknowledges a change, or flags it for re-review, with a recorded outcome."""
    _require_city(actor)
    action = "flag_review" if needs_review else "acknowledge"
    row: ChangeReport = run(CHANGE_REPORT, report, action, actor=actor, reason=outcome)
    return row
