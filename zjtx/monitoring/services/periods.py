"""The reporting calendar: periods, unit confirmation, city lock and audited unlock, reminders."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.audit import audit_record
from zjtx.core.errors import ErrorCode
from zjtx.core.workflow import run

from ..errors import (
    MonitoringConflict,
    MonitoringError,
    MonitoringErrorCode,
    MonitoringForbidden,
    MonitoringNotFound,
)
from ..imports.messages import file_message
from ..models import Indicator, ReportingPeriod, UnitPeriodConfirmation
from ..workflow import REPORTING_PERIOD

if TYPE_CHECKING:
    from zjtx.accounts.models import User


IMPORT_ROLES = frozenset({Role.CITY_OFFICER, Role.UNIT_OFFICER})
MONTHLY, QUARTERLY, ANNUAL = (
    Indicator.Frequency.MONTHLY,
    Indicator.Frequency.QUARTERLY,
    Indicator.Frequency.ANNUAL,
)
# Default due dates (DOMAIN.md §8: the 8th of the next month, postponed past holidays);
# quarterly forms on the 15th after the quarter, the annual form by the end of March.
DUE_DAY = 8
QUARTER_DUE_DAY = 15
ANNUAL_DUE = (3, 31)
_MONTH_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
_QUARTER_RE = re.compile(r"^(\d{4})(?:-?Q|年第?)([1-4])(?:季度?)?$", re.IGNORECASE)
_YEAR_RE = re.compile(r"^(\d{4})(?:年度?|-?A|-?Y)?$", re.IGNORECASE)
_CN_QUARTER = {"一": "1", "二": "2", "三": "3", "四": "4"}


@dataclass(frozen=True)
class PeriodRef:
    """A reporting period: `month` is the last month it covers (a quarter's third month,
    December for a year)."""

    year: int
    month: int
    frequency: str = MONTHLY

    @property
    def code(self) -> str:
        if self.frequency == QUARTERLY:
            return f"{self.year:04d}-Q{self.month // 3}"
        if self.frequency == ANNUAL:
            return f"{self.year:04d}"
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        if self.frequency == QUARTERLY:
            return f"{self.year}年第{self.month // 3}季度"
        if self.frequency == ANNUAL:
            return f"{self.year}年度"
        return f"{self.year}年{self.month}月"

    @property
    def months(self) -> range:
        """The months the period covers."""
        if self.frequency == QUARTERLY:
            return range(self.month - 2, self.month + 1)
        if self.frequency == ANNUAL:
            return range(1, 13)
        return range(self.month, self.month + 1)

    def years_back(self, n: int) -> PeriodRef:
        return PeriodRef(self.year - n, self.month, self.frequency)

    def earlier(self, count: int) -> list[PeriodRef]:
        """The `count` periods of the same frequency before this one, newest first."""
        step = {"monthly": 1, "quarterly": 3, "annual": 12}[str(self.frequency)]
        out, index = [], self.year * 12 + self.month - 1
        for _i in range(count):
            index -= step
            out.append(PeriodRef(index // 12, index % 12 + 1, self.frequency))
        return out


def parse_period(raw: str | None) -> PeriodRef:
    """'2026-10' (a month), '2026-Q3' (a quarter) or '2026' (a year) → PeriodRef; Chinese
    forms (2026年10月, 2026年第三季度, 2026年度) and full-width digits are accepted too.
    MonitoringError otherwise."""
    text = unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "")
    for cn, digit in _CN_QUARTER.items():
        text = text.replace(f"第{cn}季", f"第{digit}季")
    ref = None
    if match := _MONTH_RE.match(text):
        if 1 <= int(match.group(2)) <= 12:
            ref = PeriodRef(int(match.group(1)), int(match.group(2)))
    elif match := _QUARTER_RE.match(text):
        ref = PeriodRef(int(match.group(1)), int(match.group(2)) * 3, QUARTERLY)
    elif match := _YEAR_RE.match(text):
        ref = PeriodRef(int(match.group(1)), 12, ANNUAL)
    if ref is None or ref.year < 2000:
        raise MonitoringError(
            MonitoringErrorCode.INVALID_PERIOD, file_message("invalid_period"), {"period": text}
        )
    return ref


def default_due_date(year: int, month: int, frequency: str = MONTHLY) -> date:
    """The 8th of the following month for a monthly report, the 15th after a quarter, March 31
    of the next year for the annual report; a holiday or weekend moves it to the next working
    day (官方节假日安排, zjtx.core.workdays)."""
    from zjtx.core.workdays import next_working_day

    if frequency == ANNUAL:
        due = date(year + 1, *ANNUAL_DUE)
    else:
        day = QUARTER_DUE_DAY if frequency == QUARTERLY else DUE_DAY
        due = date(year + 1, 1, day) if month == 12 else date(year, month + 1, day)
    return next_working_day(due)


def period_problem(ref: PeriodRef) -> tuple[str, dict[str, Any]] | None:
    """Why no data can be reported for this period, if there is a reason."""
    today = timezone.localdate()
    if (ref.year, ref.month) > (today.year, today.month):
        return "period_in_future", {"period": ref.code}
    if ref.frequency == MONTHLY and ref.month == 1:
        feb = ReportingPeriod.objects.filter(code=f"{ref.year:04d}-02", combines_january=True)
        if feb.exists():
            return "period_combined", {"year": ref.year}
    return None


def period_get_or_open(*, ref: PeriodRef) -> ReportingPeriod:
    """The calendar row for the period, opened with the default due date when first used."""
    period, _created = ReportingPeriod.objects.get_or_create(
        code=ref.code,
        defaults={
            "year": ref.year,
            "month": ref.month,
            "frequency": ref.frequency,
            "due_date": default_due_date(ref.year, ref.month, ref.frequency),
        },
    )
    return period


def period_ref(period: ReportingPeriod) -> PeriodRef:
    return PeriodRef(period.year, period.month, period.frequency)


def unit_confirm(*, actor: User, period: ReportingPeriod) -> UnitPeriodConfirmation:
    """A unit officer confirms the unit's data for the period (issue 5 §4); idempotent."""
    if not actor.has_role(Role.UNIT_OFFICER):
        raise MonitoringForbidden(
            ErrorCode.FORBIDDEN, _("Only a unit officer confirms a unit's data.")
        )
    if period.is_locked:
        raise MonitoringConflict(
            MonitoringErrorCode.PERIOD_LOCKED, file_message("period_locked", period=period.code)
        )
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


def period_lock(*, actor: User, period: ReportingPeriod) -> ReportingPeriod:
    """The city locks a period; afterwards no upload may change it (issue 5 §4)."""
    period = run(REPORTING_PERIOD, period, "lock", actor=actor)
    from .warnings import warnings_run  # warnings import the calendar helpers from here

    warnings_run(actor=actor, period=period)  # the period's data is final: warn on it
    return period


def period_unlock(*, actor: User, period: ReportingPeriod, reason: str) -> ReportingPeriod:
    """Unlocking needs a written reason and is audited (留痕, DOMAIN.md §9)."""
    return run(REPORTING_PERIOD, period, "unlock", actor=actor, reason=reason)  # type: ignore[no-any-return]


def period_open(*, actor: User, code: str, combines_january: bool = False) -> ReportingPeriod:
    """A city officer opens a month, quarter or year in the calendar (February may absorb
    January)."""
    if not actor.has_role(Role.CITY_OFFICER):
        raise MonitoringForbidden(
            ErrorCode.FORBIDDEN, _("Only a city officer maintains the calendar.")
        )
    ref = parse_period(code)
    if combines_january and (ref.frequency != MONTHLY or ref.month != 2):
        raise MonitoringError(
            MonitoringErrorCode.COMBINE_ONLY_FEBRUARY,
            _("Only February can combine January and February."),
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


def reminders_send(*, actor: User, period: ReportingPeriod, unit_id: int) -> dict[str, int]:
    """One-click reminder to every enterprise of the unit that has not reported (issue 5 §4).

    Sent by e-mail to the contact address on record, after the transaction commits; firms
    without an address are counted so the officer can phone them.
    """
    from django.core.mail import send_mass_mail

    from zjtx.accounts.scoping import can_see_unit

    from ..selectors import enterprises_not_reported

    if not actor.has_role(Role.CITY_OFFICER, Role.UNIT_OFFICER) or not can_see_unit(actor, unit_id):
        raise MonitoringNotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if period.is_locked:
        raise MonitoringConflict(
            MonitoringErrorCode.PERIOD_LOCKED, file_message("period_locked", period=period.code)
        )
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
