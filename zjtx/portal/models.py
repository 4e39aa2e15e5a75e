"""Public portal 易企网 (芜湖实施意见 二(五)): news and case stories, contact cards.

Everything else the portal shows (policies, 公示, certified lists, providers, events, reports)
belongs to other apps and is read through their selectors; only what is published is shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class ContentItem(models.Model):
    """A news item or a case story, written by the city officer; public once published."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        CASE = "case", _("Case story")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body"), max_length=20000)
    # A case story names the enterprise it tells about (shown as written, no link to records).
    enterprise_name = models.CharField(_("enterprise in the story"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_on = models.DateField(_("publication date"), default=timezone.localdate)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-publish_on", "-id"]
        verbose_name = _("portal article")
        verbose_name_plural = _("portal articles")
        indexes = [models.Index(fields=["status", "kind", "publish_on"])]

    def __str__(self) -> str:
        return self.title


class ContentEvent(models.Model):
    """One step in an article's history (written, edited, published, withdrawn), for the page."""

    item = models.ForeignKey(
        ContentItem, verbose_name=_("article"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20)
    actor = models.ForeignKey(
        USER, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article history entry")
        verbose_name_plural = _("article history")

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"


class ContactCard(models.Model):
    """An office the public may call: shown on the portal and on policy cards without a guide."""

    name = models.CharField(_("office"), max_length=120)
    topics = models.CharField(_("what it answers"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30)
    hours = models.CharField(_("office hours"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("shown on the portal"), default=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("contact card")
        verbose_name_plural = _("contact cards")

    def __str__(self) -> str:
        return self.name
