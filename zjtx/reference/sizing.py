"""SME size classification (《中小企业划型标准规定》, 工信部联企业〔2011〕300号) as a pure engine.

The thresholds are data (`SizeStandard.rules`, loaded from data/size_standard.yaml); this module
only reads them. It imports nothing from Django so rule tests need no database.

Reading of the standard (第四条, every sector):
- a firm is an SME when ANY indicator is below the sector's SME ceiling ("……以下或……以下");
  with no ceiling met it is large (第七条: the medium upper limit is the large lower limit);
- medium and small need EVERY indicator at or above that tier's lower limit ("及以上，且");
- otherwise micro ("……以下或……以下").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

WAN = Decimal(10000)

SIZES = ("micro", "small", "medium", "large")
SIZE_NAMES = {"large": "大型企业", "medium": "中型企业", "small": "小型企业", "micro": "微型企业"}

# Indicator key in the rules -> input name of classify()/the API.
INPUT_FOR_INDICATOR = {
    "employees": "employees",
    "revenue": "revenue_yuan",
    "total_assets": "total_assets_yuan",
}

# GB/T 4754-2017 -> sector key of the standard. Longest prefix wins. Sections or divisions that
# span several sectors of the standard (F, G, H, I, K, K70) are too coarse to classify.
# Decisions, documented in data/size_standard.yaml:
# - G53 railway: 300号 scopes 交通运输业 "不含铁路运输业"; the brief keeps it with transport as
#   the nearest sector so a railway-services SME still gets a result.
# - G58 多式联运和运输代理业 and G591 装卸搬运 are transport (统计上大中小微型企业划分办法（2017）
#   puts 装卸搬运 under 交通运输业); the rest of G59 is warehousing; division G59 alone is
#   treated as warehousing, its dominant content.
# - K7010 real-estate development, K7020 property management, every other K70 class "other".
SECTOR_PREFIXES: dict[str, str] = {
    "A": "agriculture",
    "B": "industry",
    "C": "industry",
    "D": "industry",
    "E": "construction",
    "F51": "wholesale",
    "F52": "retail",
    "G53": "transport",
    "G54": "transport",
    "G55": "transport",
    "G56": "transport",
    "G57": "transport",
    "G58": "transport",
    "G59": "warehousing",
    "G591": "transport",
    "G60": "postal",
    "H61": "accommodation",
    "H62": "catering",
    "I63": "information_transmission",
    "I64": "information_transmission",
    "I65": "software_it",
    "K701": "real_estate_development",
    "K702": "property_management",
    "K703": "other",
    "K704": "other",
    "K709": "other",
    "L": "leasing_business",
}
COARSE_CODES = frozenset({"F", "G", "H", "I", "K", "K70"})

# GB/T 4754-2017 division ranges of each section, so a bare "3670" can be read as "C3670".
_SECTION_RANGES = (
    ("A", 1, 5),
    ("B", 6, 12),
    ("C", 13, 43),
    ("D", 44, 46),
    ("E", 47, 50),
    ("F", 51, 52),
    ("G", 53, 60),
    ("H", 61, 62),
    ("I", 63, 65),
    ("J", 66, 69),
    ("K", 70, 70),
    ("L", 71, 72),
    ("M", 73, 75),
    ("N", 76, 79),
    ("O", 80, 82),
    ("P", 83, 83),
    ("Q", 84, 85),
    ("R", 86, 90),
    ("S", 91, 96),
    ("T", 97, 97),
)
SECTION_FOR_DIVISION: dict[str, str] = {
    f"{number:02d}": letter
    for letter, first, last in _SECTION_RANGES
    for number in range(first, last + 1)
}


class SizeInputMissing(Exception):
    """An indicator the sector needs is unknown; it is never taken as zero."""

    def __init__(self, missing: list[str]):
        super().__init__(", ".join(missing))
        self.missing = list(missing)


class SizeInputInvalid(ValueError):
    """An indicator is negative or not a finite number."""

    def __init__(self, field_name: str):
        super().__init__(field_name)
        self.field = field_name


class IndustryTooCoarse(ValueError):
    """The code spans several sectors of the standard; a finer code is needed."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class TraceStep:
    text: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "source": self.source}


@dataclass(frozen=True)
class SizeResult:
    size: str
    is_sme: bool
    sector: str
    sector_name: str
    standard: str
    trace: list[dict[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def size_name(self) -> str:
        return SIZE_NAMES[self.size]


def normalize_industry_code(code: str) -> str:
    """' c3670 ' -> 'C3670'; a bare division/group/class number gets its section: '3670' -> 'C3670'."""
    code = (code or "").strip().upper().replace(" ", "")
    if code.isdigit() and 2 <= len(code) <= 4 and code[:2] in SECTION_FOR_DIVISION:
        return SECTION_FOR_DIVISION[code[:2]] + code
    return code


def sector_for_industry(code: str) -> str:
    """The standard's sector key for a GB/T 4754-2017 section, division, group or class code."""
    code = normalize_industry_code(code)
    if not is_well_formed(code):
        raise ValueError(code)
    if code in COARSE_CODES:
        raise IndustryTooCoarse(code)
    for length in range(len(code), 0, -1):
        sector = SECTOR_PREFIXES.get(code[:length])
        if sector is not None:
            return sector
    return "other"


def is_well_formed(code: str) -> bool:
    """A section letter, then nothing or a division of that section and up to two more digits."""
    if not code or not ("A" <= code[0] <= "T") or len(code) > 5:
        return False
    digits = code[1:]
    if not digits:
        return True
    return digits.isdigit() and len(digits) >= 2 and SECTION_FOR_DIVISION.get(digits[:2]) == code[0]


def size_rank(size: str) -> int:
    return SIZES.index(size)


def format_wan(value: Decimal, grouping: bool = False) -> str:
    """万元 with two decimals, or as many more as it takes so that 1999.999999 never shows as
    2000.00 (core.formatting.figure)."""
    from zjtx.core.formatting import figure

    return figure(value, grouping=grouping)


def _describe(indicator: str, value: Decimal, meta: dict[str, Any]) -> str:
    name = meta["name"]
    unit = meta["unit"]
    if indicator == "employees":
        return f"{name} {int(value)} {unit}"
    return f"{name} {format_wan(value)} {unit}"


def _compare(
    values: dict[str, Decimal],
    limits: dict[str, Any],
    indicators: dict[str, dict[str, Any]],
) -> tuple[bool, bool, list[str]]:
    """(all at or above, any below, phrases) of the values against lower limits."""
    phrases = []
    all_met = True
    any_below = False
    for key, limit in limits.items():
        value = values[key]
        met = value >= Decimal(str(limit))
        all_met = all_met and met
        any_below = any_below or not met
        sign = "≥" if met else "<"
        unit = indicators[key]["unit"]
        phrases.append(f"{_describe(key, value, indicators[key])} {sign} {limit} {unit}")
    return all_met, any_below, phrases


def _indicator_values(
    sector_rules: dict[str, Any],
    employees: int | None,
    revenue_yuan: Decimal | None,
    total_assets_yuan: Decimal | None,
) -> dict[str, Decimal]:
    given: dict[str, Decimal | int | None] = {
        "employees": employees,
        "revenue": revenue_yuan,
        "total_assets": total_assets_yuan,
    }
    missing = [INPUT_FOR_INDICATOR[key] for key in sector_rules["indicators"] if given[key] is None]
    if missing:
        raise SizeInputMissing(missing=missing)
    values: dict[str, Decimal] = {}
    for key in sector_rules["indicators"]:
        raw = given[key]
        assert raw is not None
        if isinstance(raw, float):
            # A float already lost exactness; the engine refuses it rather than guess.
            raise SizeInputInvalid(INPUT_FOR_INDICATOR[key])
        try:
            number = Decimal(raw)
        except (ArithmeticError, TypeError, ValueError) as error:
            raise SizeInputInvalid(INPUT_FOR_INDICATOR[key]) from error
        if not number.is_finite() or number < 0:
            raise SizeInputInvalid(INPUT_FOR_INDICATOR[key])
        if key == "employees" and number != number.to_integral_value():
            raise SizeInputInvalid(INPUT_FOR_INDICATOR[key])
        values[key] = number if key == "employees" else number / WAN
    return values


def classify(
    rules: dict[str, Any],
    sector: str,
    employees: int | None,
    revenue_yuan: Decimal | None,
    total_assets_yuan: Decimal | None,
) -> SizeResult:
    """Size class under the standard in `rules` (300号 第四条); money in 元, compared in 万元."""
    sectors = rules["sectors"]
    if sector not in sectors:
        raise KeyError(sector)
    sector_rules = sectors[sector]
    indicators: dict[str, dict[str, Any]] = rules["indicators"]
    standard = rules["document"]
    source = f"{standard} {sector_rules['clause']}"
    values = _indicator_values(sector_rules, employees, revenue_yuan, total_assets_yuan)
    steps = [
        TraceStep(
            f"行业归类：{sector_rules['name']}，适用{rules['title']}{sector_rules['clause']}。",
            source,
        )
    ]

    ceiling = sector_rules["sme_ceiling"]
    _all, any_below, phrases = _compare(values, ceiling, indicators)
    if not any_below:
        steps.append(
            TraceStep(
                "，".join(phrases) + "：各项指标均不低于中小微型企业上限，为大型企业。",
                f"{standard} 第七条",
            )
        )
        return _result(rules, sector, "large", steps)
    below = "有指标低于中小微型企业上限" if len(ceiling) > 1 else "低于中小微型企业上限"
    steps.append(TraceStep("，".join(phrases) + f"：{below}，属于中小微型企业。", source))
    for size in ("medium", "small"):
        all_met, _any, phrases = _compare(values, sector_rules[size], indicators)
        if all_met:
            steps.append(TraceStep("，".join(phrases) + f"：{SIZE_NAMES[size]}。", source))
            return _result(rules, sector, size, steps)
        steps.append(TraceStep("，".join(phrases) + f"：未达到{SIZE_NAMES[size]}下限。", source))
    steps.append(TraceStep(f"有指标低于小型企业下限，为{SIZE_NAMES['micro']}。", source))
    return _result(rules, sector, "micro", steps)


def _result(rules: dict[str, Any], sector: str, size: str, steps: list[TraceStep]) -> SizeResult:
    return SizeResult(
        size=size,
        is_sme=size != "large",
        sector=sector,
        sector_name=rules["sectors"][sector]["name"],
        standard=rules["document"],
        trace=[step.as_dict() for step in steps],
        missing=[],
    )


def needed_inputs(rules: dict[str, Any], sector: str) -> list[str]:
    """Input names the sector's rule reads, e.g. ['employees', 'revenue_yuan']."""
    return [INPUT_FOR_INDICATOR[key] for key in rules["sectors"][sector]["indicators"]]
