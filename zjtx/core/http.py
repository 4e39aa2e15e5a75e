"""The request type of pages and API operations that need a logged-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from zjtx.accounts.models import User


class AuthedRequest(HttpRequest):
    """An HttpRequest whose user is the project's User (django-stubs' documented pattern).

    Only a type: login_required, the API's authentication and the role checks make it true at
    run time; anonymous public pages check `is_authenticated` before reading the user.
    """

    user: User  # type: ignore[assignment]
