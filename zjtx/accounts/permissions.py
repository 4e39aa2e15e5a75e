"""View guards. Pages outside a user's role answer 404, so that they reveal nothing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .models import SECOND_FACTOR_ROLES, Role

# A token would bypass the second factor that these roles need (等保2.0 8.1.4.1 d).
TOKEN_ROLES = frozenset(set(Role.values) - set(SECOND_FACTOR_ROLES))


def role_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log in first; then a user of any other role gets 404 (三员分立, 等保2.0 8.1.4.2 d)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not request.user.has_role(*roles):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def can_hold_tokens(user: Any) -> bool:
    return bool(user.has_role(*TOKEN_ROLES))
