from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "zjtx.monitoring"
    label = "monitoring"
    verbose_name = _("Operations monitoring")

    def ready(self) -> None:
        from zjtx.policy.governance import whatif_provider_register

        from .services.warnings import THRESHOLDS_PROGRAM, thresholds_whatif

        whatif_provider_register(THRESHOLDS_PROGRAM, thresholds_whatif)

        from . import jobs, worklist  # noqa: F401  (jobs registers the import job kind)

        worklist.register()
