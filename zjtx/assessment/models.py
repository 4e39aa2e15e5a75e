"""Yearly assessment of counties, districts and zones (目标考核, 芜湖实施意见 三(一)) and 通报."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

POINTS: dict[str, Any] = {"max_digits": 7, "decimal_places": 2}


class AssessmentRun(models.Model):
    """One year's assessment: every unit scored under one version of the scheme package."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published for objections")
        FINAL = "final", _("Final")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    scheme_id = models.CharField(_("scheme"), max_length=60)
    scheme_version = models.PositiveIntegerField(_("scheme version"))
    as_of = models.DateField(_("data as of"))
    objection_days = models.PositiveSmallIntegerField(_("objection window (working days)"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    window_ends_on = models.DateField(_("objections until"), null=True, blank=True)
    finalized_on = models.DateField(_("final on"), null=True, blank=True)
    last_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")

    def __str__(self) -> str:
        return f"{self.year}"


class UnitScore(models.Model):
    """A unit's score in a run: the indicator points (trace) plus recorded adjustments."""

    run = models.ForeignKey(
        AssessmentRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="scores"
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    computed_points = models.DecimalField(_("indicator points"), **POINTS)
    adjustment_points = models.DecimalField(_("adjustments"), default=0, **POINTS)
    score = models.DecimalField(_("score"), **POINTS)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    trace = models.JSONField(_("trace"), default=list)
    facts = models.JSONField(_("input facts"), default=dict)
    insufficient = models.BooleanField(_("data missing"), default=False)

    class Meta:
        ordering = ["run", "rank", "unit__sort_order"]
        verbose_name = _("unit score")
        verbose_name_plural = _("unit scores")
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="assess_score_unit")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.unit_id} {self.score}"


class Objection(models.Model):
    """A unit officer's objection to the unit's result, decided by the city."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    run = models.ForeignKey(
        AssessmentRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="objections"
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    indicator = models.CharField(_("indicator"), max_length=40, blank=True)
    reason = models.TextField(_("reason for the objection"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    filed_on = models.DateField(_("filed on"))
    decision = models.CharField(_("decision"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("assessment objection")
        verbose_name_plural = _("assessment objections")

    def __str__(self) -> str:
        return f"{self.run_id} {self.unit_id} {self.status}"


class Adjustment(models.Model):
    """Points added to or taken from a unit's score, with the written reason (recorded, audited)."""

    class Source(models.TextChoices):
        CITY = "city", _("City adjustment")
        OBJECTION = "objection", _("Accepted objection")

    score = models.ForeignKey(
        UnitScore,
        verbose_name=_("unit score"),
        on_delete=models.CASCADE,
        related_name="adjustments",
    )
    indicator = models.CharField(_("indicator"), max_length=40, blank=True)
    points = models.DecimalField(_("points"), **POINTS)
    reason = models.CharField(_("reason"), max_length=500)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    objection = models.OneToOneField(
        Objection,
        verbose_name=_("objection"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustment",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("score adjustment")
        verbose_name_plural = _("score adjustments")
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="assess_adjustment_nonzero")
        ]

    def __str__(self) -> str:
        return f"{self.score_id} {self.points}"


class Bulletin(models.Model):
    """A numbered 通报 (Word, GB/T 9704 layout), published to the units once issued."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual bulletin")
        SUPERVISION = "supervision", _("Supervision bulletin")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    run = models.ForeignKey(
        AssessmentRun,
        verbose_name=_("run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bulletins",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("document number"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    units = models.ManyToManyField(
        "reference.AssessmentUnit", verbose_name=_("units named"), blank=True, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    document = models.BinaryField(_("Word document"))

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self) -> str:
        return self.number
