"""Reference data as versioned rows: every table carries its validity dates and source."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceDataset(models.Model):
    """One load of a reference file: which version is in the database and when it came."""

    name = models.CharField(_("dataset"), max_length=50)
    version = models.CharField(_("version"), max_length=50)
    source = models.CharField(_("source"), max_length=255, blank=True)
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("reference dataset")
        verbose_name_plural = _("reference datasets")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Division(models.Model):
    """A GB/T 2260 administrative division; a code may be retired and succeeded (e.g. 无为县→无为市)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("Prefecture-level city")
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        COUNTY_CITY = "county_city", _("County-level city")

    code = models.CharField(_("division code"), max_length=6, db_index=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent_code = models.CharField(_("parent code"), max_length=6, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor_code = models.CharField(_("successor code"), max_length=6, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "name"], name="division_code_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class AssessmentUnit(models.Model):
    """A county, district, county-level city or development zone assessed by the city (seed 三(一))."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        COUNTY_CITY = "county_city", _("County-level city")
        ZONE = "zone", _("Development zone")

    code = models.CharField(_("unit code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    division_code = models.CharField(
        _("division code"), max_length=6, blank=True, help_text=_("For a zone: its host district")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment unit")
        verbose_name_plural = _("assessment units")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class IndustryCode(models.Model):
    """A GB/T 4754-2017 category: section (C), division (C36), group (C367) or class (C3670)."""

    class Level(models.TextChoices):
        SECTION = "section", _("Section")
        DIVISION = "division", _("Division")
        GROUP = "group", _("Group")
        CLASS = "class", _("Class")

    code = models.CharField(_("industry code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent_code = models.CharField(_("parent code"), max_length=5, blank=True, db_index=True)
    standard = models.CharField(_("standard"), max_length=30, default="GB/T 4754-2017")
    aliases = models.JSONField(_("former names"), default=list, blank=True)

    class Meta:
        verbose_name = _("industry code")
        verbose_name_plural = _("industry codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SizeStandard(models.Model):
    """A version of the SME size standard; `rules` holds the per-sector thresholds as data."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    document = models.CharField(_("document number"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    rules = models.JSONField(_("rules"))

    class Meta:
        verbose_name = _("SME size standard")
        verbose_name_plural = _("SME size standards")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.title}（{self.document}）"
