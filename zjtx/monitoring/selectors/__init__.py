"""Monitoring reads, every one scoped to the caller's jurisdiction.

catalogue   the indicator catalogue: the active indicators of a form, who may read or maintain it
imports     the enterprises a user reports for, import runs and the values they stored
periods     the reporting calendar and the periods that can be reported now
reporting   reporting rates by unit and who has not reported
dashboard   the city dashboard's figures
warnings    early warnings
report      an enterprise's own report form
"""

from .catalogue import (
    BUILT_IN_CODES,
    READ_ROLES,
    SORT_ORDER_MAX,
    can_maintain_catalogue,
    indicator_get,
    indicator_has_values,
    indicator_is_built_in,
    indicator_list_for,
    indicator_next_sort_order,
    indicator_value_counts,
    indicators_active,
)
from .dashboard import DASHBOARD_INDICATORS, INDUSTRY_TOP, dashboard_data
from .imports import (
    CHUNK,
    StoredValue,
    enterprise_index,
    enterprise_list_for_template,
    enterprises_outside_scope,
    import_run_get,
    import_run_list_for,
    values_for,
)
from .periods import period_choices, period_get, period_list
from .report import ReportLine, enterprise_report, previous_months
from .reporting import UnitRate, enterprises_not_reported, reporting_rates
from .warnings import red_warning_enterprise_ids, warning_get, warning_list_for

__all__ = [
    "BUILT_IN_CODES",
    "CHUNK",
    "DASHBOARD_INDICATORS",
    "INDUSTRY_TOP",
    "READ_ROLES",
    "SORT_ORDER_MAX",
    "ReportLine",
    "StoredValue",
    "UnitRate",
    "can_maintain_catalogue",
    "dashboard_data",
    "enterprise_index",
    "enterprise_list_for_template",
    "enterprise_report",
    "enterprises_not_reported",
    "enterprises_outside_scope",
    "import_run_get",
    "import_run_list_for",
    "indicator_get",
    "indicator_has_values",
    "indicator_is_built_in",
    "indicator_list_for",
    "indicator_next_sort_order",
    "indicator_value_counts",
    "indicators_active",
    "period_choices",
    "period_get",
    "period_list",
    "previous_months",
    "red_warning_enterprise_ids",
    "reporting_rates",
    "values_for",
    "warning_get",
    "warning_list_for",
]
