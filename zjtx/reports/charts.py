"""Bar and line charts as PNG, drawn with Pillow and a CJK font (deterministic bytes).

The font is WenQuanYi Micro Hei when present (Debian's fonts-wqy-microhei); without it the
chart is still drawn, with Pillow's built-in font, and labels that it cannot draw are left
out rather than shown as boxes, so a missing font never stops a report.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
WIDTH, HEIGHT = 1600, 800
PALETTE = ["#c0392b", "#2e86c1", "#27ae60", "#d68910", "#7d3c98", "#566573"]
GRID = "#d5d8dc"
TEXT = "#1b2631"


@lru_cache(maxsize=8)
def _font(size: int) -> tuple[Any, bool]:
    if CJK_FONT.exists():
        try:
            return ImageFont.truetype(str(CJK_FONT), size), True
        except OSError:
            pass
    return ImageFont.load_default(size=size), False


def has_cjk_font() -> bool:
    return _font(20)[1]


def _text(
    draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int, **kw: Any
) -> None:
    font, cjk = _font(size)
    if not cjk and any(ord(ch) > 0x2FFF for ch in text):
        text = "".join(ch for ch in text if ord(ch) <= 0x2FFF).strip()
        if not text:
            return
    draw.text(xy, text, font=font, fill=kw.pop("fill", TEXT), **kw)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(10 * magnitude)


def _fmt(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def render_chart(chart: dict[str, Any]) -> bytes:
    """A PNG of a {"kind": "bar"|"line", "title", "categories", "series": [{name, data}]} chart."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    _text(draw, (WIDTH / 2, 24), str(chart.get("title", "")), 40, anchor="ma")
    categories = [str(c) for c in chart.get("categories", [])]
    series = chart.get("series", [])
    values = [float(v or 0) for s in series for v in s.get("data", [])]
    top = _nice_max(max(values, default=0))
    bottom = min(0.0, min(values, default=0))
    left, right, upper, lower = 190, WIDTH - 40, 110, HEIGHT - 150
    span = top - bottom or 1.0

    def y_of(v: float) -> float:
        return lower - (v - bottom) / span * (lower - upper)

    for i in range(6):
        v = bottom + span * i / 5
        y = y_of(v)
        draw.line([(left, y), (right, y)], fill=GRID, width=2)
        _text(draw, (left - 12, y), _fmt(v), 24, anchor="rm")
    draw.line([(left, lower), (right, lower)], fill=TEXT, width=2)
    unit = str(chart.get("unit", ""))
    if unit:
        _text(draw, (left - 12, upper - 40), unit, 24, anchor="rb")
    n = max(1, len(categories))
    slot = (right - left) / n
    # Long category names on narrow slots wrap to two lines of at most `per_line` characters.
    size = 24 if n <= 8 else 20
    per_line = max(2, int(slot // size))
    for i, name in enumerate(categories):
        x = left + slot * (i + 0.5)
        lines = [name[k : k + per_line] for k in range(0, len(name), per_line)][:2]
        if len(name) > 2 * per_line:
            lines[1] = lines[1][:-1] + "…"
        for k, line in enumerate(lines):
            _text(draw, (x, lower + 14 + k * (size + 6)), line, size, anchor="ma")
    if chart.get("kind") == "line":
        for k, s in enumerate(series):
            color = PALETTE[k % len(PALETTE)]
            points = [
                (left + slot * (i + 0.5), y_of(float(v or 0)))
                for i, v in enumerate(s.get("data", []))
            ]
            if len(points) > 1:
                draw.line(points, fill=color, width=5, joint="curve")
            for x, y in points:
                draw.ellipse([x - 7, y - 7, x + 7, y + 7], fill=color)
    else:
        count = max(1, len(series))
        width = slot * 0.7 / count
        for k, s in enumerate(series):
            color = PALETTE[k % len(PALETTE)]
            for i, v in enumerate(s.get("data", [])):
                x0 = left + slot * i + slot * 0.15 + width * k
                y = y_of(float(v or 0))
                draw.rectangle([x0, min(y, y_of(0)), x0 + width - 4, max(y, y_of(0))], fill=color)
                if count == 1 and n <= 16:
                    _text(draw, (x0 + width / 2, y - 8), _fmt(float(v or 0)), 20, anchor="mb")
    x = left
    for k, s in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        draw.rectangle([x, HEIGHT - 60, x + 36, HEIGHT - 36], fill=color)
        _text(draw, (x + 46, HEIGHT - 48), str(s.get("name", "")), 26, anchor="lm")
        x += 220
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
