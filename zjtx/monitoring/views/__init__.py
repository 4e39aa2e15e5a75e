"""Monitoring pages. Views parse input, call a service or selector, and render or redirect."""

from ._common import CITY, UNIT, last_month
from .catalogue import catalogue_create, catalogue_edit, catalogue_export, catalogue_list
from .dashboard import dashboard
from .imports import (
    import_confirm,
    import_detail,
    import_list,
    template_download,
    template_response,
    upload,
)
from .periods import period_confirm, period_list, period_lock, period_open, period_unlock
from .report import enterprise_report
from .reporting import reminders_send, reporting_rate
from .warnings import warning_close, warning_list, warnings_run

__all__ = [
    "CITY",
    "UNIT",
    "catalogue_create",
    "catalogue_edit",
    "catalogue_export",
    "catalogue_list",
    "dashboard",
    "enterprise_report",
    "import_confirm",
    "import_detail",
    "import_list",
    "last_month",
    "period_confirm",
    "period_list",
    "period_lock",
    "period_open",
    "period_unlock",
    "reminders_send",
    "reporting_rate",
    "template_download",
    "template_response",
    "upload",
    "warning_close",
    "warning_list",
    "warnings_run",
]
