"""Fixtures of the reports tests (the data builder lives in citydata.py, shared with the
browser test)."""

from __future__ import annotations

from typing import Any

import pytest

from .citydata import build_city


@pytest.fixture
def city_data(make_enterprise, make_user, units) -> dict[str, Any]:
    return build_city(make_enterprise, make_user, units)
