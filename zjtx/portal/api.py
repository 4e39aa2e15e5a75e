"""Public portal: the JSON API (no login; only published data)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from zjtx.core.api_schemas import ERRORS
from zjtx.core.errors import ErrorCode, NotFound

from . import selectors
from .errors import PortalError, PortalErrorCode
from .policies import PolicyCard, policy_card, policy_cards, tag_labels

router = Router(tags=["portal"])


class PolicyTagOut(Schema):
    key: str
    label: str


class PublicPolicyOut(Schema):
    id: str
    title: str
    kind: str
    kind_label: str
    tags: list[PolicyTagOut]
    who: str
    amount: list[str] = Field(description="Amounts and rates the clause sets, in 万元 and %")
    document: str
    clause: str
    effective_from: date
    effective_to: date | None


class PublicPolicyDetailOut(PublicPolicyOut):
    conditions: list[str]
    materials: list[str]
    time_limit: str
    office: str
    phone: str
    clause_text: str
    once_only: bool


class PublicPolicyQuery(Schema):
    q: str = Field("", max_length=100, description="Words the policy must contain")
    tag: str = Field("", max_length=30, description="A tag key from the list's tags")


class CertifiedQuery(Schema):
    year: str = Field("", max_length=10, description="Year of the certification round")
    tier: str = Field(
        "",
        max_length=30,
        description="Tier key: innovative, municipal, provincial, little_giant or champion",
    )


class CertifiedOut(Schema):
    name: str
    credit_code: str
    unit: str
    year: int
    tier: str
    tier_label: str
    certificate_number: str
    certified_on: date | None
    valid_until: date | None
    decision_number: str
    published_by: str


class PublicReportOut(Schema):
    year: int
    title: str
    published_at: datetime | None
    docx_url: str
    pdf_url: str


def _policy_out(card: PolicyCard, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": card.id,
        "title": card.title,
        "kind": card.kind,
        "kind_label": card.kind_label,
        "tags": [{"key": t.key, "label": t.label} for t in card.tags],
        "who": card.who,
        "amount": card.amount_lines,
        "document": card.document,
        "clause": card.clause,
        "effective_from": card.effective_from,
        "effective_to": card.effective_to,
    }
    if detail:
        data.update(
            conditions=card.conditions,
            materials=card.materials,
            time_limit=card.time_limit,
            office=card.office,
            phone=card.phone,
            clause_text=card.clause_text,
            once_only=card.once_only,
        )
    return data


@router.get(
    "/public/policies",
    response={200: list[PublicPolicyOut], **ERRORS},
    auth=None,
    url_name="public-policies",
)
def public_policies(
    request: HttpRequest, filters: Query[PublicPolicyQuery]
) -> list[dict[str, Any]]:
    """Every policy in force, in plain language; `q` searches, `tag` filters."""
    tag = filters.tag.strip()
    if tag and tag not in tag_labels():
        raise PortalError(
            PortalErrorCode.INVALID_TAG,
            _("Unknown tag; choose one from the list."),
            {"tag": _("Not in the list")},
        )
    return [_policy_out(c) for c in policy_cards(q=filters.q, tag=tag)]


@router.get(
    "/public/policies/{program_id}",
    response={200: PublicPolicyDetailOut, **ERRORS},
    auth=None,
    url_name="public-policy",
)
def public_policy(request: HttpRequest, program_id: str) -> dict[str, Any]:
    card = policy_card(program_id=program_id[:80])
    if card is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("No such policy in force."))
    return _policy_out(card, detail=True)


@router.get(
    "/public/certified",
    response={200: list[CertifiedOut], **ERRORS},
    auth=None,
    url_name="public-certified",
)
def public_certified(request: HttpRequest, filters: Query[CertifiedQuery]) -> list[Any]:
    """Enterprises on a published list that still hold the tier, by year and tier: the municipal
    tier by certification's decisions, the provincial, 小巨人, champion and 创新型 tiers as the
    city recorded them from the province's or the ministry's published lists."""
    year = selectors.parse_year(filters.year)
    tier = selectors.parse_tier(filters.tier)
    return list(selectors.certified_list(year=year, tier=tier))


@router.get(
    "/public/reports",
    response={200: list[PublicReportOut], **ERRORS},
    auth=None,
    url_name="public-reports",
)
def public_reports(request: HttpRequest) -> list[dict[str, Any]]:
    """Published annual development reports with their download links."""
    return [
        {
            "year": r.year,
            "title": r.title,
            "published_at": r.published_at,
            "docx_url": r.docx_url,
            "pdf_url": r.pdf_url or "",
        }
        for r in selectors.reports_published()
    ]
