"""Deterministic demo enterprises: the same seed always gives the same city.

Figures are drawn from plausible ranges for Wuhu manufacturing SMEs (营业收入 mostly
1,000–50,000 万元, R&D 1–8 %, debt ratio 30–85 %). Nothing here is real data.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from faker import Faker

from zjtx.core.credit_code import make_valid_code

# Weights roughly follow where Wuhu's manufacturing SMEs sit.
UNIT_WEIGHTS = {
    "340202": 6,
    "340207": 10,
    "340209": 8,
    "340210": 9,
    "340212": 8,
    "340223": 6,
    "340281": 10,
    "ZONE-JK": 16,
    "ZONE-GX": 12,
    "ZONE-DQ": 7,
    "ZONE-JB": 8,
}
UNIT_DISTRICT = {
    "ZONE-JK": "340207",
    "ZONE-GX": "340209",
    "ZONE-DQ": "340207",
    "ZONE-JB": "340281",
}
UNIT_PLACE = {
    "340202": "镜湖区",
    "340207": "鸠江区",
    "340209": "弋江区",
    "340210": "湾沚区",
    "340212": "繁昌区",
    "340223": "南陵县",
    "340281": "无为市",
    "ZONE-JK": "经济技术开发区",
    "ZONE-GX": "高新技术产业开发区",
    "ZONE-DQ": "长江大桥开发区",
    "ZONE-JB": "江北产业集中区",
}
# GB/T 4754-2017 manufacturing divisions weighted towards the city's strong industries
# (auto parts, equipment, electronics, new materials).
INDUSTRY_WEIGHTS = {
    "C36": 14,
    "C34": 12,
    "C35": 10,
    "C38": 10,
    "C39": 9,
    "C33": 8,
    "C29": 7,
    "C26": 5,
    "C30": 4,
    "C40": 4,
    "C27": 3,
    "C32": 3,
    "C37": 3,
    "C13": 2,
    "C14": 2,
    "C17": 1,
    "C21": 1,
    "C22": 1,
}
PRODUCTS = {
    "C36": ["汽车零部件", "新能源汽车电驱系统", "汽车线束", "制动系统总成", "汽车内饰件"],
    "C34": ["数控机床", "工业机器人减速器", "液压元件", "精密轴承", "气动元件"],
    "C35": ["智能装备", "农业机械", "环保设备", "专用检测设备", "工程机械配件"],
    "C38": ["电线电缆", "电机", "储能电池模组", "光伏逆变器", "配电设备"],
    "C39": ["半导体器件", "显示模组", "传感器", "印制电路板", "通信模块"],
    "C33": ["金属结构件", "精密五金件", "紧固件", "铝合金压铸件"],
    "C29": ["工程塑料制品", "橡胶密封件", "改性塑料"],
    "C26": ["功能性涂料", "电子化学品", "新型胶粘剂"],
    "C30": ["特种玻璃", "新型建材", "陶瓷基板"],
    "C40": ["智能仪表", "光学检测仪器", "流量计"],
    "C27": ["原料药", "医疗器械耗材", "中成药"],
    "C32": ["铜合金材料", "铝型材"],
    "C37": ["通用航空零部件", "船舶配件", "轨道交通部件"],
    "C13": ["粮油加工产品", "饲料"],
    "C14": ["休闲食品", "调味品"],
    "C17": ["功能性面料"],
    "C21": ["办公家具"],
    "C22": ["包装纸制品"],
}
BRAND_CHARS = (
    "恒瑞华诚鑫源泰嘉宏达卓越精锐博创新远天成汇通科力盛隆德美中信安康永祥晟昌凯旭腾飞明睿祺昊"
)
SUFFIXES = ["科技", "精密", "智能", "机械", "电子", "新材料", "汽车部件", "装备", "实业", "电气"]
PREFIXES = ["芜湖", "芜湖", "安徽", "芜湖市"]
FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司"]
YEARS = (2021, 2022, 2023, 2024, 2025)
WAN = Decimal(10000)


def _yuan(wan: float) -> Decimal:
    return (Decimal(str(round(wan, 4))) * WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class DemoEnterprise:
    credit_code: str
    name: str
    unit_code: str
    industry_code: str
    established_on: date
    legal_representative: str
    contact_name: str
    contact_phone: str
    registered_address: str
    main_products: str
    financials: list[dict] = field(default_factory=list)
    ip_assets: list[dict] = field(default_factory=list)
    honours: list[dict] = field(default_factory=list)


def generate(count: int, seed: int = 2026, start: int = 0) -> Iterator[DemoEnterprise]:
    """Yield `count` enterprises; index `start` onwards, so batches continue a sequence."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    units = list(UNIT_WEIGHTS)
    unit_w = list(UNIT_WEIGHTS.values())
    inds = list(INDUSTRY_WEIGHTS)
    ind_w = list(INDUSTRY_WEIGHTS.values())
    used: set[str] = set()
    for i in range(start + count):
        unit = rng.choices(units, unit_w)[0]
        industry = rng.choices(inds, ind_w)[0]
        for _attempt in range(30):
            brand = "".join(rng.sample(BRAND_CHARS, 2))
            prefix = rng.choice(PREFIXES)
            form = rng.choice(FORMS)
            name = f"{prefix}{brand}{rng.choice(SUFFIXES)}{form}"
            if name not in used:
                break
        else:
            name = f"芜湖{brand}{rng.choice(SUFFIXES)}{i}号有限公司"
        used.add(name)
        division = UNIT_DISTRICT.get(unit, unit)
        body = f"91{division}MA{i:07d}"[:17]
        ent = DemoEnterprise(
            credit_code=make_valid_code(body),
            name=name,
            unit_code=unit,
            industry_code=industry,
            established_on=date(rng.randint(1995, 2020), rng.randint(1, 12), rng.randint(1, 28)),
            legal_representative=fake.name(),
            contact_name=fake.name(),
            contact_phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
            registered_address=f"安徽省芜湖市{UNIT_PLACE[unit]}{fake.street_name()}{rng.randint(1, 999)}号",
            main_products="、".join(
                rng.sample(PRODUCTS[industry], min(2, len(PRODUCTS[industry])))
            ),
        )
        revenue = rng.lognormvariate(8.3, 0.9)  # 万元, median about 4,000
        employees = max(12, int(revenue / rng.uniform(60, 140)))
        for year in YEARS:
            growth = rng.gauss(0.08, 0.12)
            revenue = max(300.0, revenue * (1 + growth))
            main_share = rng.uniform(0.62, 0.99)
            rd_ratio = rng.uniform(0.008, 0.085)
            margin = rng.gauss(0.06, 0.05)
            assets = revenue * rng.uniform(0.8, 1.8)
            debt_ratio = rng.uniform(0.28, 0.86)
            employees = max(10, int(employees * (1 + growth * rng.uniform(0.2, 0.8))))
            ent.financials.append(
                {
                    "year": year,
                    "operating_revenue": _yuan(revenue),
                    "main_business_revenue": _yuan(revenue * main_share),
                    "rd_expense": _yuan(revenue * rd_ratio),
                    "net_profit": _yuan(revenue * margin),
                    "total_assets": _yuan(assets),
                    "total_liabilities": _yuan(assets * debt_ratio),
                    "employees": employees,
                    "rd_staff": max(1, int(employees * rng.uniform(0.05, 0.28))),
                    "export_value": _yuan(revenue * rng.choice([0, 0, 0.05, 0.12, 0.3])),
                }
            )
        for n in range(rng.choice([0, 1, 2, 3, 5, 8])):
            kind = rng.choice(["invention", "utility", "utility", "design", "software"])
            ent.ip_assets.append(
                {
                    "ip_class": "I" if kind == "invention" else "II",
                    "kind": kind,
                    "number": f"ZL{rng.randint(2012, 2025)}{rng.randint(10000000, 99999999)}.{n}",
                    "title": f"一种{rng.choice(PRODUCTS[industry])}的{rng.choice(['制造方法', '装置', '检测系统', '结构'])}",
                    "grant_date": date(
                        rng.randint(2014, 2025), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    "high_value": kind == "invention" and rng.random() < 0.2,
                    "self_developed": rng.random() < 0.85,
                }
            )
        if rng.random() < 0.35:
            ent.honours.append(
                {
                    "kind": "high_tech",
                    "level": "national",
                    "name": "高新技术企业",
                    "awarded_on": date(rng.randint(2022, 2025), rng.randint(9, 12), 1),
                }
            )
        if rng.random() < 0.12:
            ent.honours.append(
                {
                    "kind": "tech_centre",
                    "level": rng.choice(["provincial", "municipal"]),
                    "name": "企业技术中心",
                    "awarded_on": date(rng.randint(2018, 2025), 6, 1),
                }
            )
        if rng.random() < 0.3:
            ent.honours.append(
                {
                    "kind": "digital_level",
                    "level": "",
                    "name": "中小企业数字化水平评测",
                    "value": str(rng.choice([1, 2, 2, 3, 3, 4])),
                    "awarded_on": date(2025, 3, 1),
                }
            )
        if i >= start:
            yield ent
