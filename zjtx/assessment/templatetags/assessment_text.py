"""How the scheme package's own texts read on a Chinese page.

The package (policies/wuhu.unit_assessment.yaml) writes formulas with min/max and cites the
design notes by file name; the page shows min/max in words and the notes without file names.
"""

from __future__ import annotations

import re

from django import template

register = template.Library()

_MIN_MAX = re.compile(r"(?<![A-Za-z_])(min|max)\s*\(")
_DESIGN_DOC = re.compile(r"DOMAIN\.md\s*")
_SOURCE_MARK = re.compile(r"\s*\[[KR]\]")


@register.filter
def formula_text(formula: object) -> str:
    """'25 × min(1, 新增认定数 ÷ 分解目标)' -> '25 × 较小值(1, 新增认定数 ÷ 分解目标)'."""
    return _MIN_MAX.sub(
        lambda m: "较小值(" if m.group(1) == "min" else "较大值(", str(formula or "")
    )


@register.filter
def note_text(note: object) -> str:
    """A package note with the design document named in Chinese and no provenance marks."""
    return _SOURCE_MARK.sub("", _DESIGN_DOC.sub("平台设计说明", str(note or "")))
