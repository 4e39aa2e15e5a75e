from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "zjtx.policy"
    label = "policy"
    verbose_name = _("Policy rules")

    def ready(self) -> None:
        from . import jobs, worklist  # noqa: F401  (jobs registers the scan job kind)

        worklist.register()


# Sidebar labels (zjtx/core/nav.py) whose Chinese lives in this app's catalogue.
NAV_LABELS = (
    _("Policies and subsidies"),
    _("Policy calculator"),
    _("My policy calendar"),
    _("Proactive award scan"),
    _("Policy parameters"),
)
