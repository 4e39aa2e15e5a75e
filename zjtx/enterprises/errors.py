"""Enterprise-registry errors: stable snake_case codes, Chinese messages, the fields at fault."""

from __future__ import annotations

from zjtx.core.errors import Conflict, DomainError, NotFound


class EnterpriseError(DomainError):
    """A rule of the registry refused the change (HTTP 400)."""


class EnterpriseConflict(Conflict):
    """The change would duplicate something that must be unique (HTTP 409)."""


class EnterpriseNotFound(NotFound):
    """Outside the user's jurisdiction or role: always reported as not found, never forbidden."""

    def __init__(self) -> None:
        from django.utils.translation import gettext

        super().__init__("not_found", gettext("Not found."))
