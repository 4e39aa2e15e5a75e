"""Account and security errors with stable codes."""

from enum import StrEnum

from zjtx.core.errors import DomainError


class AccountError(DomainError):
    """A request the account rules refuse; the code is an AccountErrorCode."""


class AccountErrorCode(StrEnum):
    """Stable error codes of this app (the API's `code`)."""

    ALREADY_ENROLLED = "already_enrolled"
    EMAIL_INVALID = "email_invalid"
    EMAIL_REQUIRED = "email_required"
    INACTIVE = "inactive"
    INTEGRITY = "integrity"
    INVALID_CODE = "invalid_code"
    INVALID_ROLE = "invalid_role"
    LINK_INVALID = "link_invalid"
    PASSWORD_INVALID = "password_invalid"
    POLICY_INVALID = "policy_invalid"
    REQUEST_PENDING = "request_pending"
    SCOPE_REQUIRED = "scope_required"
    SELF_DEACTIVATE = "self_deactivate"
    SELF_OTP_RESET = "self_otp_reset"
    SELF_ROLE_CHANGE = "self_role_change"
    STALE_REQUEST = "stale_request"
    SUPERUSER_PROTECTED = "superuser_protected"
    USERNAME_TAKEN = "username_taken"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"
    TOKEN_NOT_ALLOWED = "token_not_allowed"
