"""Subsidy applications, their evidence and history, budgets and the payout ledger.

Money is Decimal 元. A once-only award (package `once_only`) has at most one ledger entry per
enterprise and program: the service checks, and a partial unique constraint guarantees it.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}


class Budget(models.Model):
    program = models.ForeignKey(
        "policy.PolicyProgram",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    amount_yuan = models.DecimalField(_("budget (yuan)"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "program_id"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="subsidy_budget_unique"),
            models.CheckConstraint(condition=Q(amount_yuan__gte=0), name="subsidy_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.year}"


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting unit check")
        RETURNED = "returned", _("Returned for correction")
        FORWARDED = "forwarded", _("Awaiting city approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
    )
    program = models.ForeignKey(
        "policy.PolicyProgram",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    as_of = models.DateField(_("evaluated as of"))
    facts = models.JSONField(_("declared facts"), default=dict)
    evaluation = models.ForeignKey(
        "policy.Evaluation",
        verbose_name=_("evaluation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    computed_eligible = models.BooleanField(_("eligible by the rules"), null=True)
    computed_amount_yuan = models.DecimalField(
        _("amount computed by the rules (yuan)"), **MONEY, null=True, blank=True
    )
    approved_amount_yuan = models.DecimalField(
        _("approved amount (yuan)"), **MONEY, null=True, blank=True
    )
    override_reason = models.CharField(
        _("reason for a different amount"), max_length=500, blank=True
    )
    last_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("subsidy application")
        verbose_name_plural = _("subsidy applications")

    def __str__(self) -> str:
        return f"{self.program_id} #{self.pk}"


class Evidence(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to="subsidies/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["application", "uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """The history the enterprise sees: every transition with its reason."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["application", "created_at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"

    @property
    def action_label(self) -> str:
        from .workflow import SUBSIDY_APPLICATION

        if self.action == "create":
            return str(_("Created"))
        transition = SUBSIDY_APPLICATION.transitions.get(self.action)
        return str(transition.label) if transition else self.action

    @property
    def to_status_label(self) -> str:
        return str(Application.Status(self.to_status).label)


class Payout(models.Model):
    """A ledger entry: the approved amount charged to a program's budget for a year."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="payout"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="subsidy_payouts",
    )
    program = models.ForeignKey(
        "policy.PolicyProgram",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.PROTECT, related_name="payouts"
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    amount_yuan = models.DecimalField(_("amount (yuan)"), **MONEY)
    once_only = models.BooleanField(_("once-only award"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payout ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "program"],
                condition=Q(once_only=True),
                name="subsidy_once_only_award",
            ),
            models.CheckConstraint(condition=Q(amount_yuan__gte=0), name="subsidy_payout_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.program_id} {self.amount_yuan}"
