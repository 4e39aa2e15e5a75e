"""Demo data for financing (芜湖实施意见 三(三)), built through the financing services.

Four lenders with a user each (bank_demo of 徽商银行芜湖分行 is reused), twelve products on
the eligibility rule packages of policies/financing/ (ten published, one awaiting review, one
returned), 60 demands over the last four months with consents to one or two lenders and every
outcome (awaiting take-up, some overdue; taken up; 授信; 放款; declined; consent withdrawn),
receivables confirmed and disputed by the core enterprise, and a listing pipeline with ten
recommendations this year. Runs once: a database that already holds demands is left alone.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zjtx.accounts.models import Role, User
from zjtx.core.notifications import notices_batched
from zjtx.core.workdays import add_working_days
from zjtx.enterprises.models import Enterprise
from zjtx.financing import services
from zjtx.financing.models import Demand, Engagement, ListingCandidate
from zjtx.partners.models import FinancialInstitution
from zjtx.policy.models import PolicyProgram
from zjtx.policy.services import POLICIES_DIR, policies_load

LENDERS = [
    # name, short name, kind, username of its user, full name
    ("徽商银行芜湖分行", "徽商银行", "bank", "bank_demo", "赵磊（客户经理）"),
    ("芜湖扬子农村商业银行", "扬子农商行", "bank", "bank_yangzi", "钱芳（客户经理）"),
    ("中国工商银行芜湖分行", "工商银行", "bank", "bank_icbc", "孙强（客户经理）"),
    (
        "芜湖市中小企业融资担保有限公司",
        "市融资担保",
        "guarantee",
        "guarantee_demo",
        "吴洁（业务经理）",
    ),
]
GOV_SPLIT = {"guarantor": 40, "reguarantor": 30, "bank": 20, "government": 10}
# lender index, name, kind, package, guarantees, purposes, amounts (万元), terms, rates, split
PRODUCTS: list[tuple[Any, ...]] = [
    (
        0,
        "税融通",
        "tax_loan",
        "tax_loan",
        ["credit"],
        ["working_capital"],
        (50, 1000),
        (6, 36),
        ("3.20", "4.35"),
        {},
    ),
    (
        0,
        "专精特新贷",
        "loan",
        "zjtx_loan",
        ["credit", "ip_pledge"],
        [],
        (100, 3000),
        (12, 36),
        ("3.00", "4.20"),
        {},
    ),
    (
        0,
        "科技贷",
        "loan",
        "tech_loan",
        ["credit", "ip_pledge", "guarantor"],
        ["rd", "tech_upgrade"],
        (100, 2000),
        (12, 36),
        ("3.10", "4.50"),
        {},
    ),
    (
        1,
        "续贷过桥",
        "bridge",
        "renewal_bridge",
        ["credit", "guarantor"],
        ["working_capital"],
        (50, 2000),
        (1, 3),
        ("3.85", "5.50"),
        {},
    ),
    (
        1,
        "知识产权质押贷",
        "loan",
        "ip_pledge",
        ["ip_pledge"],
        [],
        (50, 1000),
        (12, 36),
        ("3.45", "4.90"),
        {},
    ),
    (
        1,
        "流动资金贷",
        "loan",
        "working_capital",
        ["mortgage", "guarantor", "credit"],
        ["working_capital"],
        (30, 500),
        (6, 12),
        ("3.65", "5.20"),
        {},
    ),
    (
        2,
        "应收账款融资",
        "supply_chain",
        "receivable_finance",
        ["receivable"],
        ["working_capital"],
        (50, 3000),
        (3, 12),
        ("3.10", "4.00"),
        {},
    ),
    (
        2,
        "设备更新贷",
        "loan",
        "equipment_loan",
        ["mortgage", "credit"],
        ["equipment", "tech_upgrade"],
        (200, 5000),
        (24, 60),
        ("2.90", "3.80"),
        {},
    ),
    (
        2,
        "订单贷",
        "loan",
        "order_loan",
        ["order", "credit"],
        ["working_capital"],
        (50, 1000),
        (3, 12),
        ("3.30", "4.60"),
        {},
    ),
    (
        3,
        "新型政银担",
        "gov_bank_guarantee",
        "gov_bank_guarantee",
        ["guarantor"],
        [],
        (50, 1000),
        (12, 36),
        ("3.50", "4.50"),
        GOV_SPLIT,
    ),
    (
        3,
        "初创科技贷",
        "gov_bank_guarantee",
        "startup_loan",
        ["guarantor", "credit"],
        ["rd", "working_capital"],
        (20, 300),
        (12, 24),
        ("3.60", "4.80"),
        GOV_SPLIT,
    ),
    (
        3,
        "科创信用贷",
        "credit_line",
        "credit_loan",
        ["credit"],
        [],
        (50, 800),
        (12, 36),
        ("3.40", "4.60"),
        {},
    ),
]
PURPOSES = ["working_capital", "tech_upgrade", "rd", "equipment", "working_capital"]
GUARANTEES = [
    ["credit"],
    ["credit", "ip_pledge"],
    ["guarantor"],
    ["mortgage", "credit"],
    ["receivable"],
]
GRADES = ["A", "B", "A", "M", "", "B"]
LISTING_REASONS = [
    "营业收入连续三年增长超过20%，细分市场占有率居全省前列",
    "拥有Ⅰ类知识产权12项，主导产品为国内首台（套）装备",
    "省级专精特新中小企业，已完成股份制改造",
    "研发投入占营业收入比例超过8%，已引入战略投资者",
    "主导产品进入整车厂一级供应体系，规范运作基础较好",
]


def _user(username: str, role: str, full_name: str, password: str, **scope: Any) -> User:
    """A demo login with the demo password, given already hashed (one hash for all lenders)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username, password=password, role=role, full_name=full_name, **scope
        )
        if user.needs_second_factor:
            from zjtx.demo.seeding import _ensure_totp

            _ensure_totp(user)
    return user


def _firm_user(firm: Enterprise) -> User:
    user = User.objects.filter(role=Role.ENTERPRISE, enterprise=firm).first()
    if user is None:
        user = User(
            username=f"fin_{firm.credit_code[-8:].lower()}",
            role=Role.ENTERPRISE,
            enterprise=firm,
            full_name=f"{firm.name[:10]}联系人",
        )
        user.set_unusable_password()  # hashing a password per firm would slow the seed
        user.save()
    return user


def _lenders() -> list[tuple[FinancialInstitution, User]]:
    from django.contrib.auth.hashers import make_password

    from zjtx.demo.seeding import DEMO_PASSWORD

    password = make_password(DEMO_PASSWORD)  # hashing costs a third of a second each time
    out = []
    for name, short, kind, username, full_name in LENDERS:
        institution, _ = FinancialInstitution.objects.get_or_create(
            name=name, defaults={"short_name": short, "kind": kind}
        )
        existing = User.objects.filter(username=username).first()
        if existing is not None and existing.institution is not None:
            institution = existing.institution  # bank_demo keeps the institution seeding gave it
        user = _user(username, Role.BANK, full_name, password, institution=institution)
        out.append((institution, user))
    return out


def _products(lenders: list[tuple[FinancialInstitution, User]], city: User) -> int:
    made = 0
    for i, (
        lender,
        name,
        kind,
        package,
        guarantees,
        purposes,
        amounts,
        terms,
        rates,
        split,
    ) in enumerate(PRODUCTS):
        bank_user = lenders[lender][1]
        product = services.product_save(
            fields={
                "name": name,
                "kind": kind,
                "amount_min_yuan": Decimal(amounts[0]) * 10000,
                "amount_max_yuan": Decimal(amounts[1]) * 10000,
                "term_min_months": terms[0],
                "term_max_months": terms[1],
                "rate_min_pct": rates[0],
                "rate_max_pct": rates[1],
                "guarantees": guarantees,
                "purposes": purposes,
                "risk_split": split,
                "eligibility_program": f"financing.{package}",
                "description": f"{lenders[lender][0].short_name or lenders[lender][0].name}{name}",
            },
            actor=bank_user,
        )
        services.product_transition(product=product, action="submit", actor=bank_user)
        made += 1
        if i == 10:
            continue  # awaiting the bureau's review
        if i == 11:
            services.product_transition(
                product=product, action="return", actor=city, reason="请补充授信额度的测算依据"
            )
            continue
        services.product_transition(product=product, action="publish", actor=city)
    return made


def _demands(
    rng: random.Random,
    firms: list[Enterprise],
    lenders: list[tuple[FinancialInstitution, User]],
    today: date,
) -> int:
    made = 0
    for i in range(60):
        firm = firms[i % len(firms)]
        actor = _firm_user(firm)
        day = today - timedelta(days=120 - 2 * i)
        if day > today:
            day = today
        chosen = rng.sample(range(len(lenders)), 2 if i % 3 else 1)
        demand = services.demand_publish(
            enterprise=firm,
            fields={
                "amount_yuan": Decimal(rng.choice([50, 100, 200, 300, 500, 800, 1000])) * 10000,
                "term_months": rng.choice([6, 12, 12, 24, 36]),
                "purpose": PURPOSES[i % len(PURPOSES)],
                "guarantees": GUARANTEES[i % 4],
                "needed_by": (day + timedelta(days=45)).isoformat(),
                "tax_grade": GRADES[i % len(GRADES)],
                "note": "",
            },
            consents=[
                {
                    "institution_id": lenders[k][0].pk,
                    "scopes": ["financials", "certification", "monitoring", "tax_grade"],
                    "until": (day + timedelta(days=365)).isoformat(),
                }
                for k in chosen
            ],
            actor=actor,
            today=day,
        )
        # The demo spreads demands over four months; published_at feeds the monthly figures.
        Demand.objects.filter(pk=demand.pk).update(
            published_at=timezone.make_aware(datetime.combine(day, time(9, 0)))
        )
        made += 1
        for n, k in enumerate(chosen):
            _outcome(rng, demand, lenders[k], (i + n) % 7, day, today, actor)
    return made


def _outcome(
    rng: random.Random,
    demand: Demand,
    lender: tuple[FinancialInstitution, User],
    path: int,
    day: date,
    today: date,
    firm_user: User,
) -> None:
    """Take the engagement along one of seven paths, each step dated in working days."""
    institution, bank_user = lender
    engagement = Engagement.objects.get(demand=demand, institution=institution)
    if path == 0 or day >= today - timedelta(days=3):
        return  # awaiting take-up (overdue when the consent is older than the clock)
    if path == 6:
        services.consent_withdraw(demand=demand, institution_id=institution.pk, actor=firm_user)
        return
    late = rng.random() < 0.25
    taken = min(add_working_days(day, 4 if late else rng.choice([1, 1, 2])), today)
    if path == 5:
        services.engagement_transition(
            engagement=engagement,
            action="decline",
            actor=bank_user,
            reason_code=rng.choice(
                ["collateral_insufficient", "repayment_capacity", "outside_policy"]
            ),
            reason="经评估暂不符合本行授信条件",
            today=taken,
        )
        return
    services.engagement_transition(
        engagement=engagement, action="take_up", actor=bank_user, today=taken
    )
    if path == 1:
        return
    granted_on = min(add_working_days(taken, rng.choice([3, 5, 8, 10])), today)
    amount = (demand.amount_yuan * Decimal(rng.choice(["1", "0.8", "0.6"]))).quantize(
        Decimal("0.01")
    )
    if path == 4:
        services.engagement_transition(
            engagement=engagement,
            action="decline",
            actor=bank_user,
            reason_code="credit_insufficient",
            reason="征信记录不满足准入要求",
            today=granted_on,
        )
        return
    services.engagement_transition(
        engagement=engagement,
        action="grant",
        actor=bank_user,
        data={"granted_yuan": amount, "rate_pct": rng.choice(["3.45", "3.65", "3.85", "4.10"])},
        today=granted_on,
    )
    if path == 2:
        return
    disbursed_on = min(add_working_days(granted_on, 2), today)
    services.engagement_transition(
        engagement=engagement,
        action="disburse",
        actor=bank_user,
        data={"disbursed_yuan": amount, "disbursed_on": disbursed_on.isoformat()},
        today=disbursed_on,
    )


def _receivables(firms: list[Enterprise], today: date) -> int:
    made = 0
    for i in range(8):
        creditor, debtor = firms[i], firms[(i + 5) % len(firms)]
        receivable = services.receivable_record(
            creditor=creditor,
            debtor_id=debtor.pk,
            amount_yuan=Decimal(60 + 40 * i) * 10000,
            invoice_no=f"HT-{today.year}-{i + 1:03d}",
            due_on=(today + timedelta(days=90 + 15 * i)).isoformat(),
            actor=_firm_user(creditor),
        )
        made += 1
        if i % 4 == 3:
            continue  # awaiting the core enterprise
        action, reason = ("dispute", "发票金额与合同不符") if i % 4 == 2 else ("confirm", "")
        services.receivable_transition(
            receivable=receivable, action=action, actor=_firm_user(debtor), reason=reason
        )
    return made


def _listing(firms: list[Enterprise], city: User, year: int) -> int:
    moves = {0: [], 1: ["coach"], 2: ["coach", "file"], 3: ["coach", "file", "list"]}
    for i, firm in enumerate(firms[:14]):
        board = ListingCandidate.Board.NEEQ if i % 5 == 4 else ListingCandidate.Board.ANHUI_ZJTX
        candidate = services.listing_add(enterprise=firm, board=board, actor=city)
        if i == 13:
            services.listing_transition(
                candidate=candidate, action="drop", actor=city, reason="企业暂缓上市计划"
            )
            continue
        for action in moves[i % 4]:
            candidate = services.listing_transition(candidate=candidate, action=action, actor=city)
        if i < 10:
            services.listing_recommend(
                candidate=candidate,
                year=year,
                reason=LISTING_REASONS[i % len(LISTING_REASONS)],
                actor=city,
            )
    return 14


def ensure_financing_data(seed: int = 2026) -> dict[str, int]:
    """Load the financing demo once; later runs change nothing."""
    empty = {"products": 0, "demands": 0, "receivables": 0, "listing": 0}
    if Demand.objects.exists():
        return empty
    city = User.objects.filter(role=Role.CITY_OFFICER, is_active=True).order_by("id").first()
    if city is None:
        return empty
    if PolicyProgram.objects.filter(pk__startswith="financing.").count() < 12:
        policies_load(directory=POLICIES_DIR / "financing")
    rng = random.Random(seed)
    today = timezone.localdate()
    # The workflow notifies after each commit; held here, the ~240 notices are one insert.
    with notices_batched(), transaction.atomic():
        lenders = _lenders()
        products = _products(lenders, city)
        showcase = Enterprise.objects.filter(users__username="enterprise_demo").first()
        firms = list(Enterprise.objects.exclude(pk=getattr(showcase, "pk", 0)).order_by("id")[:24])
        if showcase is not None:
            firms.insert(0, showcase)
        demands = _demands(rng, firms, lenders, today)
        receivables = _receivables(firms, today)
        listing = _listing(firms, city, today.year)
    return {
        "products": products,
        "demands": demands,
        "receivables": receivables,
        "listing": listing,
    }


__all__ = ["ensure_financing_data"]
