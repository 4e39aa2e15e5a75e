import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Passwords use at least N of: lower case, upper case, digits, symbols (等保2.0 8.1.4.1 a)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

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
