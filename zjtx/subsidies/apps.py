from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "zjtx.subsidies"
    label = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self) -> None:
        from . import worklist

        worklist.register()


# Sidebar labels (zjtx/core/nav.py) whose Chinese lives in this app's catalogue.
NAV_LABELS = (
    _("Subsidy applications"),
    _("Payout ledger"),
    _("Budgets"),
)
