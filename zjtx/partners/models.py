from django.db import models
from django.utils.translation import gettext_lazy as _

from zjtx.core.models import TimeStampedModel


class FinancialInstitution(TimeStampedModel):
    """A bank or other lender whose users answer financing demands (seed 三(三))."""

    class Kind(models.TextChoices):
        BANK = "bank", _("Bank")
        GUARANTEE = "guarantee", _("Guarantee company")
        LEASING = "leasing", _("Financial leasing")
        FUND = "fund", _("Investment fund")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BANK)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("financial institution")
        verbose_name_plural = _("financial institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceProvider(TimeStampedModel):
    """A service organisation on one of the six platforms of the enterprise service centre (seed 二(五))."""

    class Platform(models.TextChoices):
        FINANCING = "financing", _("Financing")
        TECHNOLOGY = "technology", _("Technology")
        TALENT = "talent", _("Talent")
        PREMISES = "premises", _("Premises")
        INNOVATION = "innovation", _("Entrepreneurship and innovation")
        SALON = "salon", _("Salons and events")

    name = models.CharField(_("name"), max_length=200, unique=True)
    platform = models.CharField(_("service platform"), max_length=20, choices=Platform.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
