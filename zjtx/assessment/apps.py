from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "zjtx.assessment"
    label = "assessment"
    verbose_name = _("Annual assessment of units")

    def ready(self) -> None:
        from . import worklist

        worklist.register()


# Sidebar labels (zjtx/core/nav.py) whose Chinese lives in this app's catalogue.
NAV_LABELS = (
    _("Unit assessment"),
    _("Assessment schemes"),
)
