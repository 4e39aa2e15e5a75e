"""Monitoring writes (STYLE.md: services make every state change).

periods   the calendar: open, unit confirmation, city lock and audited unlock, reminders
imports   the Excel import (dry run, commit, confirm a stored dry run)
report    an enterprise's own monthly report, online
warnings  early warnings and their follow-up tasks
"""

from ..errors import MonitoringConflict, MonitoringError, MonitoringForbidden, MonitoringNotFound
from .imports import import_confirm, import_upload
from .periods import (
    PeriodRef,
    default_due_date,
    month_end,
    parse_period,
    period_get_or_open,
    period_lock,
    period_open,
    period_problem,
    period_unlock,
    reminders_send,
    unit_confirm,
)
from .report import FormOutcome, enterprise_report_submit
from .warnings import rules_in_force, thresholds_on, warning_close, warnings_run

__all__ = [
    "FormOutcome",
    "MonitoringConflict",
    "MonitoringError",
    "MonitoringForbidden",
    "MonitoringNotFound",
    "PeriodRef",
    "default_due_date",
    "enterprise_report_submit",
    "import_confirm",
    "import_upload",
    "month_end",
    "parse_period",
    "period_get_or_open",
    "period_lock",
    "period_open",
    "period_problem",
    "period_unlock",
    "reminders_send",
    "rules_in_force",
    "thresholds_on",
    "unit_confirm",
    "warning_close",
    "warnings_run",
]
