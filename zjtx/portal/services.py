# mypy: disallow-untyped-defs
"""Writes for the portal: the city officer keeps news, case stories and contact cards.

Every change is audited; publishing and withdrawing run on the workflow engine
(`workflow.CONTENT`); anything that changes a public page clears the page cache after commit.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core import workflow as engine
from zjtx.core.audit import audit_record

from . import workflow
from .cache import pages_changed
from .errors import PortalError, PortalErrorCode
from .models import ContactCard, ContentEvent, ContentItem

if TYPE_CHECKING:
    from zjtx.accounts.models import User


LIMITS = {"title": 120, "summary": 300, "body": 20000, "enterprise_name": 200}
CARD_LIMITS = {"name": 120, "topics": 300, "address": 200, "phone": 30, "hours": 100}


def _require_city(actor: User) -> None:
    require_role(actor, Role.CITY_OFFICER, hide=True)


def _invalid(fields: dict[str, str]) -> PortalError:
    return PortalError(PortalErrorCode.INVALID_INPUT, _("The request has invalid fields."), fields)


def _snapshot(item: ContentItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "enterprise_name": item.enterprise_name,
        "publish_on": item.publish_on,
        "status": item.status,
        "body_length": len(item.body),
    }


def _clean_content(
    *, kind: str, title: str, summary: str, body: str, enterprise_name: str, publish_on: Any
) -> dict[str, Any]:
    fields: dict[str, str] = {}
    values = {
        "title": (title or "").strip(),
        "summary": (summary or "").strip(),
        "body": (body or "").strip(),
        "enterprise_name": (enterprise_name or "").strip(),
    }
    if kind not in ContentItem.Kind.values:
        fields["kind"] = _("Choose news or case story.")
    if not values["title"]:
        fields["title"] = _("Enter a title.")
    if not values["body"]:
        fields["body"] = _("Enter the text.")
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            fields[name] = _("At most %(n)s characters.") % {"n": limit}
    if kind == ContentItem.Kind.CASE and not values["enterprise_name"]:
        fields["enterprise_name"] = _("A case story names the enterprise it tells about.")
    day: date | None = publish_on if isinstance(publish_on, date) else None
    if day is None and publish_on not in (None, ""):
        try:
            day = date.fromisoformat(str(publish_on))
        except ValueError:
            fields["publish_on"] = _("Enter a date such as 2026-12-01.")
    if day is not None and not 2000 <= day.year <= 2100:
        fields["publish_on"] = _("Enter a date such as 2026-12-01.")
    if fields:
        raise _invalid(fields)
    cleaned: dict[str, Any] = dict(values)
    cleaned["kind"] = kind
    cleaned["publish_on"] = day or timezone.localdate()
    return cleaned


@transaction.atomic
def content_save(
    *,
    actor: User,
    kind: str,
    title: str,
    body: str,
    summary: str = "",
    enterprise_name: str = "",
    publish_on: Any = None,
    item: ContentItem | None = None,
) -> ContentItem:
    """Write a news item or case story (a new one is a draft); editing a published one shows at
    once. City officer only (二(五) the service centre's publicity)."""
    _require_city(actor)
    values = _clean_content(
        kind=kind,
        title=title,
        summary=summary,
        body=body,
        enterprise_name=enterprise_name,
        publish_on=publish_on,
    )
    if item is None:
        item = ContentItem(created_by=actor)
        before = None
        action = "create"
    else:
        item = ContentItem.objects.select_for_update().get(pk=item.pk)
        before = _snapshot(item)
        action = "edit"
    for name, value in values.items():
        setattr(item, name, value)
    item.updated_at = timezone.now()
    item.save()
    ContentEvent.objects.create(item=item, action=action, actor=actor)
    audit_record(
        actor=actor,
        action=f"portal.content_{action}",
        obj=item,
        before=before,
        after=_snapshot(item),
    )
    if item.status == ContentItem.Status.PUBLISHED:
        transaction.on_commit(pages_changed)
    return item


def content_transition(
    *, item: ContentItem, action: str, actor: User, reason: str = ""
) -> ContentItem:
    """Publish or withdraw an article (the table in workflow.CONTENT decides who and when)."""
    _require_city(actor)
    result: ContentItem = engine.run(
        workflow.CONTENT, item, action, actor=actor, reason=(reason or "").strip()[:300]
    )
    return result


def content_actions(item: ContentItem, actor: User) -> list[tuple[str, Any]]:
    """The moves the actor may make on the article now: (action, transition)."""
    role = str(getattr(actor, "role", ""))
    return [
        (name, t)
        for name, t in workflow.CONTENT.transitions.items()
        if item.status in t.sources and role in t.roles and t.manual
    ]


def _card_snapshot(card: ContactCard) -> dict[str, Any]:
    return {
        "name": card.name,
        "topics": card.topics,
        "address": card.address,
        "phone": card.phone,
        "hours": card.hours,
        "sort_order": card.sort_order,
        "is_published": card.is_published,
    }


@transaction.atomic
def contact_card_save(
    *,
    actor: User,
    name: str,
    phone: str,
    topics: str = "",
    address: str = "",
    hours: str = "",
    sort_order: Any = 0,
    is_published: bool = True,
    card: ContactCard | None = None,
) -> ContactCard:
    """Write an office's contact card; it shows on the portal and on policies without a guide."""
    _require_city(actor)
    values = {
        "name": (name or "").strip(),
        "phone": (phone or "").strip(),
        "topics": (topics or "").strip(),
        "address": (address or "").strip(),
        "hours": (hours or "").strip(),
    }
    fields: dict[str, str] = {}
    if not values["name"]:
        fields["name"] = _("Enter the office's name.")
    if not values["phone"]:
        fields["phone"] = _("Enter the office's phone number.")
    elif not all(c.isdigit() or c in "-+ ()" for c in values["phone"]):
        fields["phone"] = _("The phone number may hold only digits, spaces and hyphens.")
    for key, limit in CARD_LIMITS.items():
        if len(values[key]) > limit:
            fields[key] = _("At most %(n)s characters.") % {"n": limit}
    try:
        order = int(str(sort_order or 0))
        if not 0 <= order <= 999:
            raise ValueError
    except ValueError:
        fields["sort_order"] = _("Enter a whole number from 0 to 999.")
        order = 0
    if fields:
        raise _invalid(fields)
    if card is None:
        card = ContactCard()
        before = None
        action = "portal.contact_create"
    else:
        card = ContactCard.objects.select_for_update().get(pk=card.pk)
        before = _card_snapshot(card)
        action = "portal.contact_edit"
    for key, value in values.items():
        setattr(card, key, value)
    card.sort_order = order
    card.is_published = bool(is_published)
    card.updated_at = timezone.now()
    card.save()
    audit_record(actor=actor, action=action, obj=card, before=before, after=_card_snapshot(card))
    transaction.on_commit(pages_changed)
    return card


@transaction.atomic
def contact_card_delete(*, actor: User, card: ContactCard) -> None:
    _require_city(actor)
    before = _card_snapshot(card)
    audit_record(actor=actor, action="portal.contact_delete", obj=card, before=before, after=None)
    card.delete()
    transaction.on_commit(pages_changed)
