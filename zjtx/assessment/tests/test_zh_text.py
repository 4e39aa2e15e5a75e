"""The scheme's own texts read in Chinese: no min/max, no design-document file name, no fact ids."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from zjtx.assessment.selectors import describe_entry
from zjtx.assessment.templatetags.assessment_text import formula_text, note_text

pytestmark = pytest.mark.django_db

LATIN = re.compile(r"\b(min|max|DOMAIN|md)\b")


def test_formulas_and_notes_in_words():
    assert (
        formula_text("得分 = 10 × min(1, max(0, 在库企业增长率) ÷ 增长目标)")
        == "得分 = 10 × 较小值(1, 较大值(0, 在库企业增长率) ÷ 增长目标)"
    )
    assert formula_text(None) == ""
    assert (
        note_text("默认方案（DOMAIN.md §9 考核指标建议）")
        == "默认方案（平台设计说明§9 考核指标建议）"
    )
    assert note_text("来自记忆（DOMAIN.md §2.5 标记 [K]）") == "来自记忆（平台设计说明§2.5 标记）"


def test_scheme_and_unit_pages_show_no_min_max_or_file_names(login, computed, people, units):
    client = login(people["city"])
    for url in (
        reverse("assessment:schemes"),
        reverse("assessment:unit", args=[computed.pk, units["镜湖区"].pk]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "较小值(1," in page
        body = page.split('id="main">', 1)[-1].split("<script", 1)[0]
        assert not LATIN.search(re.sub(r"<[^>]+>", " ", body)), url
        assert 'aria-label="breadcrumb"' not in page and 'aria-label="当前位置"' in page


def test_an_indicator_without_data_names_the_missing_facts_in_chinese():
    entry = {
        "indicator": "reporting_rate",
        "title": "月度监测报送率",
        "dimension": "监测",
        "weight": "15",
        "points": None,
        "numerator": None,
        "denominator": "12",
        "rate": None,
        "target": "90",
        "formula": "",
        "records": 0,
        "status": "insufficient",
        "missing": ["reports_filed"],
        "missing_labels": ["已报送的企业月报数"],
    }
    with translation.override("zh-hans"):
        line = describe_entry(entry)
    assert "已报送的企业月报数" in line.note and "reports_filed" not in line.note
