"""Demo data for annual report, benchmarks and dashboards (filled in by the reports app)."""

from __future__ import annotations


def ensure_reports_data(seed: int = 2026) -> dict[str, int]:
    return {}
