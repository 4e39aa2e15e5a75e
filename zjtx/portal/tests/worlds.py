"""Test data shared by the portal's tests and its browser test (plain functions, no fixtures)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone


def build_public_world(make_enterprise: Any, units: dict[str, Any]) -> dict[str, Any]:
    """Certified, in-notice, unpublished and never-certified enterprises (made directly: the
    certification workflow itself is certification's to test)."""
    from zjtx.certification.models import Application, DecisionDocument, Notice, Round

    today = timezone.localdate()
    year = today.year
    common = {
        "program_id": "miit2026.zjtx_sme",
        "opens_on": today - timedelta(days=90),
        "closes_on": today - timedelta(days=60),
    }
    done = Round.objects.create(
        year=year - 1, title=f"{year - 1}年度认定", status="closed", **common
    )
    live = Round.objects.create(year=year, title=f"{year}年度认定", status="closed", **common)
    draft = Round.objects.create(year=year, title="草稿批次（未公布）", status="draft", **common)

    certified = make_enterprise(name="芜湖已认定精工有限公司", unit=units["镜湖区"])
    revoked = make_enterprise(name="芜湖已撤销机械有限公司", unit=units["镜湖区"])
    noticed = make_enterprise(name="无为公示中电缆有限公司", unit=units["无为市"])
    hidden = make_enterprise(name="芜湖未公示秘密有限公司", unit=units["镜湖区"])
    never = make_enterprise(name="芜湖从未认定贸易有限公司", unit=units["镜湖区"])

    document = DecisionDocument.objects.create(
        round=done,
        number=f"芜经信〔{year - 1}〕9号",
        title=f"{year - 1}年度市级专精特新中小企业名单",
        issued_on=today - timedelta(days=200),
    )
    cert_app = Application.objects.create(
        round=done,
        enterprise=certified,
        unit=certified.unit,
        status="certified",
        decision_document=document,
        certificate_number=f"WHZJTX-{year - 1}-001",
        certified_on=today - timedelta(days=200),
        valid_until=today + timedelta(days=800),
    )
    Application.objects.create(
        round=done,
        enterprise=revoked,
        unit=revoked.unit,
        status="revoked",
        decision_document=document,
        certificate_number=f"WHZJTX-{year - 1}-002",
        certified_on=today - timedelta(days=200),
        valid_until=today + timedelta(days=800),
        revoked_on=today - timedelta(days=10),
    )
    open_notice = Notice.objects.create(
        round=live,
        title=f"{year}年度市级专精特新中小企业拟认定名单公示",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=10),
        working_days=5,
        contact="0553-3838000",
    )
    future_notice = Notice.objects.create(
        round=draft,
        title="尚未开始的秘密公示",
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=40),
        working_days=5,
    )
    Application.objects.create(
        round=live, enterprise=noticed, unit=noticed.unit, status="in_notice", notice=open_notice
    )
    Application.objects.create(
        round=draft, enterprise=hidden, unit=hidden.unit, status="approved", notice=future_notice
    )
    Application.objects.create(round=live, enterprise=never, unit=never.unit, status="submitted")
    # A decision dated ahead is not issued yet: nobody on it is public.
    ahead = make_enterprise(name="芜湖未发文预备有限公司", unit=units["镜湖区"])
    ahead_doc = DecisionDocument.objects.create(
        round=live,
        number=f"芜经信〔{year}〕99号",
        title=f"{year}年度市级专精特新中小企业名单（未印发）",
        issued_on=today + timedelta(days=5),
    )
    Application.objects.create(
        round=live,
        enterprise=ahead,
        unit=ahead.unit,
        status="certified",
        decision_document=ahead_doc,
        certified_on=today + timedelta(days=5),
        valid_until=today + timedelta(days=1000),
    )
    listed = _tier_lists(make_enterprise, units, year, today)
    return {
        **listed,
        "year": year,
        "certified": certified,
        "revoked": revoked,
        "noticed": noticed,
        "hidden": hidden,
        "never": never,
        "certificate": cert_app.certificate_number,
        "open_notice": open_notice,
        "future_notice": future_notice,
        "draft_round": draft,
        "document": document,
        "ahead": ahead,
    }


def _tier_lists(
    make_enterprise: Any, units: dict[str, Any], year: int, today: Any
) -> dict[str, Any]:
    """Tiers decided by the province and the ministry, as the city records them in the tier
    history: held, revoked since, dated ahead, expired, and a municipal title taken over from
    an old list (the municipal list is the decisions' alone)."""
    from datetime import date

    from zjtx.cultivation.models import TierRecord

    def grant(ent: Any, tier: str, on: Any, valid: Any, source: str = "recorded") -> None:
        TierRecord.objects.create(
            enterprise=ent,
            unit=ent.unit,
            track="certified",
            tier=tier,
            action="grant",
            on=on,
            valid_until=valid,
            reason="据公告录入",
            source=source,
        )

    provincial = make_enterprise(name="芜湖省级精密有限公司", unit=units["无为市"])
    grant(provincial, "provincial", date(year - 1, 6, 1), date(year + 2, 5, 31))
    giant = make_enterprise(name="芜湖小巨人装备有限公司", unit=units["镜湖区"])
    grant(giant, "little_giant", date(year - 1, 9, 1), None, source="backfill")
    innovative = make_enterprise(name="芜湖创新型科技有限公司", unit=units["镜湖区"])
    grant(innovative, "innovative", date(year - 1, 11, 1), date(year + 2, 10, 31))
    giant_revoked = make_enterprise(name="芜湖撤销小巨人有限公司", unit=units["镜湖区"])
    grant(giant_revoked, "little_giant", date(year - 1, 3, 1), None)
    TierRecord.objects.create(
        enterprise=giant_revoked,
        unit=giant_revoked.unit,
        track="certified",
        tier="little_giant",
        action="revoke",
        on=today - timedelta(days=5),
        reason="复核未通过，撤销称号",
        source="recorded",
    )
    provincial_ahead = make_enterprise(name="芜湖未来省级有限公司", unit=units["镜湖区"])
    grant(provincial_ahead, "provincial", today + timedelta(days=20), None)
    innovative_expired = make_enterprise(name="芜湖过期创新型有限公司", unit=units["镜湖区"])
    grant(innovative_expired, "innovative", date(year - 4, 1, 1), date(year - 1, 1, 1))
    municipal_old = make_enterprise(name="芜湖旧名单市级有限公司", unit=units["镜湖区"])
    grant(municipal_old, "municipal", date(year - 1, 5, 1), date(year + 2, 4, 30), "backfill")
    return {
        "provincial": provincial,
        "giant": giant,
        "innovative": innovative,
        "giant_revoked": giant_revoked,
        "provincial_ahead": provincial_ahead,
        "innovative_expired": innovative_expired,
        "municipal_old": municipal_old,
    }
