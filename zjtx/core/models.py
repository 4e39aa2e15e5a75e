import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One append-only, hash-chained entry of the audit trail (等保2.0 8.1.4.3)."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")

    class HashAlg(models.TextChoices):
        SHA256 = "sha256", "SHA-256"
        HMAC_SHA256 = "hmac-sha256", "HMAC-SHA256"

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True, db_index=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request ID"), max_length=36, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # How `hash` was computed: rows written before the keyed chain stay "sha256" and verify
    # the old way; a "sha256" row after an "hmac-sha256" row is a downgrade (ADR 0003).
    hash_alg = models.CharField(max_length=16, default=HashAlg.SHA256, choices=HashAlg.choices)
    # The id of the HMAC key that signed a keyed row (ADR 0003, rotation); blank is key "0".
    key_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("audit events are append-only")


class AuditChainHead(models.Model):
    """Single row locked while an event is appended, so that the chain never forks."""

    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_hash[:12]}…"


class WorkingDayOverride(models.Model):
    """An official holiday or 调休 workday the chinesecalendar package does not know (DOMAIN §9).

    An override wins over the package, so an administrator can enter next year's State Council
    calendar as soon as it is published, or correct a local exception.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (no work)")
        WORKDAY = "workday", _("Adjusted workday (调休)")

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"


class DocumentCounter(models.Model):
    """The last number used per issuer (机关代字 or another series) and year; locked to issue."""

    issuer = models.CharField(_("issuer"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document number counter")
        verbose_name_plural = _("document number counters")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="document_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issuer}〔{self.year}〕{self.last_number}"


class IssuedDocumentNumber(models.Model):
    """Every number handed out, so gaps and duplicates can be checked (GB/T 9704-2012 发文字号)."""

    issuer = models.CharField(_("issuer"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    text = models.CharField(_("document number"), max_length=80, unique=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("issued document number")
        verbose_name_plural = _("issued document numbers")
        ordering = ["issuer", "year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"], name="issued_document_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Notification(models.Model):
    """An in-app message to one user: what now waits for them, or the outcome of their case."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class WorkflowClock(models.Model):
    """One working-day deadline on one object of a workflow (zjtx/core/workflow.py).

    Started, paused and stopped by the engine as the object moves; `breached_on` is set by the
    daily sweep when a running clock passes its due date, so overdue lists need no computation.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        MET = "met", _("Met")
        BREACHED = "breached", _("Breached")

    workflow = models.CharField(_("workflow"), max_length=60)
    object_id = models.CharField(_("object"), max_length=40)
    clock = models.CharField(_("clock"), max_length=40)
    role = models.CharField(_("owed by role"), max_length=20)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("due on"))
    paused_on = models.DateField(_("paused on"), null=True, blank=True)
    remaining_days = models.PositiveIntegerField(_("working days left"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    breached_on = models.DateField(_("breached on"), null=True, blank=True)
    # Whose clock it is, for "what is overdue for whom" without joining every workflow's table.
    unit_id = models.BigIntegerField(_("unit"), null=True, blank=True)
    enterprise_id = models.BigIntegerField(_("enterprise"), null=True, blank=True)
    assignee_id = models.BigIntegerField(_("assignee"), null=True, blank=True)

    class Meta:
        verbose_name = _("workflow clock")
        verbose_name_plural = _("workflow clocks")
        indexes = [
            models.Index(fields=["workflow", "object_id", "clock"]),
            models.Index(fields=["state", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.workflow}:{self.object_id}:{self.clock}"


class NotificationPreference(models.Model):
    """Whether one kind of notice also reaches a person by e-mail or SMS (in-app is always on).

    No row means the kind's default (zjtx/core/notifications.py KINDS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind of notice"), max_length=40)
    email = models.BooleanField(_("by e-mail"), default=False)
    sms = models.BooleanField(_("by SMS"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_user_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"


class OutboundMessage(models.Model):
    """One e-mail or SMS attempt after a notice: sent, logged by the logging SMS sender, or failed.

    The outbox lets operators see who was told outside the application and why a send failed."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail message")
        SMS = "sms", _("SMS message")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        LOGGED = "logged", _("Logged (no gateway)")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("delivery channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=254)
    kind = models.CharField(_("kind of notice"), max_length=40, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["channel", "status"])]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}:{self.status}"


class ReminderSent(models.Model):
    """One deadline reminder already sent, so the daily job sends each reminder once."""

    key = models.CharField(_("reminder"), max_length=200, unique=True)
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return self.key


class BackgroundJob(models.Model):
    """One piece of long work (an import, a scan, a report) run by the task backend.

    The status is a run status, not a workflow people move: queued → running → succeeded/failed.
    A failed job is retried by starting a new job with the same parameters (`retry_of`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", pgettext_lazy("job status", "Running")
        SUCCEEDED = "succeeded", pgettext_lazy("job status", "Finished")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    result_summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="background_jobs",
    )
    unit = models.ForeignKey(
        "reference.AssessmentUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))
