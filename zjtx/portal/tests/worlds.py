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
    return {
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
    }
