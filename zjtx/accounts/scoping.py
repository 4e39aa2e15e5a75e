"""Jurisdiction scoping. Every selector passes its queryset through `scope_enterprise_qs`.

`via` is the lookup path from the queried model to Enterprise ("" for Enterprise itself,
"enterprise__" for rows that belong to one). Roles without business scope see nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from .models import Role

M = TypeVar("M", bound=Model)


def enterprise_scope_q(user: Any, via: str = "") -> Q | None:
    """A Q limiting rows to the user's jurisdiction; None means no limit (the whole city)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.CITY_OFFICER:
        return None
    if user.role == Role.UNIT_OFFICER and user.unit_id:
        return Q(**{f"{via}unit_id": user.unit_id})
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return Q(**{f"{via}pk" if via == "" else f"{via}id": user.enterprise_id})
    return Q(pk__in=[])


def scope_enterprise_qs(qs: QuerySet[M], user: Any, via: str = "") -> QuerySet[M]:
    q = enterprise_scope_q(user, via)
    return qs if q is None else qs.filter(q)


def can_see_unit(user: Any, unit_id: int | None) -> bool:
    if user.role == Role.CITY_OFFICER:
        return True
    return user.role == Role.UNIT_OFFICER and user.unit_id == unit_id
