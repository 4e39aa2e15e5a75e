from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture
def scheme_loaded(db, tmp_path):
    """The scheme package (policies/wuhu.unit_assessment.yaml), loaded alone with its cases."""
    import shutil

    from zjtx.assessment.scheme import SCHEME_ID
    from zjtx.policy.services import POLICIES_DIR, policies_load

    (tmp_path / "tests").mkdir()
    shutil.copy(POLICIES_DIR / f"{SCHEME_ID}.yaml", tmp_path)
    shutil.copy(POLICIES_DIR / "tests" / f"{SCHEME_ID}.yaml", tmp_path / "tests")
    return policies_load(directory=tmp_path)


@pytest.fixture
def people(units, make_user):
    return {
        "city": make_user("city_officer"),
        "jinghu": make_user("unit_officer", unit=units["镜湖区"]),
        "wuwei": make_user("unit_officer", unit=units["无为市"]),
        "expert": make_user("expert"),
    }


def _aware(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def data(units, make_enterprise, people):
    """2025 records: 镜湖区 has 3 verified firms, 2 certified, 10 of 12 months reported in full,
    service clocks 3 met / 1 breached, a financing demand served; 无为市 has 1 firm and nothing
    else; the zone has no firms."""
    from zjtx.certification.models import Application, Round
    from zjtx.core.models import WorkflowClock
    from zjtx.enterprises.models import Enterprise
    from zjtx.financing.models import Demand, Engagement
    from zjtx.monitoring.models import ReportingPeriod, UnitPeriodConfirmation, UnitPeriodStat
    from zjtx.partners.models import FinancialInstitution

    jh, ww = units["镜湖区"], units["无为市"]
    firms = [make_enterprise(unit=jh, status=Enterprise.Status.VERIFIED) for _ in range(3)]
    make_enterprise(unit=ww, status=Enterprise.Status.VERIFIED)
    rnd = Round.objects.create(
        year=2025,
        title="2025年度认定",
        program_id="miit2022.zjtx_sme",
        opens_on=date(2025, 3, 1),
        closes_on=date(2025, 4, 30),
    )
    from zjtx.cultivation.services import record_certified_tier

    for i, firm in enumerate(firms[:2]):
        application = Application.objects.create(
            round=rnd,
            enterprise=firm,
            unit=jh,
            status=Application.Status.CERTIFIED,
            certificate_number=f"ZJTX2025{i + 1:04d}",
            certified_on=date(2025, 11, 20),
            valid_until=date(2028, 11, 19),
        )
        record_certified_tier(application=application, action="certify", actor=people["city"])
    for month in range(1, 13):
        period = ReportingPeriod.objects.create(
            code=f"2025-{month:02d}", year=2025, month=month, due_date=date(2025, month, 25)
        )
        UnitPeriodStat.objects.create(
            period=period, unit=jh, enterprises_reported=3 if month <= 10 else 0
        )
        if month <= 9:
            UnitPeriodConfirmation.objects.create(
                period=period, unit=jh, confirmed_by=people["jinghu"]
            )
    UnitPeriodConfirmation.objects.filter(unit=jh).update(confirmed_at=_aware(date(2025, 1, 20)))
    for i, state in enumerate(["met", "met", "met", "breached"]):
        WorkflowClock.objects.create(
            workflow="servicedesk.request",
            object_id=str(900 + i),
            clock="resolve",
            role="unit_officer",
            state=state,
            started_on=date(2025, 5, 6),
            due_on=date(2025, 5, 27),
            stopped_on=date(2025, 5, 20),
            unit_id=jh.pk,
        )
    bank = FinancialInstitution.objects.create(name="徽商银行芜湖分行")
    demand = Demand.objects.create(
        enterprise=firms[0],
        amount_yuan=Decimal("5000000"),
        term_months=12,
        purpose="working_capital",
        needed_by=date(2025, 9, 1),
        published_at=_aware(date(2025, 6, 2)),
    )
    Engagement.objects.create(
        demand=demand,
        institution=bank,
        status=Engagement.Status.GRANTED,
        consent_until=date(2025, 12, 31),
        consented_on=date(2025, 6, 2),
    )
    Demand.objects.create(
        enterprise=firms[1],
        amount_yuan=Decimal("3000000"),
        term_months=12,
        purpose="working_capital",
        needed_by=date(2025, 9, 1),
        published_at=_aware(date(2025, 7, 2)),
    )
    return {"firms": firms}


@pytest.fixture
def computed(scheme_loaded, people, data):
    from zjtx.assessment import services

    return services.run_compute(year=2025, actor=people["city"], today=date(2026, 3, 2))
