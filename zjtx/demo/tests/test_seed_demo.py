from io import StringIO

import pytest
from django.core.management import call_command

from zjtx.accounts.models import Role, User
from zjtx.demo import seeding
from zjtx.demo.generator import generate
from zjtx.enterprises.models import AnnualFinancial, Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(seeding, "SMALL_SCALE", 40)
    call_command("load_reference", stdout=StringIO())


def test_generator_is_deterministic_and_unique():
    first = [(e.name, e.credit_code, e.financials[-1]["operating_revenue"]) for e in generate(500)]
    again = [(e.name, e.credit_code, e.financials[-1]["operating_revenue"]) for e in generate(500)]
    assert first == again
    assert len({name for name, _, _ in first}) == 500
    # A batch that starts later continues the same sequence.
    tail = [
        (e.name, e.credit_code, e.financials[-1]["operating_revenue"])
        for e in generate(100, start=400)
    ]
    assert tail == first[400:]


def test_seed_demo_creates_one_user_per_role_once(small):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    users = {u.username: u for u in User.objects.all()}
    # The service centre's demo adds provider_NN and enterprise_NN logins (zjtx/demo/servicedesk.py),
    # the financing demo its lenders' users and fin_* logins (zjtx/demo/financing.py).
    from zjtx.demo.financing import LENDERS

    wanted = {spec["username"] for spec in seeding.DEMO_USERS}
    programme = {name for name in users if name.split("_")[0] in ("provider", "enterprise", "fin")}
    programme |= {lender[3] for lender in LENDERS}
    assert set(users) - (programme - wanted) == wanted
    assert users["jinghu_officer"].unit.name == "镜湖区"
    assert users["wuwei_officer"].unit.name == "无为市"
    assert users["jingkai_officer"].unit.name == "经济技术开发区"
    assert users["enterprise_demo"].enterprise.name == "芜湖奇睿精密机械有限公司"
    assert users["bank_demo"].institution is not None
    assert users["provider_demo"].provider is not None
    for name in ("city_admin", "sysadmin", "secadmin", "auditor"):
        assert users[name].totpdevice_set.filter(confirmed=True).exists()
    assert users["city_admin"].check_password(seeding.DEMO_PASSWORD)
    # 40 generated firms plus the showcase, each with five years of financials; no duplicates on rerun.
    assert Enterprise.objects.count() == 41
    assert AnnualFinancial.objects.count() == 41 * 5
    assert not Enterprise.objects.filter(size_class="").exists()
    assert Enterprise.objects.get(name="芜湖奇睿精密机械有限公司").name_initials.startswith("whqr")


def test_seed_demo_refuses_without_reference_data(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())


def test_demo_logins_lists_every_role(small):
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for spec in seeding.DEMO_USERS:
        assert spec["username"] in text
    assert Role.CITY_OFFICER in {u.role for u in User.objects.all()}


def test_seed_demo_fills_the_programmes_through_their_services(small):
    from zjtx.certification.models import Round
    from zjtx.monitoring.models import ImportRun
    from zjtx.subsidies.models import Budget

    call_command("load_policies", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    # this year's five budgets, and the report year's two award budgets (zjtx/demo/reports.py)
    from django.utils import timezone

    from zjtx.demo.reports import YEAR_BUDGETS, demo_year

    assert Budget.objects.filter(year=timezone.localdate().year).count() == 5
    assert Budget.objects.filter(year=demo_year()).count() == len(YEAR_BUDGETS)
    assert Round.objects.filter(status=Round.Status.OPEN).count() == 1
    runs = ImportRun.objects.filter(status=ImportRun.Status.COMMITTED)
    # two monthly reports and the last quarterly one, loaded once despite the second run
    assert sorted(run.period.frequency for run in runs) == ["monthly", "monthly", "quarterly"]
    assert all(run.rows_rejected == 0 for run in runs)
