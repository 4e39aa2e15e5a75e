from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "zjtx.certification"
    label = "certification"
    verbose_name = _("Certification")

    def ready(self) -> None:
        from . import worklist

        worklist.register()
