"""Rule packages as loaded into the database, and the evaluations stored for enterprises.

A package file under policies/ becomes a `PolicyPackageVersion` only when its content changes;
every `Evaluation` keeps the exact version, the input facts and the trace, so a result can be
explained later even after the rules move on.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicyProgram(models.Model):
    class Kind(models.TextChoices):
        AWARD = "award", _("Award")
        CRITERIA = "criteria", _("Certification criteria")
        CLASSIFICATION = "classification", _("Classification")

    id = models.CharField(_("program id"), max_length=64, primary_key=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    document = models.CharField(_("issuing document"), max_length=300)
    source = models.CharField(_("clause"), max_length=200)
    current_version = models.ForeignKey(
        "PolicyPackageVersion",
        verbose_name=_("current version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("policy program")
        verbose_name_plural = _("policy programs")

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


class PolicyPackageVersion(models.Model):
    program = models.ForeignKey(
        PolicyProgram,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("package content"))
    # The YAML as written: PostgreSQL's jsonb reorders keys, and the order of facts, enum
    # values and tables is part of what officials read, so packages compile from this text.
    source_text = models.TextField(_("package source (YAML)"), blank=True)
    checksum = models.CharField(_("checksum"), max_length=64, db_index=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source_path = models.CharField(_("source file"), max_length=300, blank=True)
    case_count = models.PositiveIntegerField(_("test cases passed"), default=0)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["program_id", "-version"]
        verbose_name = _("policy package version")
        verbose_name_plural = _("policy package versions")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "version"], name="policy_version_unique_per_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} v{self.version}"


class Evaluation(models.Model):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policy_evaluations",
    )
    program = models.ForeignKey(
        PolicyProgram,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    package_version = models.ForeignKey(
        PolicyPackageVersion,
        verbose_name=_("package version"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    version = models.PositiveIntegerField(_("version"))
    as_of = models.DateField(_("evaluated as of"))
    facts = models.JSONField(_("input facts"))
    result = models.JSONField(_("result"))
    eligible = models.BooleanField(_("eligible"), null=True)
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("policy evaluation")
        verbose_name_plural = _("policy evaluations")
        indexes = [
            models.Index(
                fields=["enterprise", "program", "-created_at"], name="policy_eval_ent_prog"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} v{self.version} @ {self.as_of}"
