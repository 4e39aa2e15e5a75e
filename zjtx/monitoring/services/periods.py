"""The reporting calendar: periods, unit confirmation, city lock and audited unlock, reminders."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.audit import audit_record

from ..errors import MonitoringConflict, MonitoringError, MonitoringForbidden, MonitoringNotFound
from ..imports.messages import file_message
from ..models import ReportingPeriod, UnitPeriodConfirmation

IMPORT_ROLES = frozenset({Role.CITY_OFFICER, Role.UNIT_OFFICER})
DUE_DAY = 8
_PERIOD_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class PeriodRef:
    year: int
    month: int

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_period(raw: str | None) -> PeriodRef:
    """'2026-10' (full-width digits allowed) → PeriodRef; MonitoringError otherwise."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    match = _PERIOD_RE.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise MonitoringError("invalid_period", file_message("invalid_period"), {"period": text})
    return PeriodRef(int(match.group(1)), int(match.group(2)))


def default_due_date(year: int, month: int) -> date:
    """Due on the 8th of the following month (DOMAIN.md §8)."""
    if month == 12:
        return date(year + 1, 1, DUE_DAY)
    return date(year, month + 1, DUE_DAY)


def period_problem(ref: PeriodRef) -> tuple[str, dict[str, Any]] | None:
    """Why no data can be reported for this month, if there is a reason."""
    today = timezone.localdate()
    if (ref.year, ref.month) > (today.year, today.month):
        return "period_in_future", {"period": ref.code}
    if ref.month == 1:
        feb = ReportingPeriod.objects.filter(code=f"{ref.year:04d}-02", combines_january=True)
        if feb.exists():
            return "period_combined", {"year": ref.year}
    return None


def period_get_or_open(*, ref: PeriodRef) -> ReportingPeriod:
    """The calendar row for the month, opened with the default due date when first used."""
    period, _created = ReportingPeriod.objects.get_or_create(
        code=ref.code,
        defaults={
            "year": ref.year,
            "month": ref.month,
            "due_date": default_due_date(ref.year, ref.month),
        },
    )
    return period


def unit_confirm(*, actor: Any, period: ReportingPeriod) -> UnitPeriodConfirmation:
    """A unit officer confirms the unit's data for the period (issue 5 §4); idempotent."""
    if not actor.has_role(Role.UNIT_OFFICER):
        raise MonitoringForbidden("forbidden", _("Only a unit officer confirms a unit's data."))
    if period.is_locked:
        raise MonitoringConflict("period_locked", file_message("period_locked", period=period.code))
    with transaction.atomic():
        confirmation, created = UnitPeriodConfirmation.objects.get_or_create(
            period=period, unit_id=actor.unit_id, defaults={"confirmed_by": actor}
        )
        if created:
            audit_record(
                actor=actor,
                action="monitoring.period.confirm",
                obj=period,
                after={"unit_id": actor.unit_id, "period": period.code},
            )
    return confirmation


def period_lock(*, actor: Any, period: ReportingPeriod) -> ReportingPeriod:
    """The city locks a period; afterwards no upload may change it (issue 5 §4)."""
    if not actor.has_role(Role.CITY_OFFICER):
        raise MonitoringForbidden("forbidden", _("Only a city officer can lock a period."))
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.is_locked:
            return period
        period.status = ReportingPeriod.Status.LOCKED
        period.locked_at = timezone.now()
        period.locked_by = actor
        period.save(update_fields=["status", "locked_at", "locked_by"])
        audit_record(
            actor=actor,
            action="monitoring.period.lock",
            obj=period,
            before={"status": "open"},
            after={"status": "locked"},
        )
    from .warnings import warnings_run  # warnings import the calendar helpers from here

    warnings_run(actor=actor, period=period)  # the period's data is final: warn on it
    return period


def period_unlock(*, actor: Any, period: ReportingPeriod, reason: str) -> ReportingPeriod:
    """Unlocking needs a written reason and is audited (留痕, DOMAIN.md §9)."""
    if not actor.has_role(Role.CITY_OFFICER):
        raise MonitoringForbidden("forbidden", _("Only a city officer can unlock a period."))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise MonitoringError(
            "reason_required",
            _("Give the reason for unlocking (at least 4 characters)."),
            {"reason": _("This field is required.")},
        )
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if not period.is_locked:
            return period
        period.status = ReportingPeriod.Status.OPEN
        period.locked_at = None
        period.locked_by = None
        period.save(update_fields=["status", "locked_at", "locked_by"])
        UnitPeriodConfirmation.objects.filter(period=period).delete()
        audit_record(
            actor=actor,
            action="monitoring.period.unlock",
            obj=period,
            before={"status": "locked"},
            after={"status": "open", "reason": reason[:500]},
        )
    return period


def period_open(*, actor: Any, code: str, combines_january: bool = False) -> ReportingPeriod:
    """A city officer opens a month in the calendar (February may absorb January)."""
    if not actor.has_role(Role.CITY_OFFICER):
        raise MonitoringForbidden("forbidden", _("Only a city officer maintains the calendar."))
    ref = parse_period(code)
    if combines_january and ref.month != 2:
        raise MonitoringError(
            "combine_only_february", _("Only February can combine January and February.")
        )
    with transaction.atomic():
        period = period_get_or_open(ref=ref)
        if combines_january and not period.combines_january:
            period.combines_january = True
            period.save(update_fields=["combines_january"])
        audit_record(
            actor=actor,
            action="monitoring.period.open",
            obj=period,
            after={"period": period.code, "combines_january": period.combines_january},
        )
    return period


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def reminders_send(*, actor: Any, period: ReportingPeriod, unit_id: int) -> dict[str, int]:
    """One-click reminder to every enterprise of the unit that has not reported (issue 5 §4).

    Sent by e-mail to the contact address on record, after the transaction commits; firms
    without an address are counted so the officer can phone them.
    """
    from django.core.mail import send_mass_mail

    from zjtx.accounts.scoping import can_see_unit

    from ..selectors import enterprises_not_reported

    if not actor.has_role(Role.CITY_OFFICER, Role.UNIT_OFFICER) or not can_see_unit(actor, unit_id):
        raise MonitoringNotFound("not_found", _("Not found."))
    if period.is_locked:
        raise MonitoringConflict("period_locked", file_message("period_locked", period=period.code))
    firms = list(
        enterprises_not_reported(user=actor, period=period, unit_id=unit_id).values_list(
            "name", "contact_email"
        )
    )
    subject = _("Reminder: monthly monitoring report for %(period)s") % {"period": period.code}
    mails = [
        (
            subject,
            _(
                "%(name)s: the monthly operations monitoring report for %(period)s is due on "
                "%(due)s and has not been received yet. Please fill it in on the platform."
            )
            % {"name": name, "period": period.code, "due": period.due_date.isoformat()},
            None,
            [email],
        )
        for name, email in firms
        if email
    ]
    result = {"sent": len(mails), "without_email": len(firms) - len(mails)}
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="monitoring.reminders.send",
            obj=period,
            after={"unit_id": unit_id, **result},
        )
        if mails:
            transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return result
