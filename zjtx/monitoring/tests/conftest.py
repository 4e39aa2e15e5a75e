from __future__ import annotations

from typing import Any

import pytest

from zjtx.accounts.models import Role

PERIOD = "2026-09"


@pytest.fixture
def unit_officer(make_user, units) -> Any:
    return make_user(Role.UNIT_OFFICER, unit=units["镜湖区"])


@pytest.fixture
def other_unit_officer(make_user, units) -> Any:
    return make_user(Role.UNIT_OFFICER, unit=units["无为市"])


@pytest.fixture
def firms(make_enterprise, units) -> dict[str, Any]:
    """Two firms in 镜湖区, one in 无为市."""
    return {
        "a": make_enterprise("芜湖甲精密机械有限公司", units["镜湖区"]),
        "b": make_enterprise("芜湖乙新材料有限公司", units["镜湖区"]),
        "w": make_enterprise("无为丙电缆有限公司", units["无为市"]),
    }
