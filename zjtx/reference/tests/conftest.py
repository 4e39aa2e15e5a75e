"""Fixtures for reference data: the packaged rules (no database) and a loaded database."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def wan(value: str | int | None) -> Decimal | None:
    """万元 -> 元, exactly."""
    return None if value is None else Decimal(str(value)) * 10000


@pytest.fixture(scope="session")
def rules() -> dict[str, Any]:
    data = yaml.safe_load((DATA_DIR / "size_standard.yaml").read_text(encoding="utf-8"))
    return data["standards"][0]["rules"]


@pytest.fixture
def reference_data(db) -> Any:
    from zjtx.reference.services import reference_load

    return reference_load()
