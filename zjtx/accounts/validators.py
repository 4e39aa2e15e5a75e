"""Password rules read from the security policy (等保2.0 8.1.4.1 a)."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .policy import policy_current


class CharacterClassValidator:
    """Passwords use at least N of: lower case, upper case, digits, symbols (等保2.0 8.1.4.1 a).

    N is the security policy's value; `min_classes` from settings is a floor the policy
    cannot go below.
    """

    def __init__(self, min_classes: int = 3):
        self.floor = min_classes

    @property
    def min_classes(self) -> int:
        return max(self.floor, policy_current().min_classes)

    @staticmethod
    def classes(password: str) -> int:
        return sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(c in string.punctuation or not c.isalnum() for c in password),
            ]
        )

    def validate(self, password: str, user=None) -> None:  # type: ignore[no-untyped-def]
        if self.classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must contain at least %(n)d of: lower-case letters, "
                    "upper-case letters, digits and symbols."
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Use at least %(n)d of: lower-case letters, upper-case letters, digits and symbols."
        ) % {"n": self.min_classes}


class PolicyMinimumLengthValidator:
    """Passwords are at least as long as the security policy says, never below `min_length`."""

    def __init__(self, min_length: int = 8):
        self.floor = min_length

    @property
    def min_length(self) -> int:
        return max(self.floor, policy_current().min_length)

    def validate(self, password: str, user=None) -> None:  # type: ignore[no-untyped-def]
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "The password must be at least %(n)d character long.",
                    "The password must be at least %(n)d characters long.",
                    self.min_length,
                )
                % {"n": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(n)d character.", "Use at least %(n)d characters.", self.min_length
        ) % {"n": self.min_length}
