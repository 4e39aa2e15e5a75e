# mypy: disallow-untyped-defs
"""Public notices (公示) and objections."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from zjtx.core import workdays

from .. import permissions, workflow
from ..models import (
    Application,
    Notice,
    Objection,
)
from ._common import _not_found

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def notice_list_public() -> QuerySet[Notice]:
    """Notices that have started by the server's clock; a future 公示 is not public yet."""
    return (
        Notice.objects.select_related("round")
        .filter(starts_on__lte=timezone.localdate())
        .order_by("-starts_on", "-id")
    )


def notice_get_public(*, pk: int) -> Notice:
    found = notice_list_public().filter(pk=pk).first()
    if found is None:
        raise _not_found()
    return found


def notice_applications(*, notice: Notice) -> QuerySet[Application]:
    """Everything published in the notice, including those removed after an objection."""
    return (
        Application.objects.filter(notice=notice)
        .select_related("enterprise", "unit")
        .order_by("unit__sort_order", "unit__code", "enterprise__name")
    )


def notice_is_open(*, notice: Notice, today: date | None = None) -> bool:
    """Open from its first day until its last working day: a list published on a weekend
    starts that day and takes objections; its working-day clock starts on the next workday."""
    today = today or timezone.localdate()
    return workflow.notice_accepts_objections(notice, today)


def notice_remaining_working_days(*, notice: Notice, today: date | None = None) -> int:
    """Working days left in the notice, today included (0 once it has ended)."""
    today = today or timezone.localdate()
    if today > notice.ends_on:
        return 0
    return workdays.working_days_between(max(today, notice.starts_on), notice.ends_on)


def objection_list_for(*, user: User, round_id: int | None = None) -> QuerySet[Objection]:
    if not permissions.is_city(user):
        return Objection.objects.none()
    qs = Objection.objects.select_related("notice", "application__enterprise", "handled_by")
    if round_id is not None:
        qs = qs.filter(notice__round_id=round_id)
    return qs.order_by("status", "created_at")


def objection_get_for(*, user: User, pk: int) -> Objection:
    found = objection_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise _not_found()
    return found
