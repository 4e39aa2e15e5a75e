"""Demo data for cultivation pools and talent (filled in by the cultivation app)."""

from __future__ import annotations


def ensure_cultivation_data(seed: int = 2026) -> dict[str, int]:
    return {}
