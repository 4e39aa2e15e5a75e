"""Demo data for gradient cultivation, targets and talent (芜湖实施意见 一(三), 二(一), 二(八)).

Tier histories: certified applications are taken over through the service (none in a fresh demo);
the rest of the city's earlier lists (创新型, 市/省专精特新, 小巨人, 单项冠军, marks, pools since
2022) are written in bulk as "taken over from earlier lists", one audit event for the load, as a
city would import its Excel lists. Pool changes in every state go through the services and the
workflow engine; the showcase enterprise gets a full history; the seed's targets and a yearly
set with unit shares; talent records through the service (ID numbers encrypted). Runs once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from zjtx.accounts.models import Role, User
from zjtx.core.audit import audit_record
from zjtx.enterprises.models import Enterprise
from zjtx.reference.models import AssessmentUnit

SET_TITLES = (
    "芜湖实施意见主要目标（2018—2020年）",
    "技能人才五年目标（2022—2026年）",
)
SHOWCASE_CODE = "91340202MA2W000181"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海峰波辉鹏飞斌宇浩"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
REGION = {"ZONE-JK": "340207", "ZONE-GX": "340209", "ZONE-DQ": "340207", "ZONE-JB": "340281"}


def _id_number(rng: random.Random, unit_code: str, n: int) -> str:
    region = REGION.get(unit_code, unit_code if unit_code.isdigit() else "340200")
    birth = date(1965, 1, 1) + timedelta(days=rng.randint(0, 365 * 35))
    body = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _years_after(day: date, years: int) -> date:
    """The day before the same date `years` later (a 3-year certificate); 29 February → 28."""
    try:
        return day.replace(year=day.year + years) - timedelta(days=1)
    except ValueError:
        return day.replace(year=day.year + years, day=28) - timedelta(days=1)


def _history(firms: list[Enterprise], rng: random.Random, today: date, city: Any) -> int:
    """Earlier lists in bulk: certified tiers, marks, recommendations and pool entries."""
    from zjtx.cultivation.models import TierRecord

    rows: list[TierRecord] = []

    def rec(
        ent: Enterprise,
        track: str,
        tier: str,
        action: str,
        on: date,
        reason: str,
        valid: date | None = None,
    ) -> None:
        rows.append(
            TierRecord(
                enterprise=ent,
                unit_id=ent.unit_id,
                track=track,
                tier=tier,
                action=action,
                on=on,
                valid_until=valid,
                reason=reason,
                decided_by=city,
                source=TierRecord.Source.BACKFILL,
            )
        )

    def three_years(day: date) -> date:
        return _years_after(day, 3)

    for ent in firms:
        if ent.credit_code == SHOWCASE_CODE:
            continue
        r = rng.random()
        if r < 0.30:
            on = _day(rng, date(2022, 9, 1), date(today.year, 3, 31))
            rec(
                ent,
                "certified",
                "innovative",
                "grant",
                on,
                "列入创新型中小企业公告",
                three_years(on),
            )
        if r < 0.12:
            on = _day(rng, date(2019, 6, 1), date(today.year - 1, 12, 31))
            rec(
                ent,
                "certified",
                "municipal",
                "grant",
                on,
                "经市级专精特新中小企业认定",
                three_years(on),
            )
            if rng.random() < 0.6 and on.year + 3 <= today.year:  # renewed after re-review
                again = three_years(on) + timedelta(days=1)
                rec(
                    ent,
                    "certified",
                    "municipal",
                    "grant",
                    again,
                    "复核通过，延续有效期",
                    three_years(again),
                )
        if r < 0.05:
            on = _day(rng, date(2022, 1, 1), date(today.year, 6, 30))
            rec(
                ent,
                "certified",
                "provincial",
                "recommend",
                on - timedelta(days=60),
                "由市级推荐申报省级专精特新中小企业",
            )
            rec(
                ent,
                "certified",
                "provincial",
                "grant",
                on,
                "经省经信厅认定为省级专精特新中小企业",
                three_years(on),
            )
        elif r < 0.08:
            on = _day(rng, date(today.year, 1, 1), min(today, date(today.year, 6, 30)))
            rec(
                ent,
                "certified",
                "provincial",
                "recommend",
                on,
                "由市级推荐申报省级专精特新中小企业",
            )
        if r < 0.012:
            on = _day(rng, date(2022, 7, 1), date(today.year, 7, 31))
            rec(
                ent,
                "certified",
                "little_giant",
                "grant",
                on,
                "工业和信息化部公告为专精特新“小巨人”企业",
                three_years(on),
            )
        if r < 0.003:
            on = _day(rng, date(2023, 1, 1), date(today.year - 1, 12, 31))
            rec(ent, "certified", "champion", "grant", on, "工业和信息化部公告为制造业单项冠军企业")
        if rng.random() < 0.03:
            rec(
                ent,
                "mark",
                "supply_expert",
                "grant",
                _day(rng, date(2021, 1, 1), today),
                "市级认定为“配套专家”企业",
            )
        if rng.random() < 0.04:
            rec(
                ent,
                "mark",
                "fine_product",
                "grant",
                _day(rng, date(2021, 1, 1), today),
                "产品入选安徽工业精品",
            )
        p = rng.random()
        if p < 0.28:
            entered = _day(rng, date(2022, 3, 1), today - timedelta(days=30))
            rec(ent, "pool", "reserve", "enter", entered, "储备一批：首批梯度培育名单")
            if p < 0.14:
                up = _day(rng, entered + timedelta(days=90), today)
                if up <= today:
                    rec(
                        ent,
                        "pool",
                        "cultivate",
                        "enter",
                        up,
                        "培育一批：研发投入和增长达到培育条件",
                    )
            if p < 0.05:
                up2 = _day(rng, entered + timedelta(days=400), today)
                if up2 <= today:
                    rec(ent, "pool", "upgrade", "enter", up2, "提升一批：拟推荐认定")
            if 0.25 < p < 0.28:
                out = _day(rng, entered + timedelta(days=60), today)
                if out <= today:
                    rec(ent, "pool", "none", "exit", out, "经营异常，调出培育库")
    rows = [r for r in rows if r.on <= today]
    TierRecord.objects.bulk_create(rows, batch_size=2000)
    audit_record(
        actor=city,
        action="cultivation.tier_history.backfill",
        object_type="cultivation.tierrecord",
        after={"records": len(rows), "source": "演示数据：历史名单导入"},
    )
    return len(rows)


def _showcase(city: Any, unit_officer: Any, today: date) -> None:
    from zjtx.cultivation import services

    ent = Enterprise.objects.filter(credit_code=SHOWCASE_CODE).first()
    if ent is None:
        return
    services.tier_write(
        enterprise=ent,
        track="certified",
        tier="innovative",
        action="grant",
        on=date(today.year - 2, 11, 20),
        valid_until=date(today.year + 1, 11, 19),
        reason="列入创新型中小企业公告",
        actor=city,
        source="recorded",
    )
    services.tier_write(
        enterprise=ent,
        track="pool",
        tier="reserve",
        action="enter",
        on=date(today.year - 2, 4, 10),
        reason="储备一批：首批梯度培育名单",
        actor=city,
        source="backfill",
    )
    if unit_officer is not None:
        change = services.pool_change_propose(
            enterprise=ent,
            to_pool="cultivate",
            reason="研发费用占比连续两年超过4%，拟调入培育库",
            actor=unit_officer,
            today=today - timedelta(days=20),
        )
        services.pool_change_transition(change=change, action="confirm", actor=city)


def _changes(firms: list[Enterprise], rng: random.Random, city: Any, today: date) -> int:
    """Proposals by the unit officers: some confirmed, some returned, some still waiting."""
    from zjtx.cultivation import services
    from zjtx.cultivation.selectors import open_change_of, tier_state_of

    officers = {u.unit_id: u for u in User.objects.filter(role=Role.UNIT_OFFICER, is_active=True)}
    made = 0
    pools = ["reserve", "cultivate", "upgrade"]
    for ent in firms:
        officer = officers.get(ent.unit_id)
        if officer is None or ent.credit_code == SHOWCASE_CODE or open_change_of(ent.pk):
            continue
        current = tier_state_of(enterprise_id=ent.pk, on=today).pool
        target = (
            next((p for p in pools if pools.index(p) > pools.index(current)), None)
            if (current in pools)
            else "reserve"
        )
        if target is None:
            continue
        change = services.pool_change_propose(
            enterprise=ent,
            to_pool=target,
            reason=rng.choice(
                [
                    "营业收入连续两年增长超过15%，研发投入稳定",
                    "新获发明专利授权，主导产品细分市场占有率提升",
                    "拟申报市级专精特新，先纳入梯度培育",
                    "企业技术中心获批市级，具备培育条件",
                ]
            ),
            actor=officer,
            today=today - timedelta(days=rng.randint(1, 25)),
        )
        made += 1
        fate = made % 4
        if fate == 1:
            services.pool_change_transition(change=change, action="confirm", actor=city)
        elif fate == 2:
            services.pool_change_transition(
                change=change,
                action="return",
                actor=city,
                reason="请补充上年度研发费用专项审计报告后再报",
            )
        if made >= 16:
            break
    return made


def _targets(city: Any, today: date) -> int:
    from zjtx.cultivation.models import Metric, TargetSet
    from zjtx.cultivation.services import TargetItemIn, target_set_create

    units = list(AssessmentUnit.objects.order_by("sort_order", "code"))
    weights = {u.code: max(1, Enterprise.objects.filter(unit=u).count()) for u in units}
    total_w = sum(weights.values())

    def split(total: int) -> dict[str, int]:
        shares = {code: total * w // total_w for code, w in weights.items()}
        rest = total - sum(shares.values())
        for code in sorted(weights, key=lambda c: -weights[c])[:rest]:
            shares[code] += 1
        return shares

    made = 0
    year_title = f"{today.year}年度梯度培育目标"
    specs = [
        (
            SET_TITLES[0],
            "芜湖实施意见 一(三)",
            date(2018, 7, 1),
            date(2020, 12, 31),
            [
                TargetItemIn(
                    Metric.CERTIFIED_HELD,
                    "市级专精特新中小企业（家）",
                    300,
                    {"tier": "municipal"},
                    split(300),
                ),
                TargetItemIn(
                    Metric.CERTIFIED_LARGE,
                    "其中主营业务收入10亿元以上“行业小巨人”（户）",
                    15,
                    {"tier": "municipal", "min_revenue_yuan": "1000000000"},
                    {},
                ),
            ],
        ),
        (
            year_title,
            "芜湖实施意见 二(一)、三(三)、三(四)",
            date(today.year, 1, 1),
            date(today.year, 12, 31),
            [
                TargetItemIn(
                    Metric.CERTIFIED_NEW,
                    "新认定市级专精特新中小企业（户）",
                    50,
                    {"tier": "municipal"},
                    split(50),
                ),
                TargetItemIn(
                    Metric.PROVINCE_RECOMMENDED,
                    "推荐申报省级专精特新（户）",
                    20,
                    {"tier": "provincial"},
                    split(20),
                ),
                TargetItemIn(
                    Metric.LISTING_RECOMMENDED, "推荐“安徽专精特新板”挂牌（户）", 10, {}, {}
                ),
                TargetItemIn(Metric.POOL_SIZE, "梯度培育库在库企业（家）", 120, {}, split(120)),
            ],
        ),
        (
            SET_TITLES[1],
            "芜湖实施意见 二(八)",
            date(2022, 1, 1),
            date(2026, 12, 31),
            [
                TargetItemIn(Metric.TECHNICIANS, "培育技师、高级技师（名）", 3000, {}, split(3000)),
                TargetItemIn(Metric.CHIEF_TECHNICIANS, "选拔市首席技师（名）", 30, {}, {}),
                TargetItemIn(Metric.MASTER_STUDIOS, "新建技能大师工作室（家）", 20, {}, {}),
            ],
        ),
    ]
    for title, basis, start, end, items in specs:
        if TargetSet.objects.filter(title=title).exists():
            continue
        target_set_create(
            actor=city,
            title=title,
            basis=basis,
            period_start=start,
            period_end=end,
            items=items,
            note="演示数据",
        )
        made += 1
    return made


def _talent(firms: list[Enterprise], rng: random.Random, city: Any, count: int, today: date) -> int:
    from zjtx.cultivation import services

    made = 0
    studios = 0
    start = date(2022, 1, 1)
    for n in range(count):
        ent = rng.choice(firms)
        kind = (
            "chief_technician"
            if n % 40 == 0
            else rng.choice(["technician", "technician", "senior_technician"])
        )
        try:
            services.talent_add(
                actor=city,
                kind=kind,
                person_name=_name(rng),
                id_number=_id_number(rng, ent.unit.code, n),
                certificate_number=""
                if kind == "chief_technician"
                # 职业技能等级证书编号: digits only (2 = 技师, 1 = 高级技师); no Latin codes
                else f"34{'2' if kind == 'technician' else '1'}{rng.randint(10**9, 10**10 - 1)}",
                awarded_on=_day(rng, start, today),
                enterprise=ent,
            )
            made += 1
        except Exception:  # a drawn duplicate: the duplicate check is the point
            continue
        if n % 45 == 0 and studios < 12:
            try:
                services.studio_add(
                    actor=city,
                    enterprise=ent,
                    name=f"{_name(rng)}技能大师工作室",
                    master_name=_name(rng),
                    level=rng.choice(["municipal", "municipal", "provincial", "national"]),
                    established_on=_day(rng, start, today),
                )
                studios += 1
            except Exception:
                continue
    return made


def ensure_cultivation_data(seed: int = 2026) -> dict[str, int]:
    from zjtx.cultivation.models import TargetSet, TierRecord
    from zjtx.cultivation.services import tiers_backfill_from_certification

    city = User.objects.filter(role=Role.CITY_OFFICER, username="city_admin").first()
    if city is None:
        return {}
    today = timezone.localdate()
    out = {"backfilled": tiers_backfill_from_certification(actor=city)}
    if TargetSet.objects.filter(title=SET_TITLES[1]).exists() and TierRecord.objects.exists():
        return out
    rng = random.Random(seed + 13)
    firms = list(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED)
        .select_related("unit")
        .order_by("credit_code")
    )
    if not firms:
        return out
    jinghu = User.objects.filter(username="jinghu_officer").first()
    with transaction.atomic():
        out["history"] = _history(firms, rng, today, city)
        _showcase(city, jinghu, today)
    with transaction.atomic():
        out["changes"] = _changes(firms[: min(len(firms), 400)], rng, city, today)
    with transaction.atomic():
        out["targets"] = _targets(city, today)
    talent = 600 if len(firms) < 1000 else 2400
    with transaction.atomic():
        out["talent"] = _talent(firms[:2000], rng, city, talent, today)
    return out
