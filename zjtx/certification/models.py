"""Certification rounds (年度申报), applications, expert review, 公示, objections, certificates.

State changes happen only in services.py through the transition table in workflow.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zjtx.core.crypto import EncryptedTextField
from zjtx.core.files import storage_path
from zjtx.core.models import TimeStampedModel

SCORE: dict[str, Any] = {"max_digits": 7, "decimal_places": 2}


class Round(TimeStampedModel):
    """One year's call: criteria package, quota, window, materials and the expert rubric."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for applications")
        CLOSED = "closed", _("Applications closed")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Mean")
        TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (drop highest and lowest)")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    program_id = models.CharField(_("criteria program"), max_length=64)
    quota = models.PositiveIntegerField(_("quota"), default=50)
    unit_quotas = models.JSONField(
        _("quota per unit"), default=dict, blank=True, help_text=_("Unit code → number")
    )
    opens_on = models.DateField(_("window opens"))
    closes_on = models.DateField(_("window closes"))
    required_materials = models.JSONField(_("required materials"), default=list, blank=True)
    announcement = models.TextField(_("announcement"), blank=True)
    rubric = models.JSONField(_("expert rubric"), default=list, blank=True)
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"), default=3
    )
    aggregation = models.CharField(
        _("score aggregation"),
        max_length=20,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
    )
    notice_working_days = models.PositiveSmallIntegerField(_("公示 working days"), default=5)
    issuer_code = models.CharField(
        _("issuer abbreviation (机关代字)"), max_length=20, default="芜经信"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("certification round")
        verbose_name_plural = _("certification rounds")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class Application(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting unit review")
        RETURNED = "returned", _("Returned for correction")
        RECOMMENDED = "recommended", _("Recommended by unit")
        EXPERT_REVIEW = "expert_review", _("In expert review")
        REVIEWED = "reviewed", _("Expert review done")
        APPROVED = "approved", _("Approved (proposed)")
        REJECTED = "rejected", _("Not approved")
        IN_NOTICE = "in_notice", _("In public notice")
        REMOVED = "removed", _("Removed after objection")
        CERTIFIED = "certified", _("Certified")
        REVOKED = "revoked", _("Certification revoked")

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="certification_applications",
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    form_schema = models.JSONField(_("form schema"), default=dict)
    data = models.JSONField(_("form data"), default=dict)
    self_assessment = models.JSONField(_("self-assessment"), default=dict, blank=True)
    unit_rank = models.PositiveSmallIntegerField(_("unit ranking"), null=True, blank=True)
    unit_opinion = models.TextField(_("unit opinion"), blank=True)
    expert_score = models.DecimalField(_("expert score"), null=True, blank=True, **SCORE)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    notice = models.ForeignKey(
        "Notice",
        verbose_name=_("public notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    decision_document = models.ForeignKey(
        "DecisionDocument",
        verbose_name=_("decision document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    certificate_number = models.CharField(
        _("certificate number"), max_length=30, null=True, blank=True, unique=True
    )
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=30, blank=True)
    barred_until = models.DateField(_("barred from applying until"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification application")
        verbose_name_plural = _("certification applications")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "enterprise"], name="application_one_per_round"
            )
        ]
        indexes = [
            models.Index(fields=["round", "status"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.round.year} {self.enterprise}"


class ApplicationEvent(models.Model):
    """One transition taken, with who, when and why (also in the audit chain)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    source = models.CharField(_("from"), max_length=15)
    target = models.CharField(_("to"), max_length=15)
    reason_code = models.CharField(_("reason code"), max_length=30, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class ExpiryReminder(models.Model):
    """A reminder sent 90, 60 or 30 days before a certification expires (once per threshold)."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    valid_until = models.DateField(_("valid until"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "valid_until", "days_before"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} -{self.days_before}"


class AnnualUpdate(models.Model):
    """A certified enterprise's yearly information update (DOMAIN §2.10 dynamic management)."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="annual_updates",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    data = models.JSONField(_("data"), default=dict)
    assessment = models.JSONField(_("self-assessment"), default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("annual update")
        verbose_name_plural = _("annual updates")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["application", "year"], name="annual_update_once")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.year}"


class ChangeReport(models.Model):
    """A major change (rename, move, merger...) that must be reported within 3 months."""

    class Kind(models.TextChoices):
        RENAME = "rename", _("Change of name")
        MOVE = "move", _("Move of registered address or unit")
        MERGER = "merger", _("Merger, division or change of control")
        OTHER = "other", _("Other major change")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        REVIEW_NEEDED = "review_needed", _("Re-review needed")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="change_reports",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    occurred_on = models.DateField(_("date of the change"))
    description = models.TextField(_("description"))
    late = models.BooleanField(_("reported late"), default=False)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.PENDING
    )
    outcome = models.TextField(_("outcome"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("major-change report")
        verbose_name_plural = _("major-change reports")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"


def material_path(instance: Material, filename: str) -> str:
    """A generated name: the uploader's file name never shapes the stored path."""
    return storage_path(
        f"certification/{instance.application.round_id}/{instance.application_id}", filename
    )


class Material(models.Model):
    """An uploaded document, checked by content; served only through a permission-checked view."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    kind = models.CharField(_("kind"), max_length=40)
    file = models.FileField(_("file"), upload_to=material_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["application", "kind", "id"]

    def __str__(self) -> str:
        return self.original_name


class ExpertProfile(models.Model):
    """A member of the expert pool (专家库) with what matching and conflict checks need."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="expert_profile",
    )
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    employer_credit_code = models.CharField(
        _("employer credit code"), max_length=18, blank=True, db_index=True
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fields = models.JSONField(
        _("fields of expertise"), default=list, blank=True, help_text=_("GB/T 4754 divisions")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)


class ExpertRelation(models.Model):
    """A declared relation with an enterprise; any relation excludes the expert (回避)."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Employer")
        PROFESSIONAL = "professional", _("Professional")
        PERSONAL = "personal", _("Personal")
        FAMILY = "family", _("Family")
        FINANCIAL = "financial", _("Financial interest")

    expert = models.ForeignKey(
        ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="relations"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("declared relation")
        verbose_name_plural = _("declared relations")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "enterprise", "kind"], name="expert_relation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} – {self.enterprise}"


class ExpertAssignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        DECLINED = "declined", _("Declined")
        SUBMITTED = "submitted", _("Scores submitted")
        REMOVED = "removed", _("Removed by officer")

    class DeclineReason(models.TextChoices):
        CONFLICT = "conflict", _("Conflict of interest")
        EXPERTISE = "expertise", _("Not my area of expertise")
        WORKLOAD = "workload", _("Too many assignments")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    expert = models.ForeignKey(
        ExpertProfile,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )
    decline_reason = models.CharField(
        _("decline reason"), max_length=10, choices=DeclineReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    total = models.DecimalField(_("total score"), null=True, blank=True, **SCORE)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    undertaking_at = models.DateTimeField(
        _("impartiality undertaking signed at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], name="assignment_once_per_expert"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application_id}"


class ExpertScore(models.Model):
    assignment = models.ForeignKey(
        ExpertAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    indicator = models.CharField(_("indicator"), max_length=40)
    score = models.DecimalField(_("score"), **SCORE)
    comment = models.TextField(_("comment"), blank=True)
    justification = models.TextField(_("justification"), blank=True)

    class Meta:
        verbose_name = _("expert score")
        verbose_name_plural = _("expert scores")
        ordering = ["assignment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "indicator"], name="score_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.score}"


class Notice(models.Model):
    """A 公示 of the proposed list for N working days (DOMAIN §9)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="notices"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    contact = models.CharField(_("objection contact"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


def evidence_path(instance: Objection, filename: str) -> str:
    """A generated name: the objector's file name never shapes the stored path."""
    return storage_path(f"certification/objections/{instance.notice_id}", filename)


class Objection(models.Model):
    """A real-name objection (异议) to one listed enterprise; handled with a recorded outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    notice = models.ForeignKey(
        Notice, verbose_name=_("public notice"), on_delete=models.PROTECT, related_name="objections"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    name = models.CharField(_("objector name"), max_length=50)
    # The objector's phone is personal data: SM4-encrypted at rest, masked on pages and in the
    # API, revealed to the city officer who calls back with an audit event (ADR 0017).
    phone = EncryptedTextField(
        _("phone"), max_length=30, kind="phone", reveal_roles=("city_officer",)
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    text = models.TextField(_("objection"))
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True, max_length=300)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("lodged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.application}"


class DecisionDocument(models.Model):
    """The numbered certification decision (认定发文), e.g. 芜经信〔2026〕12号."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="documents"
    )
    number = models.CharField(_("document number"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number


class CertificationAward(models.Model):
    """A proposed 市专精特新 award (`wuhu.municipal_zjtx`) until a subsidy ledger exists."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        INELIGIBLE = "ineligible", _("Not eligible")

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="award"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    program_id = models.CharField(_("program"), max_length=64)
    program_version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    facts = models.JSONField(_("input facts"), default=dict)
    result = models.JSONField(_("result"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("award proposal")
        verbose_name_plural = _("award proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.program_id}"
