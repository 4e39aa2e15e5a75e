"""推介 lists and the figures as Excel: a title row, 单位：万元, then Chinese headers."""

import io
import threading

import pytest
from django.db import connection
from python_calamine import CalamineWorkbook

from zjtx.core.errors import DomainError
from zjtx.financing.models import Engagement, PushList
from zjtx.financing.services import engagement_transition

from .conftest import GRANT


def _rows(body: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(body))
    return book.get_sheet_by_index(0).to_python()


@pytest.mark.django_db
def test_push_list_excel_has_title_unit_and_chinese_headers(
    client, fin, make_demand, publish_product, login
):
    from datetime import date

    fin["firm"].established_on = date(2018, 3, 1)
    fin["firm"].size_class = "small"
    fin["firm"].save()
    publish_product(
        name="续贷过桥",
        kind="bridge",
        guarantees=["credit", "ip_pledge"],
        eligibility_program="financing.renewal_bridge",
    )
    demand = make_demand(banks=("hs",), amount_yuan="5000000")
    login(fin["city"])
    r = client.post("/financing/push/", {"institution_id": fin["hs"].pk})
    assert r.status_code == 302
    push = PushList.objects.get()
    assert push.demand_ids == [demand.pk]
    for user in (fin["city"], fin["bank_hs"]):
        login(user)
        r = client.get(f"/financing/push/{push.pk}.xlsx")
        assert r.status_code == 200
        rows = _rows(r.content)
        assert "徽商银行芜湖分行" in rows[0][0] and "推介" in rows[0][0]
        assert rows[1][0] == "单位：万元"
        assert rows[2][:4] == ["序号", "企业", "金额（万元）", "期限（月）"]
        assert rows[3][1] == "芜湖甲科技有限公司" and float(rows[3][2]) == 500
    login(fin["bank_yz"])
    assert client.get(f"/financing/push/{push.pk}.xlsx").status_code == 404


@pytest.mark.django_db
def test_figures_excel_per_bank_in_wan(client, fin, make_demand, login):
    demand = make_demand(banks=("hs", "yz"))
    engagement = Engagement.objects.get(demand=demand, institution=fin["hs"])
    engagement_transition(engagement=engagement, action="take_up", actor=fin["bank_hs"])
    engagement_transition(engagement=engagement, action="grant", actor=fin["bank_hs"], data=GRANT)
    login(fin["city"])
    r = client.get("/financing/stats.xlsx?group_by=bank")
    assert r.status_code == 200
    rows = _rows(r.content)
    assert "融资" in rows[0][0]
    assert rows[1][0] == "单位：万元"
    assert rows[2][:2] == ["序号", "分组（银行、单位或月份）"]
    assert "授信金额（万元）" in rows[2] and "受理率（%）" in rows[2]
    by_bank = {row[1]: row for row in rows[3:]}
    hs = by_bank["徽商银行芜湖分行"]
    assert float(hs[rows[2].index("授信金额（万元）")]) == 400


@pytest.mark.django_db(transaction=True)
def test_concurrent_take_ups_by_two_banks_both_succeed_and_one_bank_records_one_outcome(
    fin, make_demand
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are tested on PostgreSQL")
    demand = make_demand(banks=("hs", "yz"))
    hs = Engagement.objects.get(demand=demand, institution=fin["hs"])
    yz = Engagement.objects.get(demand=demand, institution=fin["yz"])

    def race(calls):
        barrier = threading.Barrier(len(calls))
        outcomes = []

        def go(call):
            from django.db import connections

            try:
                barrier.wait()
                call()
                outcomes.append("ok")
            except DomainError as error:
                outcomes.append(error.code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=go, args=(c,)) for c in calls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sorted(outcomes)

    both = race(
        [
            lambda: engagement_transition(engagement=hs, action="take_up", actor=fin["bank_hs"]),
            lambda: engagement_transition(engagement=yz, action="take_up", actor=fin["bank_yz"]),
        ]
    )
    assert both == ["ok", "ok"]
    assert set(Engagement.objects.values_list("status", flat=True)) == {"taken_up"}
    hs.refresh_from_db()
    one = race(
        [
            lambda: engagement_transition(
                engagement=hs, action="grant", actor=fin["bank_hs"], data=GRANT
            ),
            lambda: engagement_transition(
                engagement=hs,
                action="decline",
                actor=fin["bank_hs"],
                reason_code="outside_policy",
                reason="超出授信政策",
            ),
        ]
    )
    assert one[0] == "ok" and len(one) == 2 and one[1] != "ok"
    hs.refresh_from_db()
    assert hs.status in ("granted", "declined")
    assert (hs.granted_yuan is None) != (hs.decline_code == "")
