from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "zjtx.financing"
    label = "financing"
    verbose_name = _("Financing")

    def ready(self) -> None:
        from . import worklist

        worklist.register()


# Sidebar labels (zjtx/core/nav.py) whose Chinese lives in this app's catalogue.
NAV_LABELS = (
    _("Financing"),
    _("My financing demands"),
    _("Consented demands"),
    _("Financial products"),
    _("Financing library"),
    _("Overdue take-ups"),
    _("Financing figures"),
    _("Receivables"),
    _("Listing pipeline"),
    _("Promotion lists"),
)
