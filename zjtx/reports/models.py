"""Annual development report (snapshot, figures, documents), dashboard roll-ups.

A report is built from a frozen snapshot: every figure and table the document shows is stored
here as rows/JSON when the snapshot is taken, and the documents are rendered from those rows
only, so rendering the same snapshot again gives the same document.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zjtx.core.models import TimeStampedModel


class ReportSnapshot(models.Model):
    """The frozen figures of one year, taken once; documents are rendered from it alone."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    taken_at = models.DateTimeField(_("taken at"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Tables, chart series and case studies, as canonical JSON (sorted keys, strings for money).
    data = models.JSONField(_("data"), default=dict)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        ordering = ["-year", "-taken_at"]

    def __str__(self) -> str:
        return f"{self.year} @ {self.taken_at:%Y-%m-%d %H:%M}"


class ReportFigure(models.Model):
    """One figure of a snapshot with its reference: what it is, how and from which records."""

    snapshot = models.ForeignKey(
        ReportSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="figures"
    )
    key = models.CharField(_("key"), max_length=80)
    chapter = models.CharField(_("chapter"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    # Exact decimal text (元 for money, % with 2 decimals, counts as integers); "" = no data.
    value = models.CharField(_("value"), max_length=40, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    display = models.CharField(_("shown as"), max_length=60, blank=True)
    definition = models.TextField(_("definition"))
    source = models.TextField(_("source query"))
    records = models.PositiveIntegerField(_("records"), default=0)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("report figure")
        verbose_name_plural = _("report figures")
        ordering = ["snapshot", "order"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "key"], name="report_figure_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class AnnualReport(TimeStampedModel):
    """One build of the annual development report (年度发展报告) and its Word and PDF files."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Finished")
        FAILED = "failed", pgettext_lazy("report", "Failed")

    class Publication(models.TextChoices):
        DRAFT = "draft", _("Not published")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("steps done"), default=0)
    progress_total = models.PositiveIntegerField(_("steps"), default=0)
    progress_message = models.CharField(_("progress"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    snapshot = models.ForeignKey(
        ReportSnapshot,
        verbose_name=_("snapshot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    docx = models.FileField(_("Word file"), upload_to="reports/", max_length=200, blank=True)
    pdf = models.FileField(_("PDF file"), upload_to="reports/", max_length=200, blank=True)
    # SHA-256 of the rendered content (the Word file's parts, the PDF bytes).
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    job_id = models.CharField(_("job"), max_length=64, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    publication = models.CharField(
        _("publication"),
        max_length=10,
        choices=Publication.choices,
        default=Publication.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.year} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("reports:annual-detail", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class EnterpriseYear(models.Model):
    """Roll-up: one enterprise's economic figures of a year, refreshed by `refresh_rollups`.
    Money in 元.

    Where the registry holds the enterprise's annual financial statement for the year (not an
    unchecked declaration), revenue, net profit, R&D, exports and employees are the statement's
    (`source` annual); otherwise they are its monthly monitoring values (sums of the months;
    employees at the last reported month). Total profit and taxes are always the monitoring
    sums: statements in the registry carry neither."""

    class Source(models.TextChoices):
        ANNUAL = "annual", _("Annual financial statement")
        MONITORING = "monitoring", _("Monthly monitoring")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    unit_id_at = models.PositiveIntegerField(_("assessment unit"), default=0)
    division = models.CharField(_("industry division"), max_length=3, blank=True)
    section = models.CharField(_("industry section"), max_length=1, blank=True)
    size_class = models.CharField(_("size class"), max_length=10, blank=True)
    months = models.PositiveSmallIntegerField(_("months reported"), default=0)
    revenue = models.DecimalField(
        _("operating revenue"), max_digits=20, decimal_places=2, null=True
    )
    profit = models.DecimalField(_("total profit"), max_digits=20, decimal_places=2, null=True)
    taxes = models.DecimalField(_("taxes"), max_digits=20, decimal_places=2, null=True)
    exports = models.DecimalField(_("exports"), max_digits=20, decimal_places=2, null=True)
    rd = models.DecimalField(_("R&D spending"), max_digits=20, decimal_places=2, null=True)
    employees = models.PositiveIntegerField(_("employees"), null=True)
    net_profit = models.DecimalField(_("net profit"), max_digits=20, decimal_places=2, null=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MONITORING
    )

    class Meta:
        verbose_name = _("enterprise year")
        verbose_name_plural = _("enterprise years")
        constraints = [
            models.UniqueConstraint(fields=["year", "enterprise"], name="enterprise_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class DashboardRollup(models.Model):
    """Roll-up: one metric for a year (month 0) or month, a unit (0 = the whole city) and a
    breakdown key ("" = total; e.g. a tier, an industry division, a program). Dashboards read
    only these rows; `refresh_rollups` rewrites them in one transaction."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), default=0)
    unit_id_at = models.PositiveIntegerField(_("assessment unit"), default=0)
    metric = models.CharField(_("metric"), max_length=40)
    breakdown = models.CharField(_("breakdown"), max_length=60, blank=True)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=2, default=0)
    records = models.PositiveIntegerField(_("records"), default=0)

    class Meta:
        verbose_name = _("dashboard roll-up")
        verbose_name_plural = _("dashboard roll-ups")
        indexes = [
            models.Index(fields=["unit_id_at", "year", "metric"], name="rollup_unit_year_metric")
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month} {self.unit_id_at} {self.metric}/{self.breakdown}"


class RollupRefresh(models.Model):
    """When the roll-ups were last rebuilt and how long it took."""

    finished_at = models.DateTimeField(_("finished at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("roll-up refresh")
        verbose_name_plural = _("roll-up refreshes")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}"


class BenchmarkStat(models.Model):
    """Roll-up: quartiles of one benchmarking indicator in one peer group and year (the group's
    enterprises with the figure, counted in `count`), refreshed with the other roll-ups."""

    year = models.PositiveSmallIntegerField(_("year"))
    group = models.CharField(_("peer group"), max_length=20)
    key = models.CharField(_("group key"), max_length=40, blank=True)
    indicator = models.CharField(_("indicator"), max_length=30)
    count = models.PositiveIntegerField(_("enterprises"), default=0)
    p25 = models.DecimalField(_("lower quartile"), max_digits=20, decimal_places=2)
    median = models.DecimalField(_("median"), max_digits=20, decimal_places=2)
    p75 = models.DecimalField(_("upper quartile"), max_digits=20, decimal_places=2)

    class Meta:
        verbose_name = _("benchmark statistic")
        verbose_name_plural = _("benchmark statistics")
        indexes = [models.Index(fields=["year", "group", "key"], name="benchmark_year_group_key")]

    def __str__(self) -> str:
        return f"{self.year} {self.group}:{self.key} {self.indicator}"
