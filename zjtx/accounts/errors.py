"""Account and security errors with stable codes."""

from zjtx.core.errors import DomainError


class AccountError(DomainError):
    """codes: scope_required, scope_not_allowed, self_role_change, self_deactivate,
    superuser_protected, username_taken, enterprise_not_found, invalid_code, no_device,
    token_not_found, integrity."""
