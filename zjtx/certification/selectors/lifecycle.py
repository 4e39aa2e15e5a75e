# mypy: disallow-untyped-defs
"""Certificates, published decisions, expiry, tier history and dynamic management."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.utils import timezone

from ..models import (
    Application,
    CertificationAward,
    ChangeReport,
    DecisionDocument,
    Objection,
    Round,
)
from ._common import _not_found
from .applications import (
    application_qs_for,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


CERTIFICATE_VALID_YEARS = 3


def certificate_get_public(*, number: str) -> Application:
    found = (
        Application.objects.filter(certificate_number=number.strip().upper())
        .select_related("enterprise", "round", "decision_document", "unit")
        .first()
    )
    if found is None:
        raise _not_found()
    return found


def certificate_state(*, application: Application, today: date | None = None) -> str:
    """valid, expired or revoked."""
    today = today or timezone.localdate()
    if application.status == Application.Status.REVOKED:
        return "revoked"
    if application.valid_until is None or today > application.valid_until:
        return "expired"
    return "valid"


def certified_list_for(*, user: User, round_id: int | None = None) -> QuerySet[Application]:
    qs = application_qs_for(user=user).filter(certificate_number__isnull=False)
    if round_id is not None:
        qs = qs.filter(round_id=round_id)
    return qs.order_by("certificate_number")


def documents_of(*, round: Round) -> QuerySet[DecisionDocument]:
    return round.documents.order_by("-issued_on", "-id")


def expiring_for(
    *, user: User, today: date | None = None, within_days: int = 90
) -> list[Application]:
    """Certified enterprises whose status ends within `within_days` (reminders at 90/60/30)."""
    today = today or timezone.localdate()
    return list(
        application_qs_for(user=user)
        .filter(
            status=Application.Status.CERTIFIED,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=within_days),
        )
        .order_by("valid_until")
    )


def certified_enterprise_ids(*, enterprise_ids: Collection[int], as_of: date) -> set[int]:
    """Of `enterprise_ids`, those holding a certification valid on `as_of` (unscoped: for
    bulk rule facts, never shown as a list)."""
    return set(
        Application.objects.filter(
            enterprise_id__in=list(enterprise_ids),
            status=Application.Status.CERTIFIED,
            valid_until__gte=as_of,
        ).values_list("enterprise_id", flat=True)
    )


def certified_expiring_all(*, on: date, within_days: int) -> list[tuple[int, date, str]]:
    """(enterprise id, valid until, certificate number) of every certified enterprise whose
    status ends within `within_days` of `on` — unscoped, for the city-wide warning run."""
    rows = Application.objects.filter(
        status=Application.Status.CERTIFIED,
        valid_until__gte=on,
        valid_until__lte=on + timedelta(days=within_days),
    ).values_list("enterprise_id", "valid_until", "certificate_number")
    return [(e, until, number or "") for e, until, number in rows if until is not None]


def tier_history(*, enterprise_id: int, user: User) -> list[Application]:
    """Every certification round the enterprise went through, newest first."""
    return list(
        application_qs_for(user=user)
        .filter(enterprise_id=enterprise_id)
        .exclude(status=Application.Status.DRAFT)
        .order_by("-round__year", "-id")
    )


def barred_until(*, enterprise_id: int, today: date | None = None) -> date | None:
    """The date before which a revoked enterprise may not apply again, if any."""
    today = today or timezone.localdate()
    row = (
        Application.objects.filter(enterprise_id=enterprise_id, barred_until__gt=today)
        .order_by("-barred_until")
        .values_list("barred_until", flat=True)
        .first()
    )
    return row


def objection_counts(*, round: Round) -> dict[str, int]:
    rows = Objection.objects.filter(notice__round=round).values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def awards_of(*, round: Round) -> list[CertificationAward]:
    return list(
        CertificationAward.objects.filter(application__round=round)
        .select_related("enterprise", "application")
        .order_by("application__certificate_number")
    )


@dataclass
class ManagedRow:
    application: Application
    days_left: int | None
    last_update_year: int | None
    update_missing: bool
    pending_changes: int


def managed_list_for(*, user: User, today: date | None = None) -> list[ManagedRow]:
    """Certified enterprises in scope with expiry, the last annual update and open change reports."""
    today = today or timezone.localdate()
    qs = (
        application_qs_for(user=user)
        .filter(status=Application.Status.CERTIFIED)
        .prefetch_related("annual_updates", "change_reports")
        .order_by("valid_until", "id")
    )
    rows = []
    for app in qs:
        years = [u.year for u in app.annual_updates.all()]
        due_year = today.year - 1
        certified_year = app.certified_on.year if app.certified_on else today.year
        rows.append(
            ManagedRow(
                application=app,
                days_left=(app.valid_until - today).days if app.valid_until else None,
                last_update_year=max(years) if years else None,
                update_missing=due_year >= certified_year and due_year not in years,
                pending_changes=sum(
                    1 for c in app.change_reports.all() if c.status == ChangeReport.Status.PENDING
                ),
            )
        )
    return rows


def change_reports_for(*, user: User) -> QuerySet[ChangeReport]:
    return (
        ChangeReport.objects.filter(application__in=application_qs_for(user=user).values("pk"))
        .select_related("application__enterprise", "reported_by")
        .order_by("status", "-reported_at")
    )


def decision_list_public() -> QuerySet[DecisionDocument]:
    return DecisionDocument.objects.select_related("round").order_by("-issued_on", "-id")


def decision_get_public(*, pk: int) -> DecisionDocument:
    found = decision_list_public().filter(pk=pk).first()
    if found is None:
        raise _not_found()
    return found


def decision_entries(*, document: DecisionDocument) -> QuerySet[Application]:
    """Everyone certified by the decision, including those revoked since (marked)."""
    return document.applications.select_related("enterprise", "unit").order_by("certificate_number")
