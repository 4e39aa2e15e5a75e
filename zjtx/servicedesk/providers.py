"""Service providers: joining (listing), review and publication, honours and the yearly ranking.

Seed 二(五): "建立健全评价和激励机制 … 争创一批国家级和省级中小企业公共服务示范平台".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core import credit_code
from zjtx.core.audit import audit_record
from zjtx.core.errors import ErrorCode, NotFound
from zjtx.partners.models import ServiceProvider

from .errors import ServiceConflict, ServiceError, ServiceErrorCode
from .models import (
    SERVICE_FUNCTIONS,
    EventRegistration,
    FeePolicy,
    ProviderHonour,
    ProviderListing,
    RequestRating,
    Satisfaction,
    ServiceRequest,
)

PLATFORMS = tuple(ServiceProvider.Platform.values)
CLOSED = (
    ServiceRequest.Status.ANSWERED,
    ServiceRequest.Status.CONFIRMED,
    ServiceRequest.Status.RATED,
)


@transaction.atomic
def listing_submit(
    *,
    actor: Any,
    name: str,
    credit_code_raw: str,
    platforms: Iterable[str],
    functions: Iterable[str],
    fee_policy: str,
    qualifications: str = "",
    fee_note: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> ProviderListing:
    """An organisation applies to join the service centre (a provider user, or the city for it)."""
    if getattr(actor, "role", "") not in (Role.PROVIDER, Role.CITY_OFFICER):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    platforms, functions = list(platforms), list(functions)
    fields: dict[str, str] = {}
    if not (name or "").strip() or len(name.strip()) > 200:
        fields["name"] = _("Enter the organisation's name (at most 200 characters).")
    code = credit_code.check(credit_code_raw)
    if not code.valid:
        fields["credit_code"] = credit_code.first_error_message(code)
    if not platforms or any(p not in PLATFORMS for p in platforms):
        fields["platforms"] = _("Choose at least one of the six service platforms.")
    if not functions or any(f not in SERVICE_FUNCTIONS for f in functions):
        fields["functions"] = _("Choose at least one of the eight service functions.")
    if fee_policy not in FeePolicy.values:
        fields["fee_policy"] = _("Choose free, inclusive price or market price.")
    if fields:
        raise ServiceError(
            ServiceErrorCode.INVALID_INPUT, _("The request has invalid fields."), fields
        )
    if ProviderListing.objects.filter(
        credit_code=code.normalized, status=ProviderListing.Status.SUBMITTED
    ).exists():
        raise ServiceConflict(
            ServiceErrorCode.PROVIDER_EXISTS,
            _("An application with this credit code is awaiting review."),
            {"credit_code": code.normalized},
        )
    listing = ProviderListing.objects.create(
        name=name.strip(),
        credit_code=code.normalized,
        platforms=sorted(set(platforms), key=PLATFORMS.index),
        functions=sorted(set(functions), key=SERVICE_FUNCTIONS.index),
        fee_policy=fee_policy,
        qualifications=(qualifications or "").strip()[:3000],
        fee_note=(fee_note or "").strip()[:500],
        contact_name=(contact_name or "").strip()[:50],
        contact_phone=(contact_phone or "").strip()[:30],
        submitted_by=actor,
        provider=getattr(actor, "provider", None) if actor.role == Role.PROVIDER else None,
    )
    audit_record(
        actor=actor,
        action="servicedesk.provider.submit",
        obj=listing,
        after={"name": listing.name, "credit_code": listing.credit_code},
    )
    return listing


@transaction.atomic
def listing_review(
    *, listing: ProviderListing, publish: bool, actor: Any, note: str = ""
) -> ProviderListing:
    """The city officer publishes a listing (the provider becomes active) or rejects it."""
    if getattr(actor, "role", "") != Role.CITY_OFFICER:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    locked = ProviderListing.objects.select_for_update().get(pk=listing.pk)
    if locked.status != ProviderListing.Status.SUBMITTED:
        raise ServiceConflict(
            ServiceErrorCode.ALREADY_DECIDED, _("The application was already decided.")
        )
    if not publish and not (note or "").strip():
        raise ServiceError(
            ServiceErrorCode.REASON_REQUIRED,
            _("A written reason is required."),
            {"note": _("Required")},
        )
    if publish:
        provider = locked.provider or ServiceProvider.objects.filter(name=locked.name).first()
        if provider is None:
            provider = ServiceProvider(name=locked.name)
        provider.platform = locked.platforms[0]
        provider.credit_code = locked.credit_code
        provider.is_active = True
        provider.save()
        # One listing per provider: a newer one replaces the published one.
        ProviderListing.objects.filter(provider=provider).exclude(pk=locked.pk).update(
            provider=None
        )
        locked.provider = provider
        locked.status = ProviderListing.Status.PUBLISHED
    else:
        locked.status = ProviderListing.Status.REJECTED
    locked.review_note = (note or "").strip()[:1000]
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action="servicedesk.provider.review",
        obj=locked,
        after={"status": locked.status, "provider": locked.provider_id, "note": locked.review_note},
    )
    return locked


@transaction.atomic
def honour_record(
    *,
    provider: ServiceProvider,
    year: int,
    level: str,
    actor: Any,
    amount_yuan: Decimal | None = None,
    note: str = "",
) -> ProviderHonour:
    """The bureau marks a 示范平台 level or records an incentive for a provider."""
    if getattr(actor, "role", "") != Role.CITY_OFFICER:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if level not in ProviderHonour.Level.values:
        raise ServiceError(
            ServiceErrorCode.INVALID_INPUT,
            _("The request has invalid fields."),
            {"level": _("Not in the list")},
        )
    honour = ProviderHonour.objects.create(
        provider=provider,
        year=year,
        level=level,
        amount_yuan=amount_yuan,
        note=(note or "").strip()[:500],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="servicedesk.provider.honour",
        obj=provider,
        after={"year": year, "level": level, "amount_yuan": amount_yuan},
    )
    return honour


@dataclass
class RankingRow:
    provider: ServiceProvider
    handled: int
    on_time: int
    rated: int
    satisfied: int
    events: int
    attendance: int
    rank: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.on_time, self.handled)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _rate(self.satisfied, self.rated)

    @property
    def score(self) -> Decimal:
        """40% on time, 40% satisfaction, 20% volume (10 handled requests or more score full)."""
        on_time = self.on_time_rate or Decimal(0)
        satisfied = self.satisfaction_rate or Decimal(0)
        volume = Decimal(min(self.handled + self.attendance // 10, 10) * 10)
        return (
            on_time * Decimal("0.4") + satisfied * Decimal("0.4") + volume * Decimal("0.2")
        ).quantize(Decimal("0.1"))


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def provider_ranking(*, year: int) -> list[RankingRow]:
    """Every active provider's figures for `year` and its rank by score (ties by name)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    handled = dict(
        ServiceRequest.objects.filter(
            provider__isnull=False, status__in=CLOSED, closed_on__range=(start, end)
        )
        .values_list("provider_id")
        .annotate(n=Count("id"))
    )
    on_time = dict(
        ServiceRequest.objects.filter(
            provider__isnull=False,
            status__in=CLOSED,
            closed_on__range=(start, end),
            resolve_on_time=True,
        )
        .values_list("provider_id")
        .annotate(n=Count("id"))
    )
    ratings = {
        row["provider_id"]: row
        for row in RequestRating.objects.filter(
            provider__isnull=False, rated_on__range=(start, end)
        )
        .values("provider_id")
        .annotate(
            n=Count("id"),
            ok=Count("id", filter=Q(level__in=(Satisfaction.SATISFIED, Satisfaction.FAIRLY))),
        )
    }
    events = {
        row["event__provider_id"]: row
        for row in EventRegistration.objects.filter(
            event__provider__isnull=False, event__starts_at__year=year
        )
        .values("event__provider_id")
        .annotate(
            n=Count("event_id", distinct=True),
            came=Count("id", filter=Q(checked_in_at__isnull=False)),
        )
    }
    rows = []
    for provider in ServiceProvider.objects.filter(is_active=True):
        r, e = ratings.get(provider.pk, {}), events.get(provider.pk, {})
        rows.append(
            RankingRow(
                provider=provider,
                handled=handled.get(provider.pk, 0),
                on_time=on_time.get(provider.pk, 0),
                rated=r.get("n", 0),
                satisfied=r.get("ok", 0),
                events=e.get("n", 0),
                attendance=e.get("came", 0),
            )
        )
    rows.sort(key=lambda row: (-row.score, row.provider.name))
    for i, row in enumerate(rows, 1):
        row.rank = i
    return rows


@transaction.atomic
def cluster_save(
    *,
    actor: Any,
    name: str,
    kind: str,
    unit_id: int,
    industry: str = "",
    financing_institution_id: int | None = None,
    service_platform_id: int | None = None,
    tech_centre_credit_code: str = "",
    regional_brand: str = "",
    association: str = "",
) -> Any:
    """The city records a cluster town or park and its "五个一" (二(三)); a name is one cluster."""
    from zjtx.enterprises.models import Enterprise
    from zjtx.partners.models import FinancialInstitution
    from zjtx.reference.models import AssessmentUnit

    from .models import ClusterTown

    if getattr(actor, "role", "") != Role.CITY_OFFICER:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    fields: dict[str, str] = {}
    if not (name or "").strip() or len(name.strip()) > 100:
        fields["name"] = _("Enter the cluster's name (at most 100 characters).")
    if kind not in ClusterTown.Kind.values:
        fields["kind"] = _("Not in the list")
    unit = AssessmentUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        fields["unit"] = _("Not in the list")
    institution = (
        FinancialInstitution.objects.filter(pk=financing_institution_id).first()
        if financing_institution_id
        else None
    )
    if financing_institution_id and institution is None:
        fields["financing_institution"] = _("Not in the list")
    platform = (
        ServiceProvider.objects.filter(pk=service_platform_id, is_active=True).first()
        if service_platform_id
        else None
    )
    if service_platform_id and platform is None:
        fields["service_platform"] = _("Choose an active service provider.")
    enterprise = None
    if (tech_centre_credit_code or "").strip():
        enterprise = Enterprise.objects.filter(
            credit_code=credit_code.normalize(tech_centre_credit_code)
        ).first()
        if enterprise is None:
            fields["tech_centre_enterprise"] = _("No enterprise with this credit code.")
    if fields:
        raise ServiceError(
            ServiceErrorCode.INVALID_INPUT, _("The request has invalid fields."), fields
        )
    cluster, created = ClusterTown.objects.update_or_create(
        name=name.strip(),
        defaults={
            "kind": kind,
            "unit": unit,
            "industry": (industry or "").strip()[:100],
            "financing_institution": institution,
            "service_platform": platform,
            "tech_centre_enterprise": enterprise,
            "regional_brand": (regional_brand or "").strip()[:100],
            "association": (association or "").strip()[:100],
        },
    )
    audit_record(
        actor=actor,
        action="servicedesk.cluster.save",
        obj=cluster,
        after={"created": created, "missing": cluster.missing},
    )
    return cluster
