# mypy: disallow-untyped-defs
"""Reads for the public portal: only what is published, never personal data.

Other apps' public data comes through their own public selectors (certification's 公示,
decisions and certificates; the service centre's published listings and guides). Upcoming
service events have no public selector in the service centre, so the portal reads only their
public fields (title, kind, time, place, organiser) here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zjtx.accounts.models import Role
from zjtx.certification import selectors as cert
from zjtx.core.errors import ErrorCode, NotFound

from .errors import PortalError, PortalErrorCode
from .models import ContactCard, ContentEvent, ContentItem

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Status = ContentItem.Status
MIN_YEAR, MAX_YEAR = 2000, 2100
LIST_LIMIT = 500


# ------------------------------------------------------------------ news and case stories


def content_published(*, kind: str = "", today: date | None = None) -> QuerySet[ContentItem]:
    """Published items whose publication date has come, newest first."""
    today = today or timezone.localdate()
    qs = ContentItem.objects.filter(status=Status.PUBLISHED, publish_on__lte=today)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-publish_on", "-id")


def content_get_public(*, pk: int) -> ContentItem:
    found = content_published().filter(pk=pk).first()
    if found is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return found


def _is_city(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        getattr(user, "role", "") == Role.CITY_OFFICER and getattr(user, "is_active", False)
    )


def content_list_for(*, user: User, status: str = "", kind: str = "") -> QuerySet[ContentItem]:
    """Every article for the city officer; nothing for anyone else."""
    if not _is_city(user):
        return ContentItem.objects.none()
    qs = ContentItem.objects.select_related("created_by")
    if status in Status.values:
        qs = qs.filter(status=status)
    if kind in ContentItem.Kind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-updated_at", "-id")


def content_get_for(*, user: User, pk: int) -> ContentItem:
    found = content_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return found


def content_history(item: ContentItem) -> QuerySet[ContentEvent]:
    return item.events.select_related("actor").order_by("-created_at", "-id")


def contact_cards_public() -> QuerySet[ContactCard]:
    return ContactCard.objects.filter(is_published=True).order_by("sort_order", "id")


def contact_cards_for(*, user: User) -> QuerySet[ContactCard]:
    if not _is_city(user):
        return ContactCard.objects.none()
    return ContactCard.objects.order_by("sort_order", "id")


def contact_card_get_for(*, user: User, pk: int) -> ContactCard:
    found = contact_cards_for(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return found


# ------------------------------------------------------------------ 公示


@dataclass
class NoticeRow:
    notice: Any
    is_open: bool
    remaining: int


def notices_public(*, limit: int = 50) -> list[NoticeRow]:
    """Started 公示 notices (a future one is not public) with their working-day countdown."""
    today = timezone.localdate()
    return [
        NoticeRow(
            n,
            cert.notice_is_open(notice=n, today=today),
            cert.notice_remaining_working_days(notice=n, today=today),
        )
        for n in cert.notice_list_public()[:limit]
    ]


# ------------------------------------------------------------------ certified lists

# The city certifies the municipal tier itself (三(四)): its lists are certification's published
# decisions. The other tiers are decided by the province or the ministry and published there;
# the city records them in the tier history (zjtx.cultivation) from those published lists or
# takes them over from earlier published lists. Key → who publishes the list.
TIER_HISTORY_SOURCES = frozenset({"recorded", "backfill"})


def tiers() -> dict[str, str]:
    """Every tier the portal lists, in gradient order (key → label)."""
    return {
        "innovative": pgettext("tier", "Innovative SME"),
        "municipal": _("Municipal SRDI SME"),
        "provincial": pgettext("tier", "Provincial SRDI SME"),
        "little_giant": pgettext("tier", "SRDI little giant"),
        "champion": pgettext("tier", "Single-item champion"),
    }


def _publishers() -> dict[str, str]:
    """Who publishes the list of each tier decided above the city."""
    province = _("Notice of the Anhui Department of Economy and Information Technology")
    ministry = _("Notice of the Ministry of Industry and Information Technology")
    return {
        "innovative": province,
        "provincial": province,
        "little_giant": ministry,
        "champion": ministry,
    }


@dataclass
class CertifiedRow:
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
    published_by: str = ""


def parse_year(raw: Any) -> int | None:
    """A year from a query string; '' is none; anything else out of range is a PortalError."""
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise PortalError(
            PortalErrorCode.INVALID_YEAR,
            _("The year must be a four-digit year between %(min)s and %(max)s.")
            % {"min": MIN_YEAR, "max": MAX_YEAR},
            {"year": _("Not a valid year")},
        )
    return int(text)


def parse_tier(raw: Any) -> str:
    text = str(raw or "").strip()
    if text and text not in tiers():
        raise PortalError(
            PortalErrorCode.INVALID_TIER,
            _("Unknown tier; choose one from the list."),
            {"tier": _("Not in the list")},
        )
    return text


def _decisions_public() -> QuerySet[Any]:
    """Certification's published decisions whose issue date has come."""
    return cert.decision_list_public().filter(issued_on__lte=timezone.localdate())


@dataclass(frozen=True)
class _Listed:
    enterprise_id: int
    tier: str
    on: date
    valid_until: date | None


def _tier_history_listed(*, tier: str = "") -> list[_Listed]:
    """Tiers above (or below) the city's own held today, as recorded from a published list.

    The tier history has no public selector in cultivation, so the portal reads here only the
    certified track's grants: the latest grant of each enterprise and tier, if the city took it
    from a published list (recorded or taken over), dated today or earlier, and still held
    today by cultivation's own reading of the history (neither revoked nor expired since)."""
    from zjtx.cultivation.models import TierRecord
    from zjtx.cultivation.selectors import tier_states

    wanted = [tier] if tier else list(_publishers())
    if not set(wanted) & set(_publishers()):
        return []
    today = timezone.localdate()
    grants = (
        TierRecord.objects.filter(
            track=TierRecord.Track.CERTIFIED,
            action=TierRecord.Action.GRANT,
            tier__in=wanted,
            on__lte=today,
        )
        .order_by("enterprise_id", "tier", "on", "id")
        .values_list("enterprise_id", "tier", "on", "valid_until", "source")
    )
    latest: dict[tuple[int, str], tuple[date, date | None, str]] = {}
    for enterprise_id, key, on, valid_until, source in grants:
        latest[(enterprise_id, key)] = (on, valid_until, source)
    public = {k: v for k, v in latest.items() if v[2] in TIER_HISTORY_SOURCES}
    if not public:
        return []
    held = tier_states(on=today)  # the city's fold, cached by cultivation
    return [
        _Listed(eid, key, on, valid_until)
        for (eid, key), (on, valid_until, _source) in public.items()
        if eid in held and key in held[eid].tiers
    ]


def certified_years() -> list[int]:
    years = {d.round.year for d in _decisions_public()}
    years |= {row.on.year for row in _tier_history_listed()}
    return sorted(years, reverse=True)


def certified_list(*, year: int | None = None, tier: str = "") -> list[CertifiedRow]:
    """Enterprises on a published list of `year` (all years: None) that still hold the tier:
    the municipal tier by certification's published decisions, the others from the tier
    history where the city recorded them from a published list. Municipal first, then the
    higher tiers, then 创新型."""
    labels = tiers()
    rows: list[CertifiedRow] = []
    if tier in ("", "municipal"):
        documents = _decisions_public()
        if year is not None:
            documents = documents.filter(round__year=year)
        for document in documents[:50]:
            for app in cert.decision_entries(document=document):
                if app.status != "certified":
                    continue  # revoked since, or not certified by this decision after all
                rows.append(
                    CertifiedRow(
                        name=app.enterprise.name,
                        credit_code=app.enterprise.credit_code,
                        unit=app.unit.name,
                        year=document.round.year,
                        tier="municipal",
                        tier_label=labels["municipal"],
                        certificate_number=app.certificate_number or "",
                        certified_on=app.certified_on,
                        valid_until=app.valid_until,
                        decision_number=document.number,
                        published_by=document.number,
                    )
                )
                if len(rows) >= LIST_LIMIT:
                    return rows
    if tier == "municipal":
        return rows
    listed = [row for row in _tier_history_listed(tier=tier) if year is None or row.on.year == year]
    if not listed:
        return rows
    from zjtx.enterprises.models import Enterprise

    firms = {
        pk: (name, code, unit)
        for pk, name, code, unit in Enterprise.objects.filter(
            pk__in={row.enterprise_id for row in listed}
        ).values_list("pk", "name", "credit_code", "unit__name")
    }
    order = list(labels)
    listed.sort(
        key=lambda row: (
            -order.index(row.tier),
            -row.on.toordinal(),
            firms.get(row.enterprise_id, ("", "", ""))[2] or "",
            firms.get(row.enterprise_id, ("", "", ""))[0],
        )
    )
    publishers = _publishers()
    for row in listed:
        if row.enterprise_id not in firms:
            continue
        name, code, unit = firms[row.enterprise_id]
        rows.append(
            CertifiedRow(
                name=name,
                credit_code=code,
                unit=unit or "",
                year=row.on.year,
                tier=row.tier,
                tier_label=labels[row.tier],
                certificate_number="",
                certified_on=row.on,
                valid_until=row.valid_until,
                decision_number="",
                published_by=publishers[row.tier],
            )
        )
        if len(rows) >= LIST_LIMIT:
            break
    return rows


@dataclass
class Verification:
    number: str
    found: bool
    state: str = ""
    name: str = ""
    credit_code: str = ""
    unit: str = ""
    certified_on: date | None = None
    valid_until: date | None = None
    decision_number: str = ""


def certificate_verify(*, number: str) -> Verification:
    """Certification's own public check of a certificate number."""
    number = (number or "").strip()[:60]
    try:
        app = cert.certificate_get_public(number=number)
    except NotFound:
        return Verification(number=number, found=False)
    return Verification(
        number=app.certificate_number or number,
        found=True,
        state=cert.certificate_state(application=app),
        name=app.enterprise.name,
        credit_code=app.enterprise.credit_code,
        unit=app.unit.name,
        certified_on=app.certified_on,
        valid_until=app.valid_until,
        decision_number=app.decision_document.number if app.decision_document else "",
    )


# ------------------------------------------------------------------ service centre


def platforms() -> list[tuple[str, str, int]]:
    """The six service platforms (二(五)) with how many published providers serve each."""
    from zjtx.partners.models import ServiceProvider

    counts: dict[str, int] = {}
    for listing in providers_public():
        for platform in listing.platforms or []:
            counts[platform] = counts.get(platform, 0) + 1
    return [
        (key, str(label), counts.get(key, 0)) for key, label in ServiceProvider.Platform.choices
    ]


def providers_public(*, platform: str = "") -> list[Any]:
    """Published provider listings (the service centre's own rule for anonymous readers)."""
    from django.contrib.auth.models import AnonymousUser

    from zjtx.servicedesk.selectors import listing_list_for

    rows = list(listing_list_for(user=AnonymousUser()).order_by("name")[:200])
    if platform:
        rows = [r for r in rows if platform in (r.platforms or [])]
    return rows


def events_upcoming(*, limit: int = 20) -> list[dict[str, Any]]:
    """Service events still to come: only their public fields."""
    from zjtx.servicedesk.models import ServiceEvent

    rows = (
        ServiceEvent.objects.filter(starts_at__gte=timezone.now())
        .select_related("provider")
        .order_by("starts_at", "id")[:limit]
    )
    return [
        {
            "title": e.title,
            "kind": e.get_kind_display(),
            "starts_at": e.starts_at,
            "place": e.place,
            "organiser": e.provider.name if e.provider else _("Enterprise service centre"),
            "description": e.description,
        }
        for e in rows
    ]


# ------------------------------------------------------------------ annual reports


def reports_published() -> list[Any]:
    """Published annual reports (zjtx.reports decides what is published), newest year first."""
    from zjtx.reports.selectors import published_reports

    return list(published_reports())
