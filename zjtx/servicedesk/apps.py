from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "zjtx.servicedesk"
    label = "servicedesk"
    verbose_name = _("Enterprise service centre")

    def ready(self) -> None:
        from . import worklist

        worklist.register()


# Sidebar labels (zjtx/core/nav.py) whose Chinese lives in this app's catalogue.
NAV_LABELS = (
    _("Enterprise service centre"),
    _("Service requests"),
    _("Supervision list"),
    _("Service providers"),
    _("Service events"),
    _("Service figures"),
    _("Knowledge base"),
    _("Industry clusters"),
    _("Service levels"),
)
