"""免申即享 scan: scoped, fast path with explained hits, bulk storage, one-step notification."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from zjtx.core.errors import Conflict, Forbidden
from zjtx.core.models import AuditEvent
from zjtx.policy.models import DeclaredFact, Notification, ScanHit, ScanRun
from zjtx.policy.scan import scan_notify, scan_run

AS_OF = date(2026, 6, 1)


def declare(enterprise, **facts):
    for name, value in facts.items():
        DeclaredFact.objects.create(enterprise=enterprise, name=name, value=value, source="测试")


@pytest.fixture
def firms(make_enterprise, units, loaded_policies):
    a = make_enterprise(name="甲公司")
    declare(
        a,
        tech_upgrade_equipment_investment_yuan="4000000.05",
        tech_upgrade_completed_year=2025,
    )
    b = make_enterprise(name="乙公司", unit=units["无为市"])
    declare(
        b,
        first_set_province_certified=True,
        first_set_category="single_unit",
        first_set_sale_price_yuan="9000000.00",
    )
    c = make_enterprise(name="丙公司")
    declare(c, tech_upgrade_equipment_investment_yuan="1000000", tech_upgrade_completed_year=2025)
    make_enterprise(name="丁公司")  # nothing declared: insufficient data, never zero
    return a, b, c


def test_scan_finds_and_explains_hits_with_exact_amounts(firms, city_officer):
    a, b, _c = firms
    run = scan_run(actor=city_officer, as_of=AS_OF)
    assert run.enterprise_count == 4
    assert run.evaluation_count == 4 * 5
    hits = {(h.enterprise_id, h.program_id): h for h in ScanHit.objects.filter(run=run)}
    assert set(hits) == {(a.pk, "wuhu.tech_upgrade"), (b.pk, "wuhu.first_set")}
    assert hits[(a.pk, "wuhu.tech_upgrade")].amount_yuan == Decimal("400000.01")
    assert hits[(b.pk, "wuhu.first_set")].amount_yuan == Decimal("500000.00")  # 50万 cap
    assert any("按上限" in s["text"] for s in hits[(b.pk, "wuhu.first_set")].trace)
    assert (
        "测试"
        in hits[(a.pk, "wuhu.tech_upgrade")].sources["tech_upgrade_equipment_investment_yuan"]
    )
    assert run.eligible_count == 2
    assert run.total_amount_yuan == Decimal("900000.01")
    assert AuditEvent.objects.filter(action="policy.scan_run").count() == 1


def test_scan_of_named_programs_only(firms, city_officer):
    run = scan_run(actor=city_officer, as_of=AS_OF, program_ids=["wuhu.first_set"])
    assert run.programs == ["wuhu.first_set"]
    assert run.eligible_count == 1


def test_only_city_officers_scan(firms, make_user, units):
    officer = make_user("unit_officer", unit=units["镜湖区"])
    with pytest.raises(Forbidden):
        scan_run(actor=officer, as_of=AS_OF)


def test_notify_in_one_step_and_only_once(firms, city_officer):
    a, b, _ = firms
    run = scan_run(actor=city_officer, as_of=AS_OF)
    assert scan_notify(run=run, actor=city_officer) == 2
    assert set(Notification.objects.values_list("enterprise_id", flat=True)) == {a.pk, b.pk}
    run.refresh_from_db()
    assert run.status == ScanRun.Status.NOTIFIED and run.notified_count == 2
    with pytest.raises(Conflict):
        scan_notify(run=run, actor=city_officer)
    assert AuditEvent.objects.filter(action="policy.scan_notify").count() == 1


def test_pages_run_review_notify_and_enterprise_sees_it(
    client, login, firms, city_officer, make_user
):
    a, _, c = firms
    login(city_officer)
    assert client.get(reverse("policy:scans")).status_code == 200
    response = client.post(reverse("policy:scans"), {"as_of": "2026-06-01"})
    run = ScanRun.objects.get()
    assert response.url == reverse("policy:scan-detail", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "甲公司" in page and "40.00" in page and "技术改造" in page
    client.post(reverse("policy:scan-notify", args=[run.pk]))
    user = make_user("enterprise", enterprise=a)
    login(user)
    page = client.get(reverse("policy:notices")).content.decode()
    assert "您可能符合以下政策" in page
    assert "技术改造设备投资奖补" in page
    other = make_user("enterprise", enterprise=c)
    login(other)
    assert (
        "技术改造设备投资奖补</strong>"
        not in client.get(reverse("policy:notices")).content.decode()
    )


def test_scan_pages_are_404_for_others(client, login, firms, city_officer, make_user, units):
    run = scan_run(actor=city_officer, as_of=AS_OF)
    for user in (
        make_user("unit_officer", unit=units["镜湖区"]),
        make_user("enterprise", enterprise=firms[0]),
    ):
        login(user)
        assert client.get(reverse("policy:scans")).status_code == 404
        assert client.get(reverse("policy:scan-detail", args=[run.pk])).status_code == 404
        assert client.post(reverse("policy:scan-notify", args=[run.pk])).status_code == 404
    login(city_officer)
    assert client.get(reverse("policy:notices")).status_code == 404
