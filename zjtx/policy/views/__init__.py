"""Policy pages: the calculator, the 免申即享 scan, the enterprise's policy notices and governance.

calculation   the policy calculator for one enterprise, with tried facts
scanning      免申即享 scans: run, hits, notify
calendar      an enterprise's policy calendar (notices)
changes       governance (maker-checker): parameters in force and proposed changes
"""

from .calculation import calculator, calculator_home, calculator_try
from .calendar import notices
from .changes import (
    change_approve,
    change_detail,
    change_reject,
    display_parameter,
    governance_home,
)
from .scanning import scan_detail, scan_notify, scans

__all__ = [
    "calculator",
    "calculator_home",
    "calculator_try",
    "change_approve",
    "change_detail",
    "change_reject",
    "display_parameter",
    "governance_home",
    "notices",
    "scan_detail",
    "scan_notify",
    "scans",
]
