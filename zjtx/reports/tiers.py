"""Which 专精特新 tier each enterprise held at a date: the one place the report, the
dashboards and benchmarking ask. Read through other apps' selectors only."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from zjtx.certification.models import Application as CertApplication

# Highest first; keys are stable (stored in roll-ups and snapshots).
TIERS: dict[str, object] = {
    "champion": _("Single-item champion"),
    "little_giant": _("Little giant"),
    "provincial": _("Provincial SRDI"),
    "municipal": _("Municipal SRDI"),
    "innovative": _("Innovative SME"),
}
TIER_ORDER = list(TIERS)


def tier_label(key: str) -> str:
    return str(TIERS.get(key, key))


def _cultivation_tiers(as_of: date) -> dict[int, str]:
    """Highest certified tier per enterprise recorded by the cultivation app (provincial,
    little giant, champion and so on); empty if that app cannot answer."""
    try:
        from zjtx.cultivation.selectors import tier_states
    except ImportError:
        return {}
    out: dict[int, str] = {}
    for enterprise_id, state in tier_states(on=as_of).items():
        tier = state.highest_tier
        if tier is not None and str(tier) in TIERS:
            out[int(enterprise_id)] = str(tier)
    return out


def municipal_certified(as_of: date) -> dict[int, CertApplication]:
    """Enterprise id → its city certification valid on `as_of` (unscoped, for statistics)."""
    rows = (
        CertApplication.objects.filter(
            status=CertApplication.Status.CERTIFIED,
            certified_on__lte=as_of,
            valid_until__gte=as_of,
        )
        .only("id", "enterprise_id", "certified_on", "valid_until", "certificate_number")
        .order_by("enterprise_id", "-certified_on")
    )
    out: dict[int, CertApplication] = {}
    for app in rows:
        out.setdefault(app.enterprise_id, app)
    return out


def tiers_as_of(as_of: date) -> dict[int, str]:
    """Enterprise id → highest tier held on `as_of`: the city's certifications, raised by any
    higher tier the cultivation app records."""
    tiers = {eid: "municipal" for eid in municipal_certified(as_of)}
    for eid, tier in _cultivation_tiers(as_of).items():
        current = tiers.get(eid)
        if current is None or TIER_ORDER.index(tier) < TIER_ORDER.index(current):
            tiers[eid] = tier
    return tiers
