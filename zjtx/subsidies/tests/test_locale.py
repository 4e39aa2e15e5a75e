"""Every user-facing string of the subsidies app has a Chinese translation."""

import re
from pathlib import Path

from django.utils import translation

from zjtx.subsidies.models import Application, Payout

PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_po_file_is_complete_and_not_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = re.findall(r'msgid "(.*)"\nmsgstr "(.*)"', text)
    assert len(entries) > 40
    assert [msgid for msgid, msgstr in entries[1:] if not msgstr] == []


def test_model_names_and_states_render_in_chinese():
    with translation.override("zh-hans"):
        assert str(Application._meta.verbose_name) == "奖补申请"
        assert str(Payout._meta.verbose_name_plural) == "发放台账"
        assert str(Application.Status.FORWARDED.label) == "待市级审批"
