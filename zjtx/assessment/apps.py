from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "zjtx.assessment"
    label = "assessment"
    verbose_name = _("Annual assessment of units")

    def ready(self) -> None:
        from zjtx.policy.governance import whatif_provider_register

        from . import worklist
        from .scheme import SCHEME_ID
        from .whatif import scheme_whatif

        worklist.register()
        whatif_provider_register(SCHEME_ID, scheme_whatif)


# Sidebar labels (zjtx/core/nav.py) whose Chinese lives in this app's catalogue.
NAV_LABELS = (
    _("Unit assessment"),
    _("Assessment schemes"),
)
