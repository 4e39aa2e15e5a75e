"""The home page is each role's work list: what waits, what it submitted, dates ahead."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.utils import timezone

from zjtx.accounts.models import Role

pytestmark = pytest.mark.django_db

# Acronyms that Chinese government software writes in Latin letters too ("API 令牌").
LATIN_ALLOWED = {"API"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def latin_words(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    words = set(re.findall(r"[A-Za-z][A-Za-z_]+", " ".join(parser.parts)))
    return words - LATIN_ALLOWED


def home(client: Any) -> str:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请从左侧菜单开始使用" not in html
    return html


def main_part(html: str) -> str:
    """The page's main column only (the sidebar lists every menu entry)."""
    return html.split('id="main"', 1)[1]


@pytest.fixture
def scoped_user(make_user, make_enterprise, units):
    from zjtx.partners.models import FinancialInstitution, ServiceProvider

    def make(role: str) -> Any:
        scope: dict[str, Any] = {}
        if role == Role.UNIT_OFFICER:
            scope["unit"] = units["无为市"]
        elif role == Role.ENTERPRISE:
            scope["enterprise"] = make_enterprise(unit=units["无为市"])
        elif role == Role.BANK:
            scope["institution"] = FinancialInstitution.objects.create(name="芜湖测试银行")
        elif role == Role.PROVIDER:
            scope["provider"] = ServiceProvider.objects.create(
                name="芜湖测试服务机构", platform=ServiceProvider.Platform.choices[0][0]
            )
        return make_user(role, full_name="张三", **scope)

    return make


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_home_is_a_chinese_work_list(role, scoped_user, login):
    client = login(scoped_user(role))
    html = home(client)
    assert 'id="home-waiting"' in html
    assert 'id="home-upcoming"' in html
    assert latin_words(main_part(html)) == set()
    if role in (Role.BANK, Role.PROVIDER):
        assert "暂无待办" in html
    # Only the city officer sees the programme overview.
    assert ('id="home-overview"' in html) == (role == Role.CITY_OFFICER)


def test_unit_officer_sees_registrations_of_its_own_unit_only(
    make_user, make_enterprise, units, login
):
    from zjtx.enterprises.models import Enterprise

    mine = make_enterprise("无为待审企业有限公司", unit=units["无为市"], status="pending")
    make_enterprise("镜湖待审企业有限公司", unit=units["镜湖区"], status="pending")
    officer = make_user(Role.UNIT_OFFICER, unit=units["无为市"])
    client = login(officer)
    page = main_part(home(client))
    assert "待审核的企业注册" in page
    assert "无为待审企业有限公司" in page
    assert "镜湖待审企业有限公司" not in page

    from zjtx.enterprises.services import enterprise_verify

    enterprise_verify(actor=officer, enterprise=Enterprise.objects.get(pk=mine.pk))
    page = main_part(home(client))
    assert "无为待审企业有限公司" not in page
    assert "暂无待办" in page


@pytest.fixture
def round_(db, city_officer):
    from zjtx.certification.models import Round

    today = timezone.localdate()
    return Round.objects.create(
        year=today.year,
        title=f"{today.year}年度市专精特新认定",
        program_id="wuhu.srdi_criteria",
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=20),
        status=Round.Status.OPEN,
        quota=50,
        created_by=city_officer,
    )


def _cert_app(round_: Any, enterprise: Any, status: str, days_ago: int = 3) -> Any:
    from zjtx.certification.models import Application

    return Application.objects.create(
        round=round_,
        enterprise=enterprise,
        unit=enterprise.unit,
        status=status,
        status_changed_at=timezone.now() - timedelta(days=days_ago),
    )


def test_certification_work_reaches_unit_city_and_enterprise(
    round_, make_enterprise, make_user, units, login, city_officer
):
    from zjtx.certification.models import Application

    wuwei = make_enterprise("无为申报企业有限公司", unit=units["无为市"])
    jinghu = make_enterprise("镜湖申报企业有限公司", unit=units["镜湖区"])
    _cert_app(round_, wuwei, Application.Status.SUBMITTED, days_ago=10)
    _cert_app(round_, jinghu, Application.Status.SUBMITTED)
    recommended = _cert_app(round_, make_enterprise("已推荐企业有限公司"), "recommended")

    unit_page = main_part(home(login(make_user(Role.UNIT_OFFICER, unit=units["无为市"]))))
    assert "待初审的认定申请" in unit_page
    assert "无为申报企业有限公司" in unit_page
    assert "镜湖申报企业有限公司" not in unit_page
    assert "已等待" in unit_page
    assert "申报截止" in unit_page

    city_page = main_part(home(login(city_officer)))
    assert "已推荐、待分配专家的申请" in city_page
    assert "已推荐企业有限公司" in city_page
    assert "全局概览" in city_page and "本年度认定数" in city_page

    ent_user = make_user(Role.ENTERPRISE, enterprise=wuwei)
    ent_page = main_part(home(login(ent_user)))
    assert "我的认定申请（办理中）" in ent_page
    assert "镜湖申报企业有限公司" not in ent_page

    # The city handles the recommendation: it no longer waits for the city.
    Application.objects.filter(pk=recommended.pk).update(status="expert_review")
    city_page = main_part(home(login(city_officer)))
    assert "已推荐企业有限公司" not in city_page


def test_subsidy_clock_gives_the_deadline_and_the_overdue_badge(
    make_enterprise, make_user, units, login
):
    from zjtx.core.models import WorkflowClock
    from zjtx.policy.models import PolicyProgram
    from zjtx.subsidies.models import Application
    from zjtx.subsidies.workflow import SUBSIDY_APPLICATION

    program = PolicyProgram.objects.create(
        id="wuhu.test_award",
        kind="award",
        title="测试奖补",
        document="芜湖实施意见",
        source="三(二)",
    )
    firm = make_enterprise("奖补申请企业有限公司", unit=units["无为市"])
    today = timezone.localdate()
    app = Application.objects.create(
        enterprise=firm,
        program=program,
        status=Application.Status.SUBMITTED,
        as_of=today,
        submitted_at=timezone.now() - timedelta(days=14),
    )
    WorkflowClock.objects.create(
        workflow=SUBSIDY_APPLICATION.name,
        object_id=str(app.pk),
        clock="unit_check",
        role=Role.UNIT_OFFICER,
        state=WorkflowClock.State.RUNNING,
        started_on=today - timedelta(days=14),
        due_on=today - timedelta(days=2),
        unit_id=units["无为市"].pk,
        enterprise_id=firm.pk,
    )
    page = main_part(home(login(make_user(Role.UNIT_OFFICER, unit=units["无为市"]))))
    assert "待初审的奖补申请" in page
    assert f"截止 {(today - timedelta(days=2)).isoformat()}" in page
    assert "已逾期" in page
    assert "逾期 1 件" in page

    other = main_part(home(login(make_user(Role.UNIT_OFFICER, unit=units["镜湖区"]))))
    assert "奖补申请企业有限公司" not in other


def test_city_overview_shows_budget_in_wan_yuan_and_warnings_by_level(
    city_officer, login, make_enterprise
):
    from zjtx.policy.models import PolicyProgram
    from zjtx.subsidies.models import Budget

    program = PolicyProgram.objects.create(
        id="wuhu.test_budget", kind="award", title="技术改造奖补", document="文件", source="条款"
    )
    Budget.objects.create(
        program=program, year=timezone.localdate().year, amount_yuan=Decimal("123456789.00")
    )
    page = main_part(home(login(city_officer)))
    assert "本年度预算使用" in page
    assert "已用 0.00 / 12,345.68 万元" in page
    assert "未关闭预警（按等级）" in page
    assert "各单位逾期事项" in page


def test_monitoring_report_due_for_enterprise_and_confirmation_for_unit(
    make_enterprise, make_user, units, login
):
    from zjtx.monitoring.models import ReportingPeriod

    today = timezone.localdate()
    ReportingPeriod.objects.create(
        code="2099-01", year=2099, month=1, due_date=today + timedelta(days=5)
    )
    ReportingPeriod.objects.create(
        code="2098-12", year=2098, month=12, due_date=today - timedelta(days=1)
    )
    firm = make_enterprise(unit=units["无为市"])
    ent_page = main_part(home(login(make_user(Role.ENTERPRISE, enterprise=firm))))
    assert "待报送的运行监测报表" in ent_page
    assert "报表报送截止：2099年1月" in ent_page

    unit_page = main_part(home(login(make_user(Role.UNIT_OFFICER, unit=units["无为市"]))))
    assert "待本单位确认的报送期" in unit_page
    assert "2098年12月" in unit_page


def test_secadmin_sees_pending_account_change_requests(make_user, login):
    from zjtx.accounts.models import RoleGrantRequest

    sysadmin = make_user(Role.SYSADMIN)
    RoleGrantRequest.objects.create(
        kind=RoleGrantRequest.Kind.CREATE,
        username="new_city",
        role=Role.CITY_OFFICER,
        requested_by=sysadmin,
    )
    page = main_part(home(login(make_user(Role.SECADMIN))))
    assert "待您审批的账号变更申请" in page
    assert "new_city" in page
    sys_page = main_part(home(login(sysadmin)))
    assert "我提交的账号变更申请" in sys_page


def test_city_home_stays_within_a_query_budget(
    round_, city_officer, login, make_enterprise, units, django_assert_max_num_queries
):
    for _n in range(12):
        _cert_app(round_, make_enterprise(unit=units["无为市"], status="pending"), "recommended")
    client = login(city_officer)
    with django_assert_max_num_queries(45):
        home(client)


def test_waited_days_count_working_days_only():
    from zjtx.core.workdays import _Calendar
    from zjtx.core.worklist import WorkItem, _timed

    # Friday 2026-11-27 to Monday 2026-11-30: one working day has passed (Monday).
    item = WorkItem("k", "t", "/", waiting_since=date(2026, 11, 27), due_on=date(2026, 11, 29))
    timed = _timed(item, date(2026, 11, 30), _Calendar())
    assert timed.waited_days == 1
    assert timed.overdue
