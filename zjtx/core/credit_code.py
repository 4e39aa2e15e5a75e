"""Unified social credit code (GB 32100-2015): normalisation and the check character."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters, no I O S V Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
REGISTRATION_AUTHORITIES = frozenset("123456789ANY")


def normalize(raw: str | None) -> str:
    """Trim, full-width to half-width (NFKC), drop inner spaces, upper-case."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return re.sub(r"\s+", "", text).upper()


def check_char(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def make_valid_code(first17: str) -> str:
    """Append the right check character (for fixtures and demo data)."""
    first17 = normalize(first17)
    return first17 + check_char(first17)


@dataclass
class CodeCheck:
    input: str
    normalized: str
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def check(raw: str | None) -> CodeCheck:
    """Every problem with a code, as stable error codes (empty list: valid)."""
    code = normalize(raw)
    result = CodeCheck(input=raw or "", normalized=code)
    if not code:
        result.errors.append("empty")
        return result
    if len(code) != 18:
        result.errors.append("wrong_length")
    bad = [c for c in code if c not in ALPHABET]
    if bad:
        result.errors.append("invalid_characters")
    if len(code) == 18 and not bad:
        if not code[2:8].isdigit():
            result.errors.append("invalid_division_code")
        if code[0] not in REGISTRATION_AUTHORITIES:
            result.errors.append("invalid_registration_authority")
        if not result.errors and code[17] != check_char(code[:17]):
            result.errors.append("checksum_mismatch")
    return result


ERROR_MESSAGES = {
    "empty": "统一社会信用代码不能为空",
    "wrong_length": "统一社会信用代码应为18位",
    "invalid_characters": "统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）",
    "invalid_division_code": "统一社会信用代码第3至8位应为行政区划码（数字）",
    "invalid_registration_authority": "统一社会信用代码第1位（登记管理部门代码）无效",
    "checksum_mismatch": "统一社会信用代码校验位不正确",
}

# GB 11714 (organisation code, positions 9-17): a warning only, many real codes predate it.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_VALUES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_code_valid(raw: str | None) -> bool:
    """True when positions 9-17 of a well-formed code pass the GB 11714 check (DOMAIN §4)."""
    code = normalize(raw)
    if len(code) != 18:
        return False
    body, given = code[8:16], code[16]
    if any(c not in ORG_VALUES for c in body):
        return False
    total = sum(ORG_VALUES.index(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    expected = "X" if value == 10 else "0" if value == 11 else str(value)
    return given == expected


def first_error_message(result: CodeCheck) -> str:
    """The Chinese message for the first problem found (empty when the code is valid)."""
    return ERROR_MESSAGES[result.errors[0]] if result.errors else ""
