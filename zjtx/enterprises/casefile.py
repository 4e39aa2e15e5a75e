"""The enterprise's case file on its page: certification history, tiers, subsidies received and
every application still in progress, each linking to its case. Read through the other apps'
selectors, each scoped to the reader (so an officer sees only what their jurisdiction allows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import pgettext


@dataclass(frozen=True)
class CaseRow:
    kind: str
    title: str
    status: str
    url: str
    at: datetime | None = None
    amount_yuan: Decimal | None = None


@dataclass
class CaseFile:
    certifications: list[Any] = field(default_factory=list)
    tiers: list[Any] | None = None  # None: the cultivation app offers no tier history
    subsidies: list[Any] = field(default_factory=list)
    subsidies_total_yuan: Decimal = Decimal(0)
    in_progress: list[CaseRow] = field(default_factory=list)


def case_file_for(*, enterprise: Any, user: Any) -> CaseFile:
    from zjtx.certification import selectors as certification
    from zjtx.certification.models import Application as CertApplication
    from zjtx.financing import selectors as financing
    from zjtx.servicedesk import selectors as servicedesk
    from zjtx.subsidies import selectors as subsidies
    from zjtx.subsidies.models import Application as SubsidyApplication

    out = CaseFile()
    history = certification.tier_history(enterprise_id=enterprise.pk, user=user)
    out.certifications = history
    try:
        from zjtx.cultivation.selectors import tier_history
    except ImportError:
        out.tiers = None
    else:
        out.tiers = list(tier_history(enterprise_id=enterprise.pk))

    out.subsidies = list(
        subsidies.ledger_for(user=user).filter(enterprise=enterprise).order_by("-recorded_at")
    )
    out.subsidies_total_yuan = sum((p.amount_yuan for p in out.subsidies), Decimal(0))

    rows: list[CaseRow] = []
    finished = {
        CertApplication.Status.DRAFT,
        CertApplication.Status.REJECTED,
        CertApplication.Status.REMOVED,
        CertApplication.Status.CERTIFIED,
        CertApplication.Status.REVOKED,
    }
    for app in history:
        if app.status not in finished:
            rows.append(
                CaseRow(
                    pgettext("case kind", "Certification"),
                    app.round.title,
                    app.get_status_display(),
                    reverse("certification:application-detail", args=[app.pk]),
                    app.status_changed_at,
                )
            )
    open_subsidy = (
        SubsidyApplication.Status.SUBMITTED,
        SubsidyApplication.Status.RETURNED,
        SubsidyApplication.Status.FORWARDED,
    )
    for claim in subsidies.application_list_for(user=user).filter(
        enterprise=enterprise, status__in=open_subsidy
    ):
        rows.append(
            CaseRow(
                pgettext("case kind", "Subsidy"),
                claim.program.title,
                claim.get_status_display(),
                reverse("subsidies:detail", args=[claim.pk]),
                claim.submitted_at or claim.created_at,
                claim.computed_amount_yuan,
            )
        )
    for demand in financing.demand_list_for(user=user, status="published").filter(
        enterprise=enterprise
    ):
        rows.append(
            CaseRow(
                pgettext("case kind", "Financing demand"),
                demand.get_purpose_display(),
                demand.get_status_display(),
                reverse("financing:demand", args=[demand.pk]),
                demand.published_at,
                demand.amount_yuan,
            )
        )
    for request in servicedesk.request_list_for(user=user, open_only=True).filter(
        enterprise=enterprise
    ):
        rows.append(
            CaseRow(
                pgettext("case kind", "Service request"),
                request.title,
                request.get_status_display(),
                reverse("servicedesk:detail", args=[request.pk]),
                request.created_at,
            )
        )
    out.in_progress = rows
    return out
