"""Charts: PNG with the CJK font, the same bytes for the same data, no crash without the font."""

from __future__ import annotations

from pathlib import Path

from zjtx.reports import charts

CHART = {
    "kind": "bar",
    "title": "各县区（开发区）营业收入（万元）",
    "categories": ["镜湖区", "经济技术开发区", "高新技术产业开发区"],
    "series": [{"name": "2025", "data": [1.5, 2.25, 0]}],
    "unit": "万元",
}


def test_chart_is_a_png_and_deterministic():
    png = charts.render_chart(CHART)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert charts.render_chart(CHART) == png
    line = charts.render_chart(
        {**CHART, "kind": "line", "series": [{"name": "a", "data": [1, 2, 3]}]}
    )
    assert line.startswith(b"\x89PNG")


def test_missing_cjk_font_degrades_without_crashing(monkeypatch):
    monkeypatch.setattr(charts, "CJK_FONT", Path("/nonexistent/font.ttc"))
    charts._font.cache_clear()
    try:
        assert not charts.has_cjk_font()
        assert charts.render_chart(CHART).startswith(b"\x89PNG")
    finally:
        charts._font.cache_clear()
