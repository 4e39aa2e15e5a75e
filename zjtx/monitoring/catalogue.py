"""The default indicator catalogue: the monthly indicators of DOMAIN.md §8.

Names and units are data (Chinese allowed): they are the column headers of the bureau's
template. Ranges are in the template unit and catch slips such as 元 typed into a 万元 column.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

WAN_MAX = Decimal("10000000")  # 1,000 亿元 in 万元: no SME reports more in a month

# code, name, unit, kind, accumulation, decimal_places, min, max
DEFAULT_INDICATORS: list[tuple[str, str, str, str, str, int, Decimal | None, Decimal | None]] = [
    ("operating_revenue", "营业收入", "万元", "numeric", "current_month", 2, Decimal(0), WAN_MAX),
    (
        "main_business_revenue",
        "主营业务收入",
        "万元",
        "numeric",
        "current_month",
        2,
        Decimal(0),
        WAN_MAX,
    ),
    ("total_profit", "利润总额", "万元", "numeric", "current_month", 2, -WAN_MAX, WAN_MAX),
    ("taxes", "税金总额", "万元", "numeric", "current_month", 2, Decimal(0), WAN_MAX),
    ("export_delivery", "出口交货值", "万元", "numeric", "current_month", 2, Decimal(0), WAN_MAX),
    (
        "electricity",
        "用电量",
        "千瓦时",
        "numeric",
        "current_month",
        0,
        Decimal(0),
        Decimal("10000000000"),
    ),
    ("employees", "从业人员", "人", "numeric", "period_end", 0, Decimal(0), Decimal(200000)),
    ("rd_spending", "研发投入", "万元", "numeric", "current_month", 2, Decimal(0), WAN_MAX),
    ("receivables", "应收账款", "万元", "numeric", "period_end", 2, Decimal(0), WAN_MAX),
    (
        "finished_inventory",
        "产成品库存",
        "万元",
        "numeric",
        "period_end",
        2,
        Decimal(0),
        WAN_MAX,
    ),
    ("new_orders", "新增订单", "万元", "numeric", "current_month", 2, Decimal(0), WAN_MAX),
    ("total_assets", "资产总计", "万元", "numeric", "period_end", 2, Decimal(0), WAN_MAX * 10),
    (
        "total_liabilities",
        "负债合计",
        "万元",
        "numeric",
        "period_end",
        2,
        Decimal(0),
        WAN_MAX * 10,
    ),
    ("problems_and_demands", "存在问题和诉求", "文本", "text", "current_month", 0, None, None),
]


def load_default_indicators(indicator_model: Any) -> tuple[int, int]:
    """Create missing catalogue rows; never overwrite what the city officer changed."""
    created = existing = 0
    for order, (code, name, unit, kind, accumulation, places, low, high) in enumerate(
        DEFAULT_INDICATORS, start=1
    ):
        _obj, was_created = indicator_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "kind": kind,
                "frequency": "monthly",
                "accumulation": accumulation,
                "decimal_places": places,
                "min_value": low,
                "max_value": high,
                "sort_order": order * 10,
                "active": True,
            },
        )
        if was_created:
            created += 1
        else:
            existing += 1
    return created, existing
