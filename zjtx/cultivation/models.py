"""Gradient cultivation (梯次培育, 芜湖实施意见 二(一)), targets (一(三)) and talent (二(八)).

A tier history is a list of dated records per enterprise on three tracks: the pools
储备/培育/提升 (entered and left through a pool change the city confirms), the certified tiers
创新型 → 市专精特新 → 省专精特新 → 小巨人 → 单项冠军 (written by certification or recorded by the
city), and the marks 配套专家 and 安徽工业精品. An enterprise's state on a day is its latest
record on or before that day per track (per tier for certified tiers and marks).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zjtx.core.crypto import BlindIndexField, EncryptedTextField

USER = settings.AUTH_USER_MODEL


class Pool(models.TextChoices):
    NONE = "none", pgettext_lazy("pool", "Not in a pool")
    RESERVE = "reserve", _("Reserve pool")
    CULTIVATE = "cultivate", _("Cultivation pool")
    UPGRADE = "upgrade", _("Upgrade pool")


class Tier(models.TextChoices):
    INNOVATIVE = "innovative", _("Innovative SME")
    MUNICIPAL = "municipal", _("Municipal SRDI SME")
    PROVINCIAL = "provincial", _("Provincial SRDI SME")
    LITTLE_GIANT = "little_giant", _("SRDI little giant")
    CHAMPION = "champion", _("Single-item champion")


class Mark(models.TextChoices):
    SUPPLY_EXPERT = "supply_expert", _("Supply-chain specialist")
    FINE_PRODUCT = "fine_product", _("Anhui industrial fine product")


POOL_ORDER = (Pool.NONE, Pool.RESERVE, Pool.CULTIVATE, Pool.UPGRADE)
TIER_ORDER = (Tier.INNOVATIVE, Tier.MUNICIPAL, Tier.PROVINCIAL, Tier.LITTLE_GIANT, Tier.CHAMPION)


class TierRecord(models.Model):
    """One dated step of an enterprise's tier history, with its reason and who decided."""

    class Track(models.TextChoices):
        POOL = "pool", _("Gradient pool")
        CERTIFIED = "certified", _("Certified tier")
        MARK = "mark", _("Mark")

    class Action(models.TextChoices):
        ENTER = "enter", _("Entered the pool")
        EXIT = "exit", _("Left the pool")
        GRANT = "grant", _("Certified or granted")
        REVOKE = "revoke", pgettext_lazy("tier", "Revoked")
        EXPIRE = "expire", _("Expired")
        RECOMMEND = "recommend", _("Recommended to the higher level")

    class Source(models.TextChoices):
        POOL_CHANGE = "pool_change", _("Pool change")
        CERTIFICATION = "certification", _("Municipal certification")
        RECORDED = "recorded", _("Recorded by the city")
        BACKFILL = "backfill", _("Taken over from earlier lists")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="tier_records",
    )
    # The enterprise's unit when recorded: counts per unit need no join.
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    # A Pool value on the pool track, a Tier on the certified track, a Mark on the mark track.
    tier = models.CharField(_("tier"), max_length=20)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    on = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("tier record")
        verbose_name_plural = _("tier history")
        ordering = ["enterprise", "on", "id"]
        indexes = [
            models.Index(fields=["enterprise", "track", "on"], name="cult_tier_ent_track"),
            models.Index(fields=["track", "tier", "on"], name="cult_tier_track_tier"),
            models.Index(fields=["unit", "track", "on"], name="cult_tier_unit_track"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.track}:{self.tier} {self.action} {self.on}"

    @property
    def tier_label(self) -> str:
        return tier_label(self.track, self.tier)


def tier_label(track: str, tier: str) -> str:
    choices: Any = {"pool": Pool, "certified": Tier, "mark": Mark}.get(track, Pool)
    try:
        return str(choices(tier).label)
    except ValueError:
        return tier


class PoolChange(models.Model):
    """A unit officer's proposal to move one enterprise into, between or out of the pools."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting city confirmation")
        RETURNED = "returned", _("Returned to the unit")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="pool_changes",
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_pool = models.CharField(_("from pool"), max_length=10, choices=Pool.choices)
    to_pool = models.CharField(_("to pool"), max_length=10, choices=Pool.choices)
    reason = models.CharField(_("reason for the change"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    last_reason = models.CharField(_("decision note"), max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        USER,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    proposed_on = models.DateField(_("proposed on"), default=timezone.localdate)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    candidate_run = models.ForeignKey(
        "CandidateRun",
        verbose_name=_("candidate run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pool_changes",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("pool change")
        verbose_name_plural = _("pool changes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"], name="cult_change_unit_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.enterprise_id} {self.from_pool}→{self.to_pool}"


class CandidateRun(models.Model):
    """One evaluation of the criteria packages over the registry: firms close to each tier."""

    class Status(models.TextChoices):
        RUNNING = "running", pgettext_lazy("run", "Running")
        DONE = "done", _("Finished")
        FAILED = "failed", pgettext_lazy("run", "Failed")

    as_of = models.DateField(_("evaluated as of"))
    tiers = models.JSONField(_("tiers"), default=list)
    programs = models.JSONField(_("criteria packages"), default=dict)
    max_gaps = models.PositiveSmallIntegerField(_("at most this many gaps"), default=2)
    scope_unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    error = models.CharField(_("error"), max_length=500, blank=True)
    enterprise_count = models.PositiveIntegerField(_("enterprises evaluated"), default=0)
    candidate_count = models.PositiveIntegerField(_("candidates"), default=0)
    summary = models.JSONField(_("summary"), default=dict)
    seconds = models.DecimalField(
        _("seconds"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    job_id = models.CharField(_("background job"), max_length=40, blank=True)
    started_by = models.ForeignKey(
        USER, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)

    class Meta:
        verbose_name = _("candidate run")
        verbose_name_plural = _("candidate runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.as_of}"


class CandidateHit(models.Model):
    """A firm close to a tier: its gaps (what is missing and by how much) and what to verify."""

    run = models.ForeignKey(
        CandidateRun, verbose_name=_("candidate run"), on_delete=models.CASCADE, related_name="hits"
    )
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
        null=True,
        related_name="+",
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    program_id = models.CharField(_("criteria package"), max_length=64)
    gap_count = models.PositiveSmallIntegerField(_("gaps"))
    closeness = models.DecimalField(_("distance"), max_digits=9, decimal_places=4)
    gaps = models.JSONField(_("gaps"), default=list)
    to_verify = models.JSONField(_("to verify"), default=list)
    pool = models.CharField(_("pool"), max_length=10, choices=Pool.choices, default=Pool.NONE)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["run", "tier", "gap_count", "closeness", "id"]
        indexes = [models.Index(fields=["run", "tier", "gap_count"], name="cult_hit_run_tier")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.enterprise_id} {self.tier}"


class Metric(models.TextChoices):
    """What a target counts (each computed from the data by selectors.metric_value)."""

    CERTIFIED_HELD = "certified_held", _("Enterprises holding the tier (or a higher one)")
    CERTIFIED_NEW = "certified_new", _("Newly certified enterprises")
    CERTIFIED_LARGE = "certified_large", _("Certified enterprises with main revenue above a line")
    PROVINCE_RECOMMENDED = "province_recommended", _("Recommendations to the province")
    LISTING_RECOMMENDED = "listing_recommended", _("Listing recommendations")
    POOL_SIZE = "pool_size", _("Enterprises in the gradient pools")
    TECHNICIANS = "technicians", _("Technicians and senior technicians trained")
    CHIEF_TECHNICIANS = "chief_technicians", _("Chief technicians selected")
    MASTER_STUDIOS = "master_studios", _("Master craftsman studios built")


class TargetSet(models.Model):
    """Dated targets from one document: what is counted, for which period, city and unit shares."""

    title = models.CharField(_("title"), max_length=200)
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("target set")
        verbose_name_plural = _("target sets")
        ordering = ["-period_end", "-period_start", "id"]

    def __str__(self) -> str:
        return self.title


class TargetItem(models.Model):
    target_set = models.ForeignKey(
        TargetSet, verbose_name=_("target set"), on_delete=models.CASCADE, related_name="items"
    )
    metric = models.CharField(_("what is counted"), max_length=24, choices=Metric.choices)
    # tier (certified_*), pool (pool_size), min_revenue_yuan (certified_large)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    label = models.CharField(_("label"), max_length=200)
    target = models.PositiveIntegerField(_("target"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["target_set", "sort_order", "id"]

    def __str__(self) -> str:
        return self.label


class TargetShare(models.Model):
    """A unit's share of a city target."""

    item = models.ForeignKey(
        TargetItem, verbose_name=_("target"), on_delete=models.CASCADE, related_name="shares"
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.PositiveIntegerField(_("share"))

    class Meta:
        verbose_name = _("unit share")
        verbose_name_plural = _("unit shares")
        ordering = ["item", "unit__sort_order", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="cult_share_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.unit_id} {self.target}"


class TalentKind(models.TextChoices):
    TECHNICIAN = "technician", _("Technician")
    SENIOR_TECHNICIAN = "senior_technician", _("Senior technician")
    CHIEF_TECHNICIAN = "chief_technician", _("Municipal chief technician")


class StudioLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")


class TalentRecord(models.Model):
    """A 技师/高级技师 trained or a 首席技师 selected; one record per person and kind."""

    kind = models.CharField(_("kind"), max_length=20, choices=TalentKind.choices)
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    # SM4 ciphertext (zjtx.core.crypto); the blind index finds duplicates without decrypting,
    # the masked form is what lists show.
    id_number = EncryptedTextField(_("ID number"), kind="id_number")
    id_index = BlindIndexField(_("ID number index"), source="id_number", scope="id_number")
    id_masked = models.CharField(_("ID number (masked)"), max_length=18)
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    awarded_on = models.DateField(_("date"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="talent_records",
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        USER, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("talent record")
        verbose_name_plural = _("talent records")
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "id_index"], name="cult_talent_once_per_kind")
        ]
        indexes = [models.Index(fields=["unit", "kind", "awarded_on"], name="cult_talent_unit")]

    def __str__(self) -> str:
        return f"{self.person_name} {self.kind}"


class MasterStudio(models.Model):
    """A 技能大师工作室 built at an enterprise."""

    name = models.CharField(_("studio name"), max_length=200)
    master_name = models.CharField(_("master craftsman"), max_length=50)
    level = models.CharField(_("level"), max_length=12, choices=StudioLevel.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="master_studios",
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    established_on = models.DateField(_("established on"))
    entered_by = models.ForeignKey(
        USER, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("master craftsman studio")
        verbose_name_plural = _("master craftsman studios")
        ordering = ["-established_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="cult_studio_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
