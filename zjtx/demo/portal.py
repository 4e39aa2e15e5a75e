"""Demo data for public portal (filled in by the portal app)."""

from __future__ import annotations


def ensure_portal_data(seed: int = 2026) -> dict[str, int]:
    return {}
