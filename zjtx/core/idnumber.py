"""Resident identity card numbers (GB 11643-1999): normalising and the check character."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils import timezone

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize(value: str | None) -> str:
    """Full-width to ASCII, blanks removed, the check letter upper case."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text).upper()


def check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_valid(value: str | None) -> bool:
    """18 characters, a real date of birth, and the GB 11643 check character."""
    text = normalize(value)
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return False
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > timezone.localdate():
        return False
    return check_character(text[:17]) == text[17]
