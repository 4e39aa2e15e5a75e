from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CultivationConfig(AppConfig):
    name = "zjtx.cultivation"
    label = "cultivation"
    verbose_name = _("Cultivation pools and talent")

    def ready(self) -> None:
        from . import jobs, worklist  # noqa: F401  (registers the job kind)

        worklist.register()


# Sidebar labels (zjtx/core/nav.py) whose Chinese lives in this app's catalogue.
NAV_LABELS = (
    _("Cultivation and assessment"),
    _("My tiers"),
    _("Gradient pools"),
    _("Pool changes"),
    _("Candidate runs"),
    _("Targets"),
    pgettext_lazy("skills", "Talent"),
)
