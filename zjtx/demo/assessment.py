"""Demo data for annual assessment of units (filled in by the assessment app)."""

from __future__ import annotations


def ensure_assessment_data(seed: int = 2026) -> dict[str, int]:
    return {}
