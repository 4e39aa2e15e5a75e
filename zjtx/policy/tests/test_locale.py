"""Every user-facing string of the policy app has a Chinese translation."""

import re
from pathlib import Path

from django.utils import translation

from zjtx.policy.models import Evaluation, PolicyProgram

PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_po_file_is_complete_and_not_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = re.findall(r'msgid "(.*)"\nmsgstr "(.*)"', text)
    assert len(entries) > 40
    assert [msgid for msgid, msgstr in entries[1:] if not msgstr] == []


def test_model_names_render_in_chinese():
    with translation.override("zh-hans"):
        assert str(PolicyProgram._meta.verbose_name) == "政策项目"
        assert str(Evaluation._meta.verbose_name) == "政策测算记录"
        assert str(PolicyProgram.Kind.CRITERIA.label) == "认定标准"
