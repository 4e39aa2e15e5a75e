"""Fixtures for the registry: two enterprises in two units and a user of every role around them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from zjtx.accounts.models import Role


@pytest.fixture
def world(units, make_enterprise, make_user) -> Any:
    from zjtx.partners.models import FinancialInstitution

    ent_a = make_enterprise(name="奇瑞汽车股份有限公司", unit=units["镜湖区"])
    ent_b = make_enterprise(name="无为电缆有限公司", unit=units["无为市"])
    bank = FinancialInstitution.objects.create(name="芜湖测试银行")
    return SimpleNamespace(
        units=units,
        a=ent_a,
        b=ent_b,
        city=make_user(Role.CITY_OFFICER),
        unit_a=make_user(Role.UNIT_OFFICER, unit=units["镜湖区"]),
        unit_b=make_user(Role.UNIT_OFFICER, unit=units["无为市"]),
        user_a=make_user(Role.ENTERPRISE, enterprise=ent_a),
        user_b=make_user(Role.ENTERPRISE, enterprise=ent_b),
        bank=make_user(Role.BANK, institution=bank),
        sysadmin=make_user(Role.SYSADMIN),
    )


@pytest.fixture
def outsiders(world) -> list[Any]:
    """Users who must not see enterprise A: wrong unit, other enterprise, bank, administrator."""
    return [world.unit_b, world.user_b, world.bank, world.sysadmin]
