"""Demo data writers. Users and the showcase firms go through services; the bulk of the
city is written with bulk_create, since 20,000 firms × 5 years through per-row services
would take far longer than the 5-minute budget (DESIGN.md, seed_demo --scale city)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from django.db import transaction

from zjtx.accounts.models import Role, User
from zjtx.enterprises.models import AnnualFinancial, Enterprise, Honour, IPAsset, UnitAssignment
from zjtx.enterprises.pinyin import pinyin_for
from zjtx.partners.models import FinancialInstitution, ServiceProvider
from zjtx.reference import sizing
from zjtx.reference.models import AssessmentUnit, IndustryCode
from zjtx.reference.selectors import size_standard_in_force

from .generator import DemoEnterprise, generate

DEMO_PASSWORD = "Zjtx@2026"
# RFC 4226 test key, so that any authenticator app or `demo_otp_code` gives the code.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_BASE32 = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()
SMALL_SCALE = 300
CITY_SCALE = 20000
BATCH = 1000

DEMO_USERS: list[dict[str, Any]] = [
    {"username": "city_admin", "role": Role.CITY_OFFICER, "full_name": "王建国（市经信局）"},
    {
        "username": "jinghu_officer",
        "role": Role.UNIT_OFFICER,
        "unit": "340202",
        "full_name": "李敏（镜湖区）",
    },
    {
        "username": "wuwei_officer",
        "role": Role.UNIT_OFFICER,
        "unit": "340281",
        "full_name": "张伟（无为市）",
    },
    {
        "username": "jingkai_officer",
        "role": Role.UNIT_OFFICER,
        "unit": "ZONE-JK",
        "full_name": "陈静（经开区）",
    },
    {
        "username": "enterprise_demo",
        "role": Role.ENTERPRISE,
        "enterprise": "showcase",
        "full_name": "周涛（企业联系人）",
    },
    {"username": "expert_demo", "role": Role.EXPERT, "full_name": "刘教授（评审专家）"},
    {
        "username": "bank_demo",
        "role": Role.BANK,
        "institution": "徽商银行芜湖分行",
        "full_name": "赵磊（客户经理）",
    },
    {
        "username": "provider_demo",
        "role": Role.PROVIDER,
        "provider": "芜湖市中小企业公共服务平台",
        "full_name": "孙丽（服务专员）",
    },
    {"username": "sysadmin", "role": Role.SYSADMIN, "full_name": "系统管理员"},
    {"username": "secadmin", "role": Role.SECADMIN, "full_name": "安全管理员"},
    {"username": "auditor", "role": Role.AUDITOR, "full_name": "审计管理员"},
]

SCOPE_NOTES = {
    Role.EXPERT: "仅被分配的申报",
    Role.SYSADMIN: "用户与配置",
    Role.SECADMIN: "安全策略与解锁",
    Role.AUDITOR: "只读审计日志",
}

SHOWCASE = {
    "credit_code": "91340202MA2W000181",
    "name": "芜湖奇睿精密机械有限公司",
    "unit_code": "340202",
}


def reference_ready() -> bool:
    return AssessmentUnit.objects.filter(code="340202").exists()


def enterprise_count() -> int:
    return Enterprise.objects.count()


def _size_class(d: DemoEnterprise, rules: dict[str, Any]) -> str:
    latest = d.financials[-1]
    result = sizing.classify(
        rules,
        sizing.sector_for_industry(d.industry_code),
        latest["employees"],
        latest["operating_revenue"],
        latest["total_assets"],
    )
    return result.size


def _enterprise_row(
    d: DemoEnterprise, units: dict[str, AssessmentUnit], industries: set[str], rules: dict[str, Any]
) -> Enterprise:
    full, initials = pinyin_for(d.name)
    return Enterprise(
        credit_code=d.credit_code,
        name=d.name,
        name_pinyin=full,
        name_initials=initials,
        unit=units[d.unit_code],
        industry_id=d.industry_code if d.industry_code in industries else None,
        established_on=d.established_on,
        legal_representative=d.legal_representative,
        contact_name=d.contact_name,
        contact_phone=d.contact_phone,
        registered_address=d.registered_address,
        main_products=d.main_products,
        status=Enterprise.Status.VERIFIED,
        size_class=_size_class(d, rules),
    )


def ensure_enterprises(
    target: int, *, seed: int = 2026, progress: Callable[[int, int], None] | None = None
) -> int:
    """Write generated firms until `target` exist; rerunning adds nothing."""
    have = Enterprise.objects.filter(credit_code__contains="MA0").count()
    if have >= target:
        return 0
    units = {u.code: u for u in AssessmentUnit.objects.all()}
    industries = set(IndustryCode.objects.values_list("code", flat=True))
    existing = set(Enterprise.objects.values_list("credit_code", flat=True))
    batch: list[DemoEnterprise] = []
    added = 0
    for d in generate(target - have, seed=seed, start=have):
        if d.credit_code in existing:
            continue
        batch.append(d)
        if len(batch) >= BATCH:
            added += _write_batch(batch, units, industries)
            batch = []
            if progress:
                progress(have + added, target)
    if batch:
        added += _write_batch(batch, units, industries)
    return added


@transaction.atomic
def _write_batch(
    batch: list[DemoEnterprise], units: dict[str, AssessmentUnit], industries: set[str]
) -> int:
    rules = size_standard_in_force().rules
    rows = [_enterprise_row(d, units, industries, rules) for d in batch]
    Enterprise.objects.bulk_create(rows, batch_size=500)
    ids = dict(
        Enterprise.objects.filter(credit_code__in=[d.credit_code for d in batch]).values_list(
            "credit_code", "id"
        )
    )
    fins: list[AnnualFinancial] = []
    ips: list[IPAsset] = []
    hons: list[Honour] = []
    assigns: list[UnitAssignment] = []
    for d in batch:
        eid = ids[d.credit_code]
        assigns.append(
            UnitAssignment(enterprise_id=eid, unit=units[d.unit_code], valid_from=d.established_on)
        )
        fins.extend(AnnualFinancial(enterprise_id=eid, **f) for f in d.financials)
        ips.extend(IPAsset(enterprise_id=eid, **ip) for ip in d.ip_assets)
        hons.extend(Honour(enterprise_id=eid, **h) for h in d.honours)
    UnitAssignment.objects.bulk_create(assigns, batch_size=1000)
    AnnualFinancial.objects.bulk_create(fins, batch_size=1000)
    IPAsset.objects.bulk_create(ips, batch_size=1000, ignore_conflicts=True)
    Honour.objects.bulk_create(hons, batch_size=1000)
    return len(rows)


def ensure_showcase() -> Enterprise:
    """The enterprise that enterprise_demo belongs to (镜湖区; pinyin initials qr…)."""
    ent = Enterprise.objects.filter(credit_code=SHOWCASE["credit_code"]).first()
    if ent is not None:
        return ent
    units = {u.code: u for u in AssessmentUnit.objects.all()}
    industries = set(IndustryCode.objects.values_list("code", flat=True))
    template = next(generate(1, seed=7))
    template.credit_code = SHOWCASE["credit_code"]
    template.name = SHOWCASE["name"]
    template.unit_code = SHOWCASE["unit_code"]
    template.industry_code = "C34"
    template.main_products = "精密数控机床主轴、工业机器人减速器"
    template.registered_address = "安徽省芜湖市镜湖区长江中路88号"
    _write_batch([template], units, industries)
    return Enterprise.objects.get(credit_code=SHOWCASE["credit_code"])


def _ensure_totp(user: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(
        user=user, name="演示设备", defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
    )


def ensure_demo_users() -> int:
    created = 0
    showcase = ensure_showcase()
    for spec in DEMO_USERS:
        if User.objects.filter(username=spec["username"]).exists():
            continue
        scope: dict[str, Any] = {}
        if "unit" in spec:
            scope["unit"] = AssessmentUnit.objects.get(code=spec["unit"])
        if "enterprise" in spec:
            scope["enterprise"] = showcase
        if "institution" in spec:
            scope["institution"] = FinancialInstitution.objects.get_or_create(
                name=spec["institution"], defaults={"short_name": "徽商银行"}
            )[0]
        if "provider" in spec:
            scope["provider"] = ServiceProvider.objects.get_or_create(
                name=spec["provider"], defaults={"platform": ServiceProvider.Platform.TECHNOLOGY}
            )[0]
        user = User.objects.create_user(
            username=spec["username"],
            password=DEMO_PASSWORD,
            role=spec["role"],
            full_name=spec["full_name"],
            **scope,
        )
        if user.needs_second_factor:
            _ensure_totp(user)
        created += 1
    return created


def demo_login_rows() -> list[tuple[str, str, str, bool]]:
    rows = []
    for spec in DEMO_USERS:
        user = (
            User.objects.filter(username=spec["username"])
            .select_related("unit", "enterprise", "institution", "provider")
            .first()
        )
        if user is None:
            continue
        bound = user.unit or user.enterprise or user.institution or user.provider
        if bound is not None:
            scope = str(bound)
        elif user.role == Role.CITY_OFFICER:
            scope = "全市"
        else:
            scope = SCOPE_NOTES.get(Role(user.role), "—")
        rows.append(
            (user.username, str(user.get_role_display()), str(scope), user.needs_second_factor)
        )
    return rows
