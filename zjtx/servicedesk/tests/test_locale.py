"""Every user-facing string of the service centre has a Chinese translation."""

import re
from pathlib import Path

from django.utils import translation

from zjtx.servicedesk.models import ServiceRequest

PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_po_file_is_complete_and_not_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = re.findall(r'msgid "(.*)"\nmsgstr "(.*)"', text)
    assert len(entries) > 300
    assert [msgid for msgid, msgstr in entries[1:] if not msgstr] == []


def test_states_render_in_chinese():
    with translation.override("zh-hans"):
        assert str(ServiceRequest._meta.verbose_name) == "企业诉求"
        assert str(ServiceRequest.Status.WAITING.label) == "待企业补充"
