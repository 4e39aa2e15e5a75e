"""Operations monitoring (运行监测, DOMAIN.md §8): indicator catalogue, reporting calendar,
reported values with their replaced history, and the record of every Excel import.

Values are stored long (one row per enterprise, period and indicator) so that the catalogue
can grow without schema changes; money is Decimal 元 (entered in 万元, DOMAIN.md §9).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY_UNIT = "万元"
TEXT_UNIT = "文本"


class Indicator(models.Model):
    class Kind(models.TextChoices):
        NUMERIC = "numeric", _("Numeric")
        TEXT = "text", _("Text")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUAL = "annual", _("Annual")

    class Accumulation(models.TextChoices):
        CURRENT_MONTH = "current_month", _("Current period")
        YEAR_TO_DATE = "year_to_date", _("Year to date")
        PERIOD_END = "period_end", _("Period-end balance")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    unit = models.CharField(
        _("unit"), max_length=20, help_text=_("万元 values are stored in 元; 文本 for free text")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NUMERIC)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    accumulation = models.CharField(
        _("accumulation"),
        max_length=15,
        choices=Accumulation.choices,
        default=Accumulation.CURRENT_MONTH,
    )
    decimal_places = models.PositiveSmallIntegerField(
        _("decimal places"), default=2, help_text=_("0 means whole numbers only (e.g. headcount)")
    )
    min_value = models.DecimalField(
        _("minimum"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("In the unit shown in the template"),
    )
    max_value = models.DecimalField(
        _("maximum"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("In the unit shown in the template"),
    )
    max_length = models.PositiveIntegerField(_("maximum text length"), default=2000)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_money(self) -> bool:
        return self.unit == MONEY_UNIT

    @property
    def is_text(self) -> bool:
        return self.kind == self.Kind.TEXT

    @property
    def header(self) -> str:
        """The template column header: name with the unit in full-width brackets."""
        if self.is_text or not self.unit:
            return self.name
        return f"{self.name}（{self.unit}）"

    @property
    def factor(self) -> Decimal:
        """Multiplier from the entered unit to the stored unit (万元 → 元)."""
        return Decimal(10000) if self.is_money else Decimal(1)


class ReportingPeriod(models.Model):
    """One period of the reporting calendar: a month (February may absorb January, 1–2月合并),
    a quarter (code 2026-Q3) or a year (code 2026). `month` is the last month it covers."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        LOCKED = "locked", _("Locked")

    code = models.CharField(
        _("period"), max_length=7, unique=True, help_text="YYYY-MM, YYYY-Qn or YYYY"
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=Indicator.Frequency.choices,
        default=Indicator.Frequency.MONTHLY,
        db_index=True,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    combines_january = models.BooleanField(
        _("January and February combined"),
        default=False,
        help_text=_("Only for February: one report covers January and February"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED

    @property
    def is_monthly(self) -> bool:
        return self.frequency == Indicator.Frequency.MONTHLY

    @property
    def label(self) -> str:
        if self.frequency == Indicator.Frequency.QUARTERLY:
            return f"{self.year}年第{(self.month + 2) // 3}季度"
        if self.frequency == Indicator.Frequency.ANNUAL:
            return f"{self.year}年度"
        if self.combines_january:
            return f"{self.year}年1–2月"
        return f"{self.year}年{self.month}月"


class UnitPeriodConfirmation(models.Model):
    """An assessment unit's officer confirms its data for a period before the city locks it."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="confirmations",
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit confirmation")
        verbose_name_plural = _("unit confirmations")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="confirmation_period_unit")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.unit}"


class ImportRun(models.Model):
    """One upload, dry run or commit, with its counts and every row error (STYLE.md: imports)."""

    class Channel(models.TextChoices):
        UPLOAD = "upload", _("Excel upload")
        FORM = "form", _("Online form")

    class Status(models.TextChoices):
        VALIDATED = "validated", _("Validated")
        COMMITTED = "committed", _("Committed")
        REJECTED = "rejected", _("Rejected")

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploader_unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The uploader's unit at upload time; empty for the city"),
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    period_code = models.CharField(_("period"), max_length=20, blank=True)
    source_run = models.ForeignKey(
        "self",
        verbose_name=_("confirms dry run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="monitoring/imports/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.UPLOAD
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    accept_valid_rows = models.BooleanField(_("store valid rows only"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_accepted = models.PositiveIntegerField(_("rows accepted"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    rows_blank = models.PositiveIntegerField(_("rows without values"), default=0)
    values_inserted = models.PositiveIntegerField(_("values added"), default=0)
    values_replaced = models.PositiveIntegerField(_("values replaced"), default=0)
    values_removed = models.PositiveIntegerField(_("values removed"), default=0)
    values_unchanged = models.PositiveIntegerField(_("values unchanged"), default=0)
    # A blank cell means "not reported": it clears a stored value only when asked to.
    clear_blanks = models.BooleanField(_("clear stored values left blank"), default=False)
    values_blank = models.PositiveIntegerField(_("blank cells over stored values"), default=0)
    blank_cells = models.JSONField(_("blank cells over stored values"), default=list, blank=True)
    error_code = models.CharField(_("file error"), max_length=40, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"


class MonitoringValue(models.Model):
    """The current value of one indicator for one enterprise and period.

    The primary key is (period, enterprise, indicator) and it is the only index: it serves
    the monthly load's comparison, a period's roll-ups and one firm's months (one seek per
    period), and needs no sequence. Every extra index would be maintained for each of the
    ~280,000 values of a monthly load (perf-floors-security.md A.4). For the same reason the
    foreign keys have no database
    constraint: PostgreSQL fires one trigger per row and key (800,000 for a monthly load,
    9× the floor). The import checks the keys set-wise instead, in its transaction
    (imports/load.py `check_references`), and deletions go through the ORM (CASCADE/PROTECT).
    """

    pk = models.CompositePrimaryKey("period_id", "enterprise_id", "indicator_id")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("period"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2, null=True, blank=True)
    text_value = models.TextField(_("text"), blank=True, default="")
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Filled by the database (one clock read per load instead of a timestamp parsed per row).
    updated_at = models.DateTimeField(_("updated at"), db_default=Now())

    class Meta:
        verbose_name = _("monitoring value")
        verbose_name_plural = _("monitoring values")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period_id} {self.indicator_id}"


class MonitoringValueHistory(models.Model):
    """A value that a later upload replaced or removed, kept for the trace (留痕)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("period"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2, null=True, blank=True)
    text_value = models.TextField(_("text"), blank=True, default="")
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("stored by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    replaced_by = models.ForeignKey(
        ImportRun,
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    valid_from = models.DateTimeField(_("stored at"))
    replaced_at = models.DateTimeField(_("replaced at"))

    class Meta:
        verbose_name = _("replaced monitoring value")
        verbose_name_plural = _("replaced monitoring values")
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period_id} {self.indicator_id} @ {self.replaced_at}"


class MonthlyRollup(models.Model):
    """Per period, unit, industry division and indicator: how many values and their sum, kept
    current by every load so dashboards never aggregate raw values (perf-floors-security.md
    A.5). The division is the GB/T 4754 大类 (e.g. C36) of the enterprise's industry code."""

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    industry_division = models.CharField(
        _("industry division"), max_length=3, blank=True, default=""
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    value_count = models.PositiveIntegerField(_("values"), default=0)
    total = models.DecimalField(_("total"), max_digits=24, decimal_places=2, default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly roll-up")
        verbose_name_plural = _("monthly roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "industry_division", "indicator"],
                name="rollup_period_unit_division_indicator",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.unit_id} {self.indicator_id}"


class UnitPeriodStat(models.Model):
    """How many enterprises of a unit reported for a period (reporting rate numerator)."""

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    enterprises_reported = models.PositiveIntegerField(_("enterprises reported"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit reporting count")
        verbose_name_plural = _("unit reporting counts")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unit_period_stat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.unit_id}: {self.enterprises_reported}"


class Level(models.TextChoices):
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


LEVEL_ORDER = {Level.YELLOW: 1, Level.ORANGE: 2, Level.RED: 3}


class WarningRule(models.Model):
    """A dated early-warning threshold set (DOMAIN.md §8; configurable, issue 5 §5).

    Thresholds are percentages; a rule applies to periods that end within its dates, so a
    changed threshold never rewrites the warnings of earlier months.
    """

    class Code(models.TextChoices):
        REVENUE_YOY = "revenue_yoy", _("Operating revenue down year on year")
        ELECTRICITY_YOY = "electricity_yoy", _("Electricity use down year on year")
        DEBT_RATIO = "debt_ratio", _("High debt ratio")
        MISSING_REPORT = "missing_report", _("Report missing")
        HEADCOUNT_YOY = "headcount_yoy", _("Headcount down year on year")
        REVENUE_DECLINE = "revenue_decline", _("Operating revenue down several months in a row")
        REVENUE_OUTLIER = "revenue_outlier", _("Operating revenue far from own history")
        CERT_EXPIRY = "cert_expiry", _("SRDI certificate about to expire")
        RD_RATIO_LOW = "rd_ratio_low", _("R&D ratio below the line ahead of re-review")

    code = models.CharField(_("rule"), max_length=30, choices=Code.choices)
    yellow = models.DecimalField(_("yellow threshold"), max_digits=8, decimal_places=2)
    orange = models.DecimalField(_("orange threshold"), max_digits=8, decimal_places=2)
    red = models.DecimalField(_("red threshold"), max_digits=8, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["code", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.valid_from})"


class MonitoringWarning(models.Model):
    """One enterprise, period and rule that fired, with the numbers that made it fire."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        # The figures were corrected or the thresholds changed and a re-run no longer fires:
        # the row stays, with the run that withdrew it in its audit trail.
        WITHDRAWN = "withdrawn", pgettext_lazy("early warning", "Withdrawn")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+"
    )
    rule = models.ForeignKey(
        WarningRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    explanation = models.TextField(_("explanation"))
    facts = models.JSONField(_("figures"), default=dict)
    status = models.CharField(
        _("follow-up"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    note = models.TextField(_("follow-up note"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-period__code", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "rule"], name="warning_enterprise_period_rule"
            )
        ]
        indexes = [models.Index(fields=["period", "unit", "status"], name="warning_period_unit")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period} {self.get_level_display()}"
