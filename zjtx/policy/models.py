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
        PARAMETERS = "parameters", _("Parameter set")

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
    # A version made by an approved parameter change (governance) rather than loaded from a
    # file; `base_checksum` is the file version it was derived from, so reloading that same
    # unchanged file does not undo the approved change.
    origin = models.CharField(_("origin"), max_length=12, default="file")
    base_checksum = models.CharField(_("base checksum"), max_length=64, blank=True)
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


class DeclaredFact(models.Model):
    """A fact an enterprise declared (in a subsidy application or by an officer's entry).

    The registry cannot know facts such as a 技改 project's equipment investment; what the
    enterprise declares is kept with where it came from, and the latest declaration of a name
    wins. Registry figures always take precedence over declarations.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="declared_facts",
    )
    name = models.CharField(_("fact"), max_length=64)
    value = models.JSONField(_("declared value"))
    source = models.CharField(_("source"), max_length=200)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["enterprise", "name", "-declared_at", "-id"]
        verbose_name = _("declared fact")
        verbose_name_plural = _("declared facts")
        indexes = [models.Index(fields=["enterprise", "name"], name="policy_declared_ent_name")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.name}"


class ScanRun(models.Model):
    """One 免申即享 scan: every enterprise in the officer's scope against the award programs."""

    class Status(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        NOTIFIED = "notified", _("Notified")

    as_of = models.DateField(_("as of"))
    programs = models.JSONField(_("programs"), default=list)
    scope_unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.COMPLETED
    )
    enterprise_count = models.PositiveIntegerField(_("enterprises scanned"), default=0)
    evaluation_count = models.PositiveIntegerField(_("evaluations"), default=0)
    eligible_count = models.PositiveIntegerField(_("likely eligible"), default=0)
    insufficient_count = models.PositiveIntegerField(_("insufficient data"), default=0)
    total_amount_yuan = models.DecimalField(
        _("total amount (yuan)"), max_digits=18, decimal_places=2, default=0
    )
    seconds = models.DecimalField(_("duration (s)"), max_digits=8, decimal_places=3, default=0)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    notified_count = models.PositiveIntegerField(_("enterprises notified"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("policy scan")
        verbose_name_plural = _("policy scans")

    def __str__(self) -> str:
        return f"scan {self.pk} @ {self.as_of}"


class ScanHit(models.Model):
    """An enterprise the scan found likely eligible for a program, with the explanation."""

    run = models.ForeignKey(
        ScanRun, verbose_name=_("scan"), on_delete=models.CASCADE, related_name="hits"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    program = models.ForeignKey(
        PolicyProgram, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"))
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    facts = models.JSONField(_("input facts"))
    sources = models.JSONField(_("fact sources"), default=dict)
    trace = models.JSONField(_("trace"))

    class Meta:
        ordering = ["run", "program", "enterprise"]
        verbose_name = _("scan result")
        verbose_name_plural = _("scan results")

    def __str__(self) -> str:
        return f"{self.run_id} {self.enterprise_id} {self.program_id}"


class Notification(models.Model):
    """An in-app message to an enterprise (e.g. 您可能符合以下政策 after a scan)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="policy_notifications",
    )
    program = models.ForeignKey(
        PolicyProgram,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scan_hit = models.ForeignKey(
        ScanHit,
        verbose_name=_("scan result"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["enterprise", "-created_at"], name="policy_notice_ent"),
        ]

    def __str__(self) -> str:
        return self.title


class ParameterChange(models.Model):
    """A proposed new value of a package parameter from a date (maker-checker)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    program = models.ForeignKey(
        PolicyProgram, verbose_name=_("program"), on_delete=models.PROTECT, related_name="changes"
    )
    base_version = models.ForeignKey(
        PolicyPackageVersion,
        verbose_name=_("based on version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    parameter = models.CharField(_("parameter"), max_length=64)
    value = models.JSONField(_("new value"))
    effective_from = models.DateField(_("effective from"))
    reason = models.CharField(_("reason and source"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    case_count = models.PositiveIntegerField(_("test cases passed"), default=0)
    whatif = models.JSONField(_("what-if result"), default=dict)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    new_version = models.ForeignKey(
        PolicyPackageVersion,
        verbose_name=_("new version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("parameter change")
        verbose_name_plural = _("parameter changes")

    def __str__(self) -> str:
        return f"{self.program_id}.{self.parameter} @ {self.effective_from}"
