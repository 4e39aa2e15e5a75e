"""The enterprise registry: identity, dated unit assignment, annual financials, IP and honours.

Money is Decimal 元. An unknown figure is NULL, never zero: rules must see that it is missing.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zjtx.core.crypto import BlindIndexField, EncryptedTextField
from zjtx.core.models import TimeStampedModel

from .pinyin import pinyin_for

# Roles that see a person's full phone or ID number (audited, zjtx.core.crypto.reveal): the
# officers who verify registrations and call the enterprise. Everybody else sees it masked.
PERSONAL_DATA_ROLES = ("unit_officer", "city_officer")
MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}


class Enterprise(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    class SizeClass(models.TextChoices):
        LARGE = "large", _("Large")
        MEDIUM = "medium", _("Medium")
        SMALL = "small", _("Small")
        MICRO = "micro", _("Micro")
        UNKNOWN = "", _("Not classified")

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    checksum_override_reason = models.CharField(
        _("checksum override reason"),
        max_length=255,
        blank=True,
        help_text=_("Filled only when staff accepted a real code that fails the GB 32100 check"),
    )
    name = models.CharField(_("enterprise name"), max_length=200, db_index=True)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=600, blank=True)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=200, blank=True, db_index=True
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    registered_address = models.CharField(_("registered address"), max_length=255, blank=True)
    industry = models.ForeignKey(
        "reference.IndustryCode",
        verbose_name=_("industry"),
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    established_on = models.DateField(_("date established"), null=True, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    # Personal data, SM4-encrypted at rest (ADR 0017); looked up through the blind indexes.
    legal_rep_id_number = EncryptedTextField(
        _("legal representative's ID number"),
        max_length=18,
        blank=True,
        kind="id_number",
        reveal_roles=PERSONAL_DATA_ROLES,
    )
    legal_rep_id_bidx = BlindIndexField(source="legal_rep_id_number", scope="id_number")
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(
        _("contact phone"),
        max_length=30,
        blank=True,
        kind="phone",
        reveal_roles=PERSONAL_DATA_ROLES,
    )
    contact_phone_bidx = BlindIndexField(source="contact_phone", scope="phone")
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    main_products = models.TextField(_("main products"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VERIFIED, db_index=True
    )
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    size_class = models.CharField(
        _("size class"),
        max_length=10,
        choices=SizeClass.choices,
        blank=True,
        db_index=True,
        help_text=_("Computed from the latest year's figures; refreshed when they change"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [models.Index(fields=["unit", "name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The pinyin search keys are derived data: keep them true on every write path
        # (services, fixtures, imports), not only where a service remembers to set them.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "name" in update_fields:
            self.name_pinyin, self.name_initials = pinyin_for(self.name)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)


class UnitAssignment(models.Model):
    """Which assessment unit an enterprise belonged to, and when (one unit at a time).

    A period is half-open, [valid_from, valid_to): a move on day D closes the old period with
    valid_to = D and opens the new one with valid_from = D. valid_to NULL is the current unit.
    """

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="unit_assignments",
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("unit assignment")
        verbose_name_plural = _("unit assignments")
        ordering = ["enterprise", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.unit} ({self.valid_from})"


class AnnualFinancial(TimeStampedModel):
    """One fiscal (calendar) year of audited figures; amounts in 元."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="financials",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    operating_revenue = models.DecimalField(_("operating revenue"), **MONEY)
    main_business_revenue = models.DecimalField(_("main-business revenue"), **MONEY)
    rd_expense = models.DecimalField(_("R&D expense"), **MONEY)
    net_profit = models.DecimalField(_("net profit"), **MONEY)
    total_assets = models.DecimalField(_("total assets"), **MONEY)
    total_liabilities = models.DecimalField(_("total liabilities"), **MONEY)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    rd_staff = models.PositiveIntegerField(_("R&D staff"), null=True, blank=True)
    export_value = models.DecimalField(_("exports"), **MONEY)
    # Figures an enterprise user typed in are its own declaration until an officer checks them.
    declared_by_enterprise = models.BooleanField(_("declared by the enterprise"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("annual financial statement")
        verbose_name_plural = _("annual financial statements")
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="financial_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class IPAsset(TimeStampedModel):
    class IPClass(models.TextChoices):
        CLASS_I = "I", _("Class Ⅰ")
        CLASS_II = "II", _("Class Ⅱ")

    class Kind(models.TextChoices):
        INVENTION = "invention", _("Invention patent")
        UTILITY = "utility", _("Utility model")
        DESIGN = "design", _("Design patent")
        SOFTWARE = "software", _("Software copyright")
        PLANT_VARIETY = "plant_variety", _("New plant variety")
        IC_LAYOUT = "ic_layout", _("IC layout design")
        NEW_DRUG = "new_drug", _("National new drug")
        TCM_VARIETY = "tcm_variety", _("Grade-1 protected TCM variety")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="ip_assets"
    )
    ip_class = models.CharField(_("IP class"), max_length=2, choices=IPClass.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=50)
    title = models.CharField(_("title"), max_length=200, blank=True)
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    high_value = models.BooleanField(_("high-value"), default=False)
    self_developed = models.BooleanField(_("self-developed"), default=True)
    related_to_main_product = models.BooleanField(_("related to main product"), default=True)

    class Meta:
        verbose_name = _("IP asset")
        verbose_name_plural = _("IP assets")
        ordering = ["enterprise", "ip_class", "-grant_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "number"], name="ip_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Honour(TimeStampedModel):
    """A title or qualification: 高新技术企业, technology centre, 首台套, 两化融合 pilot and so on."""

    class Kind(models.TextChoices):
        HIGH_TECH = "high_tech", _("High-tech enterprise")
        TECH_CENTRE = "tech_centre", _("Enterprise technology centre")
        FIRST_SET = "first_set", _("First (set) major equipment")
        INTEGRATION_PILOT = "integration_pilot", _("Manufacturing-internet integration pilot")
        QUALITY_AWARD = "quality_award", _("Quality award")
        BRAND = "brand", _("Brand")
        STANDARD = "standard", _("Standard drafted")
        DIGITAL_LEVEL = "digital_level", _("Digitalisation level")
        QUALITY_CERT = "quality_cert", _("Quality management certificate")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")
        INTERNATIONAL = "international", _("International")
        NONE = "", _("Not applicable")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="honours"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=15, choices=Level.choices, blank=True)
    name = models.CharField(_("name"), max_length=200)
    awarded_on = models.DateField(_("date awarded"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    value = models.CharField(
        _("value"), max_length=50, blank=True, help_text=_("e.g. the digitalisation level 1-4")
    )

    class Meta:
        verbose_name = _("honour or qualification")
        verbose_name_plural = _("honours and qualifications")
        ordering = ["enterprise", "-awarded_on"]

    def __str__(self) -> str:
        return self.name
