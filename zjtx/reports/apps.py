from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "zjtx.reports"
    label = "reports"
    verbose_name = _("Annual report, benchmarks and dashboards")

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the job kinds)


# Sidebar labels (zjtx/core/nav.py) whose Chinese lives in this app's catalogue.
NAV_LABELS = (
    _("Reports and dashboards"),
    _("Leadership dashboard"),
    _("Meeting-room screen"),
    _("Annual reports"),
    _("Benchmarking"),
)
