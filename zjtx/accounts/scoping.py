"""Who may see and act: the one place for jurisdiction scoping and role checks.

Every selector passes its queryset through `scope_enterprise_qs` (rows that belong to an
enterprise: `via` is the lookup path to Enterprise, "" for Enterprise itself, "enterprise__" for
rows that belong to one) or `scope_unit_qs` (rows that belong to an assessment unit directly:
units, unit statistics, uploads). Roles without business scope see nothing. Services check the
actor's role with `require_role`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zjtx.core.errors import DomainError, ErrorCode, Forbidden, NotFound

from .models import Role

if TYPE_CHECKING:
    from zjtx.accounts.models import User


M = TypeVar("M", bound=Model)


def enterprise_scope_q(user: User, via: str = "") -> Q | None:
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


def scope_enterprise_qs(qs: QuerySet[M], user: User, via: str = "") -> QuerySet[M]:
    q = enterprise_scope_q(user, via)
    return qs if q is None else qs.filter(q)


def can_see_unit(user: User, unit_id: int | None) -> bool:
    if user.role == Role.CITY_OFFICER:
        return True
    return user.role == Role.UNIT_OFFICER and user.unit_id == unit_id


def unit_scope_q(user: User, field: str = "unit_id") -> Q | None:
    """A Q limiting unit-keyed rows to the user's unit; None means the whole city."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.CITY_OFFICER:
        return None
    if user.role == Role.UNIT_OFFICER and user.unit_id:
        return Q(**{field: user.unit_id})
    return Q(pk__in=[])


def scope_unit_qs(qs: QuerySet[M], user: User, field: str = "unit_id") -> QuerySet[M]:
    """Rows keyed by an assessment unit (`field`), limited to what `user` may see."""
    q = unit_scope_q(user, field)
    return qs if q is None else qs.filter(q)


def require_role(
    actor: User,
    *roles: str,
    message: str | Promise = "",
    code: str = "forbidden",
    hide: bool = False,
) -> None:
    """Refuse an actor outside `roles`: 403 with `message`, or 404 when `hide` (pages and
    objects whose existence is not the caller's business)."""
    if getattr(actor, "is_authenticated", False) and actor.is_active and actor.role in roles:
        return
    error: type[DomainError] = NotFound if hide else Forbidden
    if hide:
        raise error(ErrorCode.NOT_FOUND, _("Not found."))
    raise error(code, message or _("Your role cannot take this action."))
