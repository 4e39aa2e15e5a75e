"""Knowledge base upkeep: the city writes and edits articles and 申兑指南 (enterprises only read).

The model keeps no author, so only a city officer maintains the knowledge base; any other
actor gets a 404 (the page is not theirs to know about).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_record
from zjtx.core.errors import ErrorCode, NotFound

from .errors import ServiceConflict, ServiceError, ServiceErrorCode
from .models import Article, Category

# 申兑指南 fields: (name, max length or None for text, translated label for messages).
GUIDE_FIELDS = ("who", "conditions", "amount", "materials", "time_limit", "office", "phone")
_LIMITS = {
    "who": 500,
    "conditions": 5000,
    "amount": 500,
    "materials": 5000,
    "time_limit": 200,
    "office": 200,
    "phone": 30,
}


def may_maintain(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and getattr(actor, "role", "") == (
        Role.CITY_OFFICER
    )


def _require(actor: Any) -> None:
    require_role(actor, Role.CITY_OFFICER, hide=True)


def _program_ids() -> set[str]:
    from zjtx.policy.selectors import program_list

    return {p.id for p in program_list()}


def _invalid(fields: dict[str, str]) -> ServiceError:
    return ServiceError(
        ServiceErrorCode.INVALID_INPUT, _("The request has invalid fields."), fields
    )


def _snapshot(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "category": article.category,
        "program_id": article.program_id,
        "linked_programs": list(article.linked_programs or []),
        "body": article.body[:200],
        **{name: str(getattr(article, name))[:200] for name in GUIDE_FIELDS},
    }


def _check_title(title: str, fields: dict[str, str]) -> str:
    title = (title or "").strip()
    if not title or len(title) > 200:
        fields["title"] = _("Enter a title (at most 200 characters).")
    return title


@transaction.atomic
def article_save(
    *,
    actor: Any,
    title: str,
    body: str,
    category: str = "",
    linked_programs: list[str] | None = None,
    keywords: str = "",
    article: Article | None = None,
) -> Article:
    """Create (article=None) or edit a knowledge article: title, body, category, packages."""
    _require(actor)
    if article is not None and article.kind != Article.Kind.ARTICLE:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    fields: dict[str, str] = {}
    title = _check_title(title, fields)
    body = (body or "").strip()
    if not body:
        fields["body"] = _("Enter the body of the article.")
    elif len(body) > 20000:
        fields["body"] = _("The body is at most 20000 characters.")
    if category and category not in Category.values:
        fields["category"] = _("Choose a category from the list.")
    programs = sorted({p.strip() for p in (linked_programs or []) if p and p.strip()})
    unknown = [p for p in programs if p not in _program_ids()]
    if unknown:
        fields["linked_programs"] = _("Unknown policy package: %(ids)s") % {
            "ids": "、".join(unknown)
        }
    if len((keywords or "").strip()) > 300:
        fields["keywords"] = _("The keywords are at most 300 characters.")
    if fields:
        raise _invalid(fields)
    before = None if article is None else _snapshot(article)
    if article is None:
        article = Article(kind=Article.Kind.ARTICLE)
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
    article.title = title
    article.body = body
    article.category = category
    article.linked_programs = programs
    article.keywords = (keywords or "").strip()
    article.updated_at = timezone.now()
    article.save()
    audit_record(
        actor=actor,
        action="servicedesk.article.create" if before is None else "servicedesk.article.update",
        obj=article,
        before=before,
        after=_snapshot(article),
    )
    return article


@transaction.atomic
def guide_save(
    *,
    actor: Any,
    program_id: str,
    values: dict[str, str],
    title: str = "",
    body: str = "",
    guide: Article | None = None,
) -> Article:
    """Create or edit the 申兑指南 of one policy package (one guide per package)."""
    _require(actor)
    if guide is not None and guide.kind != Article.Kind.GUIDE:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    fields: dict[str, str] = {}
    program_id = (program_id or "").strip()
    if program_id not in _program_ids():
        fields["program_id"] = _("Choose a policy package from the list.")
    elif (
        Article.objects.filter(kind=Article.Kind.GUIDE, program_id=program_id)
        .exclude(pk=guide.pk if guide is not None else 0)
        .exists()
    ):
        raise ServiceConflict(
            ServiceErrorCode.GUIDE_EXISTS,
            _("This policy package already has an application guide."),
            {"program_id": _("This policy package already has an application guide.")},
        )
    cleaned: dict[str, str] = {}
    messages = {
        "who": _("Enter who may apply."),
        "conditions": _("Enter the conditions."),
        "amount": _("Enter the amount."),
        "materials": _("Enter the materials to hand in."),
        "time_limit": _("Enter the time limit."),
        "office": _("Enter the office that handles it."),
        "phone": _("Enter the office's phone number."),
    }
    for name in GUIDE_FIELDS:
        value = str(values.get(name) or "").strip()
        if not value:
            fields[name] = messages[name]
        elif len(value) > _LIMITS[name]:
            fields[name] = _("At most %(n)s characters.") % {"n": _LIMITS[name]}
        cleaned[name] = value
    phone = cleaned["phone"]
    if phone and "phone" not in fields and not all(c.isdigit() or c in "-+ ()" for c in phone):
        fields["phone"] = _("The phone number may hold only digits, spaces and hyphens.")
    title = (title or "").strip()
    if len(title) > 200:
        fields["title"] = _("Enter a title (at most 200 characters).")
    body = (body or "").strip()
    if len(body) > 20000:
        fields["body"] = _("The body is at most 20000 characters.")
    if fields:
        raise _invalid(fields)
    if not title:
        from zjtx.policy.models import PolicyProgram

        program = PolicyProgram.objects.get(pk=program_id)
        title = _("%(package)s application guide") % {"package": program.title}
        title = title[:200]
    before = None if guide is None else _snapshot(guide)
    if guide is None:
        guide = Article(kind=Article.Kind.GUIDE, category=Category.POLICY_REDEMPTION)
    else:
        guide = Article.objects.select_for_update().get(pk=guide.pk)
    guide.program_id = program_id
    guide.title = title
    guide.body = body
    for name, value in cleaned.items():
        setattr(guide, name, value)
    guide.updated_at = timezone.now()
    guide.save()
    audit_record(
        actor=actor,
        action="servicedesk.guide.create" if before is None else "servicedesk.guide.update",
        obj=guide,
        before=before,
        after=_snapshot(guide),
    )
    return guide
