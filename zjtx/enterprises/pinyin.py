"""Search keys for Chinese names: full pinyin and lower-case initials."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ALNUM = re.compile(r"[0-9a-z]+")


def pinyin_for(name: str) -> tuple[str, str]:
    """Full pinyin and lower-case initials of a name: 奇瑞汽车 → ("qiruiqiche", "qrqc").

    Latin letters and digits are kept as they are (lower-cased) in both, punctuation is dropped,
    so "3M中国" gives ("3mzhongguo", "3mzg").
    """
    full: list[str] = []
    initials: list[str] = []
    pos = 0
    for match in _HAN_RUN.finditer(name):
        _add_latin(name[pos : match.start()], full, initials)
        for syllable in lazy_pinyin(match.group(), style=Style.NORMAL, errors="ignore"):
            syllable = syllable.lower()
            if syllable:
                full.append(syllable)
                initials.append(syllable[0])
        pos = match.end()
    _add_latin(name[pos:], full, initials)
    return "".join(full)[:600], "".join(initials)[:200]


def _add_latin(text: str, full: list[str], initials: list[str]) -> None:
    for word in _ALNUM.findall(unicodedata.normalize("NFKC", text).lower()):
        full.append(word)
        initials.append(word)
