"""Enterprise service centre (企业服务中心 / 易企网, 芜湖实施意见 二(五)).

Requests (诉求) from enterprises with working-day clocks kept by the one workflow engine,
hand-offs between unit, city and providers, ratings and call-backs; provider listings,
rankings and honours; events; the knowledge base and 申兑指南; industry clusters' "五个一".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zjtx.core.crypto import EncryptedTextField

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    """The eight service functions of 二(五), then policy, factor support, complaints, other."""

    POLICY_CONSULTING = "policy_consulting", _("Policy consulting")
    INNOVATION = "innovation", _("Entrepreneurship and innovation")
    IP = "ip", _("Intellectual property")
    FINANCING = "financing", _("Investment and financing")
    TRAINING = "training", _("Talent training")
    MARKET = "market", _("Market development")
    FINANCE_GUIDANCE = "finance_guidance", _("Financial guidance")
    INFORMATIZATION = "informatization", _("Informatization services")
    POLICY_REDEMPTION = "policy_redemption", _("Policy redemption")
    FACTOR_SUPPORT = "factor_support", _("Factor support")
    COMPLAINT = "complaint", _("Complaint")
    OTHER = "other", _("Other")


SERVICE_FUNCTIONS = tuple(Category.values[:8])


class Handler(models.TextChoices):
    PROVIDER = "provider", _("Service provider")
    UNIT = "unit_officer", _("Unit officer")
    CITY = "city_officer", _("City officer")


class CategorySla(models.Model):
    """Per-category working-day limits and the routing rule (city-configurable)."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, unique=True)
    accept_days = models.PositiveSmallIntegerField(_("accept within (working days)"), default=1)
    reply_days = models.PositiveSmallIntegerField(_("reply within (working days)"), default=3)
    resolve_days = models.PositiveSmallIntegerField(_("resolve within (working days)"), default=15)
    route_to = models.CharField(
        _("route to"), max_length=20, choices=Handler.choices, default=Handler.UNIT
    )
    provider = models.ForeignKey(
        "partners.ServiceProvider",
        verbose_name=_("service provider"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("category service level")
        verbose_name_plural = _("category service levels")
        ordering = ["category"]

    def __str__(self) -> str:
        return self.category


class ServiceRequest(models.Model):
    class Status(models.TextChoices):
        FILED = "filed", _("Awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted, awaiting reply")
        REPLIED = "replied", _("In progress")
        WAITING = "waiting", _("Waiting for the enterprise")
        ANSWERED = "answered", _("Answered, awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed, awaiting rating")
        RATED = "rated", _("Rated")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone call")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    # The enterprise's unit when filed: scoping and figures without a join.
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("request text"), max_length=5000)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.FILED, db_index=True
    )
    handler = models.CharField(
        _("handled by"), max_length=20, choices=Handler.choices, default=Handler.UNIT
    )
    provider = models.ForeignKey(
        "partners.ServiceProvider",
        verbose_name=_("service provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
    )
    # Working-day limits copied from the category's service level when filed.
    accept_days = models.PositiveSmallIntegerField(_("accept within (working days)"), default=1)
    reply_days = models.PositiveSmallIntegerField(_("reply within (working days)"), default=3)
    resolve_days = models.PositiveSmallIntegerField(_("resolve within (working days)"), default=15)
    extended = models.BooleanField(_("extended"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # Kept in step with the engine's clocks by the service: the 督办 list and figures read these.
    due_on = models.DateField(_("next due date"), null=True, blank=True)
    accept_on_time = models.BooleanField(_("accepted on time"), null=True)
    reply_on_time = models.BooleanField(_("replied on time"), null=True)
    resolve_on_time = models.BooleanField(_("resolved on time"), null=True)
    answer = models.TextField(_("written answer"), blank=True)
    last_reason = models.CharField(_("reason"), max_length=2000, blank=True)
    filed_by = models.ForeignKey(
        USER, verbose_name=_("filed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filed_on = models.DateField(_("filed on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            # due_on is set only while a clock runs (open, not waiting), so the 督办 list is a
            # range on due_on alone: no status term, no OR, index order, no sort.
            models.Index(fields=["due_on", "id"], name="svc_req_due"),
            models.Index(fields=["unit", "due_on"], name="svc_req_unit_due"),
            models.Index(fields=["unit", "status"], name="svc_req_unit_status"),
            models.Index(fields=["provider", "status"], name="svc_req_provider_status"),
            models.Index(fields=["filed_on"], name="svc_req_filed_on"),
            models.Index(fields=["unit", "category", "filed_on"], name="svc_req_unit_cat_filed"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


OPEN_STATUSES = frozenset(
    {
        ServiceRequest.Status.FILED,
        ServiceRequest.Status.ACCEPTED,
        ServiceRequest.Status.REPLIED,
        ServiceRequest.Status.WAITING,
    }
)


class RequestAttachment(models.Model):
    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="servicedesk/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["request", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class RequestEvent(models.Model):
    """The request's timeline: every transition and hand-off with its reason."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    handler = models.CharField(_("handled by"), max_length=20, blank=True)
    provider = models.ForeignKey(
        "partners.ServiceProvider",
        verbose_name=_("service provider"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        USER, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["request", "created_at", "id"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"

    @property
    def action_label(self) -> str:
        from .workflow import SERVICE_REQUEST

        transition = SERVICE_REQUEST.transitions.get(self.action)
        if transition is not None:
            return str(transition.label)
        return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "file": _("Filed"),
    "route": _("Handed over"),
    "escalate": _("Escalated (overdue)"),
    "extension_request": _("Extension requested"),
    "extension_approve": _("Extension approved"),
    "extension_refuse": _("Extension refused"),
}


class ExtensionRequest(models.Model):
    """A handler asks for the resolve limit to be extended (to 30 days); the city decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    reason = models.CharField(_("reason"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        USER, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="pending"), name="svc_one_pending_extension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY = "fairly", _("Fairly satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RequestRating(models.Model):
    request = models.OneToOneField(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="rating",
    )
    level = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    provider = models.ForeignKey(
        "partners.ServiceProvider",
        verbose_name=_("service provider"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_by = models.ForeignKey(
        USER, verbose_name=_("rated by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rated_on = models.DateField(_("rated on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("request rating")
        verbose_name_plural = _("request ratings")

    def __str__(self) -> str:
        return f"{self.request_id} {self.level}"


class Callback(models.Model):
    """The bureau calls back a sample of closed requests and records what it heard."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="callbacks",
    )
    level = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    note = models.CharField(_("call notes"), max_length=2000)
    called_by = models.ForeignKey(
        USER, verbose_name=_("called by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    called_on = models.DateField(_("called on"), default=timezone.localdate)

    class Meta:
        ordering = ["-called_on", "-id"]
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")

    def __str__(self) -> str:
        return f"{self.request_id} {self.called_on}"


# ------------------------------------------------------------------ providers


class FeePolicy(models.TextChoices):
    FREE = "free", _("Free")
    INCLUSIVE = "inclusive", _("Inclusive (普惠) price")
    MARKET = "market", _("Market price")


class ProviderListing(models.Model):
    """An organisation's application to join the service centre and, once published, its listing."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    platforms = models.JSONField(_("service platforms"), default=list)
    functions = models.JSONField(_("service functions"), default=list)
    qualifications = models.TextField(_("qualifications"), max_length=3000, blank=True)
    fee_policy = models.CharField(_("fee policy"), max_length=12, choices=FeePolicy.choices)
    fee_note = models.CharField(_("fee details"), max_length=500, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    # A person's phone: SM4-encrypted at rest, revealed to the reviewing city officer (ADR 0017).
    contact_phone = EncryptedTextField(
        _("contact phone"), max_length=30, blank=True, kind="phone", reveal_roles=("city_officer",)
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    review_note = models.CharField(_("review note"), max_length=1000, blank=True)
    provider = models.OneToOneField(
        "partners.ServiceProvider",
        verbose_name=_("service provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listing",
    )
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        USER, verbose_name=_("reviewed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("provider listing")
        verbose_name_plural = _("provider listings")

    def __str__(self) -> str:
        return self.name


class ProviderHonour(models.Model):
    """A 示范平台 level or an incentive the bureau recorded for a provider."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National demonstration platform")
        PROVINCIAL = "provincial", _("Provincial demonstration platform")
        MUNICIPAL = "municipal", _("Municipal demonstration platform")
        INCENTIVE = "incentive", _("Incentive")

    provider = models.ForeignKey(
        "partners.ServiceProvider",
        verbose_name=_("service provider"),
        on_delete=models.CASCADE,
        related_name="honours",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    amount_yuan = models.DecimalField(_("incentive (yuan)"), **MONEY, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("provider honour")
        verbose_name_plural = _("provider honours")

    def __str__(self) -> str:
        return f"{self.provider_id} {self.year} {self.level}"


# ------------------------------------------------------------------ events


class ServiceEvent(models.Model):
    class Kind(models.TextChoices):
        SALON = "salon", _("Salon")
        TRAINING = "training", _("Training")
        MATCHMAKING = "matchmaking", _("Matchmaking meeting")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"))
    provider = models.ForeignKey(
        "partners.ServiceProvider",
        verbose_name=_("service provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_events",
    )
    manager_training = models.BooleanField(
        _("counts as management training (二(八))"), default=False
    )
    published_by = models.ForeignKey(
        USER, verbose_name=_("published by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("service event")
        verbose_name_plural = _("service events")

    def __str__(self) -> str:
        return self.title


class EventRegistration(models.Model):
    event = models.ForeignKey(
        ServiceEvent,
        verbose_name=_("service event"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    attendee = models.CharField(_("attendee"), max_length=50)
    token = models.CharField(_("check-in code"), max_length=40, unique=True)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (1-5)"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["event", "registered_at", "id"]
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "enterprise"], name="svc_one_registration"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.enterprise_id}"


# ------------------------------------------------------------------ knowledge base


class Article(models.Model):
    """An answer written once, or a 申兑指南 for a policy package in force."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        GUIDE = "guide", _("Application guide")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), max_length=20000, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    program_id = models.CharField(_("policy program"), max_length=80, blank=True, db_index=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    # Policy program ids an article explains (a guide's own package is `program_id`).
    linked_programs = models.JSONField(_("linked policy packages"), default=list, blank=True)
    # 申兑指南 fields (who, conditions, amount, materials, time limit, office and phone).
    who = models.CharField(_("who may apply"), max_length=500, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    amount = models.CharField(_("amount"), max_length=500, blank=True)
    materials = models.TextField(_("materials"), blank=True)
    time_limit = models.CharField(_("time limit"), max_length=200, blank=True)
    office = models.CharField(_("office"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    source_request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("written from request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")

    def __str__(self) -> str:
        return self.title


# ------------------------------------------------------------------ clusters


class ClusterTown(models.Model):
    """An industry-cluster town or park and its "五个一" public-service elements (二(三))."""

    class Kind(models.TextChoices):
        TOWN = "town", _("Industry-cluster town")
        PARK = "park", _("Industrial park")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TOWN)
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        verbose_name=_("assessment unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    industry = models.CharField(_("main industry"), max_length=100, blank=True)
    financing_institution = models.ForeignKey(
        "partners.FinancialInstitution",
        verbose_name=_("financing service institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    service_platform = models.ForeignKey(
        "partners.ServiceProvider",
        verbose_name=_("SME public service platform"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tech_centre_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise with a provincial technology or design centre"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    regional_brand = models.CharField(_("regional brand"), max_length=100, blank=True)
    association = models.CharField(_("professional association"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("industry cluster")
        verbose_name_plural = _("industry clusters")

    def __str__(self) -> str:
        return self.name

    @property
    def missing(self) -> list[str]:
        """The "五个一" elements not yet in place."""
        out = []
        if self.financing_institution_id is None:
            out.append(str(_("financing service institution")))
        if self.service_platform_id is None:
            out.append(str(_("SME public service platform")))
        if self.tech_centre_enterprise_id is None:
            out.append(str(_("enterprise with a provincial technology or design centre")))
        if not self.regional_brand:
            out.append(str(_("regional brand")))
        if not self.association:
            out.append(str(_("professional association")))
        return out


class RequestMonthStat(models.Model):
    """Pre-aggregated figures: one row per month filed, unit, provider and category.

    Kept by the services (each change recomputes its request's row) and rebuilt in one pass by
    `stats_rebuild`; the figures page sums these rows instead of scanning every request.
    """

    month = models.DateField(_("month"))
    unit_id = models.BigIntegerField(_("assessment unit"))
    provider_key = models.BigIntegerField(_("service provider"), default=0)  # 0: none
    category = models.CharField(_("category"), max_length=20)
    filed = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    accept_met = models.PositiveIntegerField(default=0)
    accept_done = models.PositiveIntegerField(default=0)
    reply_met = models.PositiveIntegerField(default=0)
    reply_done = models.PositiveIntegerField(default=0)
    resolve_met = models.PositiveIntegerField(default=0)
    resolve_done = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly request figures")
        verbose_name_plural = _("monthly request figures")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit_id", "provider_key", "category"], name="svc_month_stat_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.unit_id} {self.provider_key} {self.category}"
