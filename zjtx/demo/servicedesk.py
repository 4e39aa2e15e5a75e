"""Demo data for the enterprise service centre (芜湖实施意见 二(五)), built through its services.

The six platforms with 15 published providers (each with a user; provider_demo is the first),
200 requests filed over the last year in every state, with clocks met and breached, hand-offs,
escalations, an extension, ratings and call-backs; 10 events with registrations, check-ins and
scores; a 申兑指南 per policy package in force and a few articles; 3 cluster towns. Runs once.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zjtx.accounts.models import Role, User
from zjtx.core.credit_code import make_valid_code
from zjtx.core.workdays import add_working_days
from zjtx.enterprises.models import Enterprise
from zjtx.partners.models import FinancialInstitution, ServiceProvider
from zjtx.reference.models import AssessmentUnit
from zjtx.servicedesk import events as event_services
from zjtx.servicedesk import providers as provider_services
from zjtx.servicedesk import services
from zjtx.servicedesk.models import (
    SERVICE_FUNCTIONS,
    Article,
    Category,
    CategorySla,
    ClusterTown,
    ServiceEvent,
    ServiceRequest,
)

from .seeding import DEMO_PASSWORD

P = ServiceProvider.Platform
PROVIDERS: list[tuple[str, str, list[str], str]] = [
    ("芜湖市中小企业公共服务平台", P.TECHNOLOGY, ["policy_consulting", "informatization"], "free"),
    ("芜湖市融资担保服务中心", P.FINANCING, ["financing"], "inclusive"),
    ("江城科技金融服务有限公司", P.FINANCING, ["financing", "finance_guidance"], "market"),
    ("皖江知识产权服务中心", P.TECHNOLOGY, ["ip"], "inclusive"),
    ("芜湖工业设计研究院", P.TECHNOLOGY, ["innovation", "informatization"], "market"),
    ("芜湖市人才发展集团", P.TALENT, ["training"], "inclusive"),
    ("镜湖职业技能培训学校", P.TALENT, ["training"], "free"),
    ("芜湖高新区标准厂房运营公司", P.PREMISES, ["market"], "market"),
    ("三山小微企业创业基地", P.PREMISES, ["innovation"], "inclusive"),
    ("芜湖市创业孵化中心", P.INNOVATION, ["innovation", "policy_consulting"], "free"),
    ("长江众创空间", P.INNOVATION, ["innovation"], "inclusive"),
    ("芜湖市企业家沙龙", P.SALON, ["training", "market"], "free"),
    ("徽商财务咨询有限公司", P.FINANCING, ["finance_guidance"], "market"),
    ("芜湖数字化转型促进中心", P.TECHNOLOGY, ["informatization"], "inclusive"),
    ("皖南外贸综合服务平台", P.SALON, ["market"], "inclusive"),
]
TOPICS = {
    "policy_consulting": (
        "专精特新奖补政策咨询",
        "想了解市级专精特新企业一次性奖补的申报条件和时间。",
    ),
    "innovation": ("创业孵化场地与辅导", "新设研发团队，希望入驻孵化器并获得创业辅导。"),
    "ip": ("发明专利申请辅导", "有两项核心技术准备申请发明专利，需要代理机构辅导。"),
    "financing": ("技改设备贷款", "计划购置数控设备约500万元，希望对接低息贷款和担保。"),
    "training": ("中层管理人员培训", "希望组织中层经理参加精益管理培训。"),
    "market": ("参加产销对接会", "希望参加汽车零部件产业链对接活动，拓展客户。"),
    "finance_guidance": ("研发费用归集指导", "研发费用加计扣除的归集口径不清楚，需要财务指导。"),
    "informatization": ("数字化车间改造咨询", "希望评估MES系统上线方案和智能化改造补助。"),
    "policy_redemption": ("技改奖补兑现进度", "去年申报的技术改造奖补至今未到账，请协调。"),
    "factor_support": ("用电增容", "新车间投产需要用电增容，请协调供电部门。"),
    "complaint": ("审批拖延投诉", "环评审批超过承诺时限，影响项目开工。"),
    "other": ("其他咨询", "想了解市企业服务中心可以提供哪些服务。"),
}


def _officers() -> dict[str, Any]:
    units = {u.unit_id: u for u in User.objects.filter(role=Role.UNIT_OFFICER, is_active=True)}
    return {"city": User.objects.filter(role=Role.CITY_OFFICER).first(), "units": units}


def _ensure_providers(city: User) -> list[ServiceProvider]:
    out = []
    for i, (name, platform, functions, fee) in enumerate(PROVIDERS):
        listing = provider_services.listing_submit(
            actor=city,
            name=name,
            credit_code_raw=make_valid_code(f"5234020{i:02d}MJ{i:06d}"[:17]),
            platforms=[platform],
            functions=functions,
            fee_policy=fee,
            qualifications="市级中小企业公共服务平台",
            contact_name="服务专员",
            contact_phone=f"0553-58{i:02d}0000",
        )
        listing = provider_services.listing_review(listing=listing, publish=True, actor=city)
        provider = listing.provider
        assert provider is not None
        if not User.objects.filter(role=Role.PROVIDER, provider=provider).exists():
            User.objects.create_user(
                username=f"provider_{i + 1:02d}",
                password=DEMO_PASSWORD,
                role=Role.PROVIDER,
                provider=provider,
                full_name=f"{name}服务专员",
            )
        out.append(provider)
    year = timezone.localdate().year - 1
    provider_services.honour_record(
        provider=out[0], year=year, level="provincial", actor=city, note="省级示范平台"
    )
    provider_services.honour_record(
        provider=out[1], year=year, level="incentive", actor=city, amount_yuan=Decimal("200000")
    )
    return out


def _slas(providers: list[ServiceProvider]) -> None:
    CategorySla.objects.get_or_create(category="complaint", defaults={"route_to": "city_officer"})
    CategorySla.objects.get_or_create(
        category="training", defaults={"route_to": "provider", "provider": providers[5]}
    )
    CategorySla.objects.get_or_create(
        category="ip", defaults={"route_to": "provider", "provider": providers[3], "reply_days": 5}
    )
    CategorySla.objects.get_or_create(
        category="policy_redemption", defaults={"accept_days": 1, "resolve_days": 10}
    )


def _actor_for(req: ServiceRequest, people: dict[str, Any]) -> Any:
    if req.handler == "provider":
        return User.objects.filter(role=Role.PROVIDER, provider_id=req.provider_id).first()
    if req.handler == "unit_officer":
        return people["units"].get(req.unit_id) or people["city"]
    return people["city"]


def _requests(
    rng: random.Random, firms: list[Enterprise], people: dict[str, Any], providers: list[Any]
) -> int:
    today = timezone.localdate()
    city = people["city"]
    users = {u.enterprise_id: u for u in User.objects.filter(role=Role.ENTERPRISE)}
    categories = list(Category.values)
    made = 0
    for n in range(200):
        firm = firms[n % len(firms)]
        filer = users.get(firm.pk) or people["units"].get(firm.unit_id) or city
        filed = today - timedelta(days=int(365 * (1 - n / 200)) + 1)
        category = categories[rng.randrange(len(categories))]
        title, text = TOPICS[category]
        req = services.request_file(
            enterprise=firm,
            category=category,
            title=title,
            text=text,
            actor=filer,
            channel="online" if filer.role == Role.ENTERPRISE else rng.choice(["visit", "phone"]),
            today=filed,
        )
        made += 1
        fate = rng.random()
        recent = (today - filed).days < 25
        if recent and fate < 0.5:
            continue  # still waiting for acceptance
        late = rng.random() < 0.2  # some clocks breached
        day = add_working_days(filed, 2 if late else 1)
        if req.handler == "unit_officer" and rng.random() < 0.25:
            services.request_route(
                request=req,
                to="provider",
                provider=providers[rng.randrange(len(providers))],
                reason="对口服务机构更专业",
                actor=_actor_for(req, people),
                today=filed,
            )
        actor = _actor_for(req, people)
        services.request_transition(request=req, action="accept", actor=actor, today=day)
        if recent and fate < 0.7:
            continue
        day = add_working_days(day, 4 if late else 2)
        if rng.random() < 0.2:
            services.request_transition(
                request=req,
                action="ask_enterprise",
                actor=actor,
                reason="请补充相关证明材料",
                today=day,
            )
            if recent and fate < 0.8:
                continue
            day = add_working_days(day, 3)
            services.request_transition(
                request=req,
                action="supplement",
                actor=filer
                if filer.role == Role.ENTERPRISE
                else people["units"].get(firm.unit_id) or city,
                reason="材料已上传",
                today=day,
            )
        else:
            services.request_transition(
                request=req,
                action="reply",
                actor=actor,
                reason="已了解情况，正在协调办理",
                today=day,
            )
        if n % 40 == 7:
            ext = services.extension_request(request=req, reason="需跨部门协调", actor=actor)
            services.extension_decide(extension=ext, approve=True, actor=city, today=day)
        if recent and fate < 0.9:
            continue
        day = add_working_days(day, 18 if late else rng.randrange(2, 10))
        if day >= today:
            continue
        services.request_transition(
            request=req,
            action="close",
            actor=actor,
            reason="经协调已办结：" + title + "，详见答复。",
            today=day,
        )
        ent = users.get(firm.pk)
        if ent is None:
            continue
        day = day + timedelta(days=1)
        if rng.random() < 0.08:
            services.request_transition(
                request=req, action="reopen", actor=ent, reason="问题尚未彻底解决", today=day
            )
            continue
        if day >= today:
            continue
        services.request_transition(request=req, action="confirm", actor=ent, today=day)
        if rng.random() < 0.85:
            level = rng.choices(["satisfied", "fairly", "dissatisfied"], [70, 22, 8])[0]
            services.request_rate(
                request=req,
                level=level,
                reason="" if level == "satisfied" else "办理速度可以更快",
                actor=ent,
                today=day,
            )
            if n % 10 == 3:
                services.callback_record(
                    request=req, level=level, note="电话回访，企业反映属实", actor=city
                )
    services.requests_escalate(today=today)
    return made


def _ensure_enterprise_users(count: int = 12) -> None:
    """A few more enterprise logins, so that requests are confirmed and rated by the firm."""
    have = set(User.objects.filter(role=Role.ENTERPRISE).values_list("enterprise_id", flat=True))
    firms = [f for f in Enterprise.objects.order_by("id")[: count * 2] if f.pk not in have]
    for i, firm in enumerate(firms[: max(count - len(have), 0)]):
        User.objects.create_user(
            username=f"enterprise_{i + 2:02d}",
            password=DEMO_PASSWORD,
            role=Role.ENTERPRISE,
            enterprise=firm,
            full_name=f"{firm.name[:10]}联系人",
        )


def _events(providers: list[ServiceProvider], firms: list[Enterprise], city: User) -> int:
    ent_users = list(User.objects.filter(role=Role.ENTERPRISE)[:12])
    kinds = ["salon", "training", "matchmaking"]
    titles = [
        "专精特新政策解读沙龙",
        "中层经理精益管理培训",
        "汽车零部件产销对接会",
        "知识产权质押融资沙龙",
        "数字化转型培训",
        "银企对接会",
        "职业经理人培育工程培训",
        "工业设计对接会",
        "出口企业沙龙",
        "财务规范化培训",
    ]
    now = timezone.now()
    for i, title in enumerate(titles):
        organiser = (
            User.objects.filter(role=Role.PROVIDER, provider=providers[i % len(providers)]).first()
            or city
        )
        event = event_services.event_create(
            actor=organiser,
            title=title,
            kind=kinds[i % 3],
            starts_at=now + timedelta(days=1 + i),
            place="芜湖市企业服务大厅" if i % 2 else "芜湖市科技馆报告厅",
            capacity=30 + 10 * i,
            manager_training=kinds[i % 3] == "training",
        )
        regs = [
            event_services.event_register(event=event, actor=u, attendee=u.display_name)
            for u in ent_users[: 4 + i % 8]
        ]
        if i < 6:  # held already: moved into the past, attendees checked in and scored
            ServiceEvent.objects.filter(pk=event.pk).update(
                starts_at=now - timedelta(days=20 * (6 - i))
            )
            for j, reg in enumerate(regs):
                if j % 5 == 4:
                    continue  # did not come
                event_services.event_check_in(token=reg.token, actor=organiser)
                user = next(u for u in ent_users if u.enterprise_id == reg.enterprise_id)
                event_services.event_rate(event=event, actor=user, score=5 - j % 3)
    return len(titles)


def _knowledge() -> int:
    from zjtx.policy.selectors import packages_current

    today = timezone.localdate()
    made = 0
    for package in packages_current().values():
        if package.kind != "award" or not package.in_force(today):
            continue
        Article.objects.get_or_create(
            kind=Article.Kind.GUIDE,
            program_id=package.id,
            defaults={
                "title": f"{package.title}申兑指南",
                "category": Category.POLICY_REDEMPTION,
                "keywords": f"{package.title} 奖补 申报 兑现",
                "who": "在芜湖市依法登记、符合条件的中小企业",
                "conditions": "\n".join(c.when_text for c in package.conditions) or package.clause,
                "amount": "按政策条款计算，以政策计算器结果为准",
                "materials": "申请表；营业执照；相关证明材料（PDF）",
                "time_limit": "受理后5个工作日内县区初审，市级审批后发放",
                "office": "芜湖市经济和信息化局中小企业科",
                "phone": "0553-3838000",
                "body": f"依据：{package.document} {package.clause}",
            },
        )
        made += 1
    for category, (title, text) in TOPICS.items():
        Article.objects.get_or_create(
            kind=Article.Kind.ARTICLE,
            title=f"常见问题：{title}",
            defaults={
                "category": category,
                "keywords": title,
                "body": text + "\n答：请参阅相关政策并联系对口服务机构。",
            },
        )
        made += 1
    return made


def _clusters(providers: list[ServiceProvider]) -> int:
    units = list(AssessmentUnit.objects.order_by("code")[:3])
    bank = FinancialInstitution.objects.first()
    tech = Enterprise.objects.order_by("id").first()
    rows = [
        ("繁昌孙村镇", "机械装备", bank, providers[0], tech, "孙村机械", "孙村机械行业协会"),
        ("无为高沟镇", "电线电缆", bank, providers[4], None, "高沟电缆", ""),
        ("湾沚安徽新芜经济开发区", "汽车零部件", None, None, None, "", "新芜汽配商会"),
    ]
    for i, (name, industry, fin, platform, ent, brand, assoc) in enumerate(rows):
        ClusterTown.objects.get_or_create(
            name=name,
            defaults={
                "kind": ClusterTown.Kind.TOWN if i < 2 else ClusterTown.Kind.PARK,
                "unit": units[i % len(units)],
                "industry": industry,
                "financing_institution": fin,
                "service_platform": platform,
                "tech_centre_enterprise": ent,
                "regional_brand": brand,
                "association": assoc,
            },
        )
    return len(rows)


def ensure_servicedesk_data(seed: int = 2026) -> dict[str, int]:
    """Load the service-centre demo once; later runs change nothing."""
    if ServiceRequest.objects.exists():
        return {"providers": 0, "requests": 0, "events": 0, "articles": 0, "clusters": 0}
    people = _officers()
    city = people["city"]
    if city is None:
        return {"providers": 0, "requests": 0, "events": 0, "articles": 0, "clusters": 0}
    rng = random.Random(seed)
    with transaction.atomic():
        _ensure_enterprise_users()
        providers = _ensure_providers(city)
        _slas(providers)
        articles = _knowledge()
        clusters = _clusters(providers)
        events = _events(providers, [], city)
    firms = list(
        Enterprise.objects.filter(users__role=Role.ENTERPRISE).distinct().order_by("id")
    ) + list(Enterprise.objects.order_by("id")[:60])
    with transaction.atomic():
        made = _requests(rng, firms, people, providers)
    return {
        "providers": len(providers),
        "requests": made,
        "events": events,
        "articles": articles,
        "clusters": clusters,
    }


__all__ = ["SERVICE_FUNCTIONS", "ensure_servicedesk_data"]
