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
