"""GET /api/v1/me: who the token or session acts as."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    scope: dict[str, Any] | None


def _scope(user: Any) -> dict[str, Any] | None:
    for kind, obj in (
        ("unit", user.unit),
        ("enterprise", user.enterprise),
        ("institution", user.institution),
        ("provider", user.provider),
    ):
        if obj is not None:
            scope: dict[str, Any] = {"type": kind, "id": obj.pk, "name": str(obj)}
            if kind == "enterprise":
                scope["credit_code"] = obj.credit_code
            return scope
    return None


def me(request: Any) -> dict[str, Any]:
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "scope": _scope(user),
    }


router.get("/me", response=MeOut, url_name="me", summary="The current user")(me)
