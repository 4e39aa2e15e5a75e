"""Reads for the Excel import: the enterprises a user reports for, import runs and stored values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zjtx.accounts.scoping import scope_enterprise_qs, scope_unit_qs
from zjtx.core.errors import ErrorCode
from zjtx.enterprises.models import Enterprise

from ..errors import MonitoringNotFound
from ..imports.rows import EnterpriseRef
from ..models import ImportRun, Indicator, MonitoringValue

if TYPE_CHECKING:
    from zjtx.accounts.models import User


CHUNK = 500


def enterprise_list_for_template(*, user: User) -> list[tuple[str, str]]:
    """(credit code, name) of the enterprises the user reports for, by unit then name."""
    qs = scope_enterprise_qs(Enterprise.objects.all(), user)
    return list(
        qs.order_by("unit__sort_order", "unit_id", "name").values_list("credit_code", "name")
    )


def enterprise_index(*, user: User) -> dict[str, EnterpriseRef]:
    """credit code → (id, unit) for every enterprise in the user's scope (one query)."""
    qs = scope_enterprise_qs(Enterprise.objects.all(), user)
    return {
        code: EnterpriseRef(pk, unit_id)
        for code, pk, unit_id in qs.values_list("credit_code", "id", "unit_id").iterator(5000)
    }


def enterprises_outside_scope(*, user: User, codes: Iterable[str]) -> set[str]:
    """Which of these codes are registered at all (the caller knows they are out of scope)."""
    wanted = sorted(set(codes))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(
            Enterprise.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True)
        )
    return found


def import_run_list_for(*, user: User) -> QuerySet[ImportRun]:
    qs = ImportRun.objects.select_related("uploader", "period", "uploader_unit")
    return scope_unit_qs(qs, user, "uploader_unit_id")


def import_run_get(*, pk: int, user: User) -> ImportRun:
    run = import_run_list_for(user=user).filter(pk=pk).first()
    if run is None:
        raise MonitoringNotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return run


@dataclass(frozen=True)
class StoredValue:
    indicator: Indicator
    value: Decimal | None
    text: str
    updated_at: datetime
    import_run_id: int | None

    @property
    def display(self) -> Decimal | str | None:
        """In the template unit (万元 for money), as the officer entered it."""
        if self.indicator.is_text:
            return self.text
        if self.value is None:
            return None
        return self.value / self.indicator.factor


def values_for(
    *, user: User, period_code: str, credit_code: str
) -> tuple[Enterprise, list[StoredValue]]:
    """The stored values of one enterprise for one period; 404 outside the user's scope."""
    from zjtx.core.credit_code import normalize

    enterprise = (
        scope_enterprise_qs(Enterprise.objects.all(), user)
        .filter(credit_code=normalize(credit_code))
        .first()
    )
    if enterprise is None:
        raise MonitoringNotFound(ErrorCode.NOT_FOUND, _("Not found."))
    indicators = {i.pk: i for i in Indicator.objects.all()}
    rows = MonitoringValue.objects.filter(
        enterprise=enterprise, period__code=period_code
    ).values_list("indicator_id", "value", "text_value", "updated_at", "import_run_id")
    values = [StoredValue(indicators[i], v, t, at, run) for i, v, t, at, run in rows]
    values.sort(key=lambda s: (s.indicator.sort_order, s.indicator.pk))
    return enterprise, values
