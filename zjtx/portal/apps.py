from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zjtx.portal"
    label = "portal"
    verbose_name = _("Public portal")


# Sidebar labels (zjtx/core/nav.py) whose Chinese lives in this app's catalogue.
NAV_LABELS = (_("Portal content"),)
