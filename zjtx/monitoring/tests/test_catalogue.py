"""Indicator catalogue: the city officer's pages and API, the rules that keep stored data's
meaning, audit entries, the Excel export, and 404/403 for everyone else."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken, Role
from zjtx.core.errors import Forbidden
from zjtx.core.models import AuditEvent
from zjtx.monitoring import services
from zjtx.monitoring.errors import MonitoringError
from zjtx.monitoring.models import Indicator, MonitoringValue
from zjtx.monitoring.services.catalogue import indicator_create, indicator_update

from . import xlsx_files as X
from .conftest import PERIOD

pytestmark = pytest.mark.django_db
API = "/api/v1/monitoring/indicators"
PAGES = ("monitoring:catalogue", "monitoring:catalogue-create", "monitoring:catalogue-export")


def bearer(user: Any) -> dict[str, str]:
    raw = token_generate()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], digest=token_digest(raw))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "new_product_output",
        "name": "新产品产值",
        "unit": "万元",
        "kind": "numeric",
        "frequency": "monthly",
        "accumulation": "year_to_date",
        "decimal_places": "2",
        "min_value": "0",
        "max_value": "10,000,000",
        "max_length": "2000",
        "sort_order": "200",
        "active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def new_indicator(city_officer: Any, **fields: Any) -> Indicator:
    values: dict[str, Any] = {"code": "new_orders_export", "name": "出口订单", "unit": "万元"}
    values.update(fields)
    return indicator_create(actor=city_officer, **values)


def store_value(indicator: Indicator, enterprise: Any) -> None:
    period = services.period_get_or_open(ref=services.parse_period(PERIOD))
    MonitoringValue.objects.create(
        period=period, enterprise=enterprise, indicator=indicator, value=Decimal("12500000")
    )


def snapshot() -> list[tuple[Any, ...]]:
    return list(Indicator.objects.order_by("pk").values_list())


# Pages


def test_list_page_renders_in_chinese(login, city_officer, unit_officer, firms):
    services.import_upload(
        actor=unit_officer,
        period_code=PERIOD,
        data=X.workbook([X.row(firms["a"].credit_code), X.row(firms["b"].credit_code)]),
        original_name="a.xlsx",
    )
    response = login(city_officer).get(reverse("monitoring:catalogue"))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("指标目录", "新增指标", "名称", "当期/累计", "取值范围", "已有数据条数"):
        assert text in body, text
    # The list names indicators in Chinese; the code is the template's key, not for reading.
    assert "<code>operating_revenue</code>" not in body
    assert "营业收入" in body and "当期" in body
    assert "0 至 10,000,000" in body  # the range of 营业收入 in 万元
    rows = response.context["rows"]
    revenue = next(r for r in rows if r["indicator"].code == "operating_revenue")
    assert revenue["values"] == 2
    assert 'href="/monitoring/catalogue/"' in body  # the sidebar entry


def test_edit_form_shows_the_range_as_people_write_it(login, city_officer):
    revenue = Indicator.objects.get(code="operating_revenue")
    url = reverse("monitoring:catalogue-edit", args=[revenue.pk])
    body = login(city_officer).get(url).content.decode()
    assert 'type="text" name="max_value" value="10,000,000"' in body
    assert 'name="min_value" value="0"' in body


def test_form_page_renders_in_chinese(login, city_officer):
    body = login(city_officer).get(reverse("monitoring:catalogue-create")).content.decode()
    for text in ("新增指标", "计量单位", "取值下限", "取值上限", "填报频率", "万元"):
        assert text in body, text


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.ENTERPRISE])
def test_other_roles_get_404_on_the_pages(login, make_user, units, firms, role):
    scope = {"unit": units["镜湖区"]} if role == Role.UNIT_OFFICER else {"enterprise": firms["a"]}
    client = login(make_user(role, **scope))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 404, name
    indicator = Indicator.objects.get(code="operating_revenue")
    url = reverse("monitoring:catalogue-edit", args=[indicator.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(code="x", name="营业收入")).status_code == 404
    assert Indicator.objects.get(pk=indicator.pk).code == "operating_revenue"


def test_sidebar_entry_only_for_the_city_officer(login, city_officer, unit_officer):
    assert "/monitoring/catalogue/" in login(city_officer).get("/").content.decode()
    assert "/monitoring/catalogue/" not in login(unit_officer).get("/").content.decode()


def test_create_through_the_page(login, city_officer):
    client = login(city_officer)
    response = client.post(
        reverse("monitoring:catalogue-create"), form_data(code="New_Product_Output")
    )
    assert response.status_code == 302, response.content.decode()
    indicator = Indicator.objects.get(code="new_product_output")
    assert indicator.name == "新产品产值" and indicator.is_money
    assert indicator.max_value == Decimal("10000000")
    assert indicator.accumulation == Indicator.Accumulation.YEAR_TO_DATE
    event = AuditEvent.objects.get(action="monitoring.indicator.create")
    assert event.object_id == str(indicator.pk) and event.actor_id == city_officer.pk
    assert event.after["code"] == "new_product_output" and event.after["unit"] == "万元"


def test_edit_through_the_page_and_deactivate(login, city_officer):
    indicator = new_indicator(city_officer)
    client = login(city_officer)
    url = reverse("monitoring:catalogue-edit", args=[indicator.pk])
    assert client.get(url).status_code == 200
    data = form_data(code="new_orders_export", name="新增出口订单", max_value="500000")
    data.pop("active")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    indicator.refresh_from_db()
    assert (indicator.name, indicator.max_value, indicator.active) == (
        "新增出口订单",
        Decimal("500000"),
        False,
    )
    event = AuditEvent.objects.get(action="monitoring.indicator.update")
    assert event.before["name"] == "出口订单" and event.after["name"] == "新增出口订单"
    assert event.before["active"] is True and event.after["active"] is False
    assert "code" not in event.after  # only what changed


def test_page_shows_duplicate_code_in_chinese_and_writes_nothing(login, city_officer):
    before = snapshot()
    client = login(city_officer)
    response = client.post(reverse("monitoring:catalogue-create"), form_data(code="taxes"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "已被指标“税金总额”使用" in form.errors["code"][0]
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action__startswith="monitoring.indicator").exists()


def test_page_refuses_min_above_max(login, city_officer):
    before = snapshot()
    response = login(city_officer).post(
        reverse("monitoring:catalogue-create"), form_data(min_value="100", max_value="5")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "取值下限（100）大于取值上限（5）" in body
    assert snapshot() == before


def test_page_locks_fields_of_an_indicator_with_data(login, city_officer, firms):
    indicator = new_indicator(city_officer)
    store_value(indicator, firms["a"])
    client = login(city_officer)
    url = reverse("monitoring:catalogue-edit", args=[indicator.pk])
    response = client.get(url)
    form = response.context["form"]
    assert {n for n, f in form.fields.items() if f.disabled} == {
        "code",
        "unit",
        "kind",
        "frequency",
        "accumulation",
    }
    assert "该指标已有填报数据" in response.content.decode()
    # A tampered post cannot change a disabled field; the rest is saved.
    response = client.post(url, form_data(code="hacked", unit="元", name="出口订单额"))
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.code, indicator.unit, indicator.name) == (
        "new_orders_export",
        "万元",
        "出口订单额",
    )


# Service rules


def test_code_change_with_stored_values_is_refused(city_officer, firms):
    indicator = new_indicator(city_officer)
    store_value(indicator, firms["a"])
    before, events = snapshot(), AuditEvent.objects.count()
    with pytest.raises(MonitoringError) as caught:
        indicator_update(actor=city_officer, indicator=indicator, changes={"code": "orders_x"})
    assert caught.value.code == "code_has_values"
    assert caught.value.fields["code"] == "代码不能修改：该指标已有填报数据。"
    assert snapshot() == before and AuditEvent.objects.count() == events


def test_code_change_without_values_is_allowed(city_officer):
    indicator = new_indicator(city_officer)
    changed = indicator_update(
        actor=city_officer, indicator=indicator, changes={"code": "orders_x"}
    )
    assert changed.code == "orders_x"


def test_built_in_code_cannot_change(city_officer):
    indicator = Indicator.objects.get(code="electricity")
    with pytest.raises(MonitoringError) as caught:
        indicator_update(actor=city_officer, indicator=indicator, changes={"code": "power"})
    assert caught.value.code == "code_built_in" and "内置指标" in caught.value.message


@pytest.mark.parametrize(
    ("changes", "code", "text"),
    [
        ({"unit": "元"}, "unit_has_values", "计量单位不能修改"),
        ({"kind": "text"}, "kind_has_values", "类型不能修改"),
        ({"accumulation": "period_end"}, "accumulation_has_values", "当期/累计不能修改"),
    ],
)
def test_meaning_of_stored_values_cannot_change(city_officer, firms, changes, code, text):
    indicator = new_indicator(city_officer)
    store_value(indicator, firms["a"])
    before = snapshot()
    with pytest.raises(MonitoringError) as caught:
        indicator_update(actor=city_officer, indicator=indicator, changes=changes)
    assert caught.value.code == code
    assert text in caught.value.message and "已有填报数据" in caught.value.message
    assert snapshot() == before


def test_text_indicator_ignores_ranges(city_officer):
    indicator = new_indicator(
        city_officer,
        code="plans",
        name="下月计划",
        unit="万元",
        kind="text",
        decimal_places=4,
        min_value=Decimal(5),
        max_value=Decimal(1),
        max_length=500,
    )
    assert (indicator.unit, indicator.decimal_places) == ("文本", 0)
    assert indicator.min_value is None and indicator.max_value is None
    assert indicator.header == "下月计划"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"decimal_places": 5}, "decimal_places_invalid", "decimal_places"),
        ({"unit": "千瓦时", "decimal_places": 3}, "decimal_places_invalid", "decimal_places"),
        ({"code": "营业额"}, "invalid_code", "code"),
        ({"code": "1st"}, "invalid_code", "code"),
        ({"name": "营业收入"}, "name_taken", "name"),
        ({"name": "营业 收入"}, "name_taken", "name"),
        ({"name": "出口（美元）"}, "name_has_brackets", "name"),
        ({"name": "统一社会信用代码"}, "name_reserved", "name"),
        ({"unit": ""}, "required", "unit"),
        ({"kind": "number"}, "invalid_choice", "kind"),
        ({"min_value": Decimal("0.00001")}, "range_invalid", "min_value"),
        ({"max_value": Decimal("1E+15")}, "range_invalid", "max_value"),
    ],
)
def test_create_rules(city_officer, fields, code, field):
    with pytest.raises(MonitoringError) as caught:
        new_indicator(city_officer, **fields)
    assert caught.value.code == code and field in caught.value.fields
    assert not Indicator.objects.filter(code="new_orders_export").exists()


def test_amounts_allow_four_decimal_places(city_officer):
    assert new_indicator(city_officer, decimal_places=4).decimal_places == 4


def test_only_the_city_officer_writes(unit_officer):
    with pytest.raises(Forbidden) as refused:
        indicator_create(actor=unit_officer, code="x_y", name="某指标", unit="人")
    assert refused.value.code == "forbidden" and refused.value.status == 403


# API


def test_api_create_and_patch(client, city_officer):
    auth = bearer(city_officer)
    payload = {
        "code": "new_product_output",
        "name": "新产品产值",
        "unit": "万元",
        "accumulation": "year_to_date",
        "min_value": 0,
        "max_value": "10000000",
    }
    response = client.post(API, payload, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "new_product_output" and body["header"] == "新产品产值（万元）"
    assert body["is_money"] and body["active"] and body["sort_order"] > 0
    response = client.patch(
        f"{API}/{body['id']}", {"active": False}, content_type="application/json", **auth
    )
    assert response.status_code == 200 and response.json()["active"] is False
    actions = list(
        AuditEvent.objects.filter(object_id=str(body["id"]))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["monitoring.indicator.create", "monitoring.indicator.deactivate"]


def test_new_indicator_becomes_a_template_column(client, city_officer):
    auth = bearer(city_officer)
    payload = {"code": "new_product_output", "name": "新产品产值", "unit": "万元"}
    client.post(API, payload, content_type="application/json", **auth)
    response = client.get(f"/api/v1/monitoring/template?period={PERIOD}", **auth)
    header = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()[2]
    )
    assert header[-1] == "新产品产值（万元）"


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"code": "taxes", "name": "税金", "unit": "万元"}, "code_taken", "code"),
        (
            {"code": "t2", "name": "利润", "unit": "万元", "min_value": 9, "max_value": 1},
            "range_invalid",
            "min_value",
        ),
        (
            {"code": "t3", "name": "用水量", "unit": "吨", "decimal_places": 9},
            "decimal_places_invalid",
            "decimal_places",
        ),
        (
            {"code": "t4", "name": "用水量", "unit": "吨", "max_value": "1e40"},
            "range_invalid",
            "max_value",
        ),
        (
            {"code": "t5", "name": "用水量", "unit": "吨", "sort_order": 10**12},
            "sort_order_invalid",
            "sort_order",
        ),
        (
            {"code": "t6", "name": "用水量", "unit": "吨", "max_length": 10**12},
            "max_length_invalid",
            "max_length",
        ),
        ({"name": "用水量"}, "invalid_input", "code"),
    ],
)
def test_api_bad_input_is_400_with_fields(client, city_officer, payload, code, field):
    before = snapshot()
    response = client.post(API, payload, content_type="application/json", **bearer(city_officer))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code and field in body["fields"] and body["message"]
    assert snapshot() == before


def test_min_above_max_is_one_message_on_both_fields(client, city_officer):
    payload = {"code": "t2", "name": "利润", "unit": "万元", "min_value": 9, "max_value": 1}
    response = client.post(API, payload, content_type="application/json", **bearer(city_officer))
    body = response.json()
    assert body["message"] == "取值下限（9）大于取值上限（1）。"
    assert body["fields"]["min_value"] == body["fields"]["max_value"] == body["message"]


def test_api_patch_refusals_are_400_in_chinese(client, city_officer, firms):
    indicator = new_indicator(city_officer)
    store_value(indicator, firms["a"])
    auth = bearer(city_officer)
    url = f"{API}/{indicator.pk}"
    before = snapshot()
    response = client.patch(url, {"unit": "元"}, content_type="application/json", **auth)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unit_has_values"
    assert body["fields"]["unit"].startswith("计量单位不能修改：该指标已有填报数据")
    response = client.patch(url, {"name": None}, content_type="application/json", **auth)
    assert response.status_code == 400 and response.json()["fields"]["name"] == "名称不能为空。"
    response = client.patch(url, {"colour": "red"}, content_type="application/json", **auth)
    assert response.status_code == 400 and "colour" in response.json()["fields"]
    assert snapshot() == before
    assert (
        client.patch(f"{API}/999999", {}, content_type="application/json", **auth).status_code
        == 404
    )


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.ENTERPRISE])
def test_api_write_is_refused_for_other_roles(client, make_user, units, firms, role):
    scope = {"unit": units["镜湖区"]} if role == Role.UNIT_OFFICER else {"enterprise": firms["a"]}
    auth = bearer(make_user(role, **scope))
    before = snapshot()
    payload = {"code": "x_y", "name": "某指标", "unit": "人"}
    response = client.post(API, payload, content_type="application/json", **auth)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    revenue = Indicator.objects.get(code="operating_revenue")
    response = client.patch(
        f"{API}/{revenue.pk}", {"active": False}, content_type="application/json", **auth
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_api_list_shows_inactive_only_to_the_city_officer(
    client, city_officer, unit_officer, firms, make_user
):
    new_indicator(city_officer, active=False)
    city = [i["code"] for i in client.get(API, **bearer(city_officer)).json()]
    assert "new_orders_export" in city and city[0] == "operating_revenue"
    for user in (unit_officer, make_user(Role.ENTERPRISE, enterprise=firms["a"])):
        codes = [i["code"] for i in client.get(API, **bearer(user)).json()]
        assert "new_orders_export" not in codes and "operating_revenue" in codes
    expert = make_user(Role.EXPERT)
    assert client.get(API, **bearer(expert)).status_code == 403
    assert client.get(API).status_code == 401


# Export


def test_export_has_chinese_headers(login, city_officer):
    new_indicator(city_officer, active=False)
    response = login(city_officer).get(reverse("monitoring:catalogue-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][0] == "监测指标目录"
    assert rows[2][:5] == ["序号", "排序", "代码", "名称", "计量单位"]
    assert "当期/累计" in rows[2] and "取值下限" in rows[2] and "已有数据条数" in rows[2]
    by_code = {r[2]: r for r in rows[3:]}
    assert by_code["operating_revenue"][3] == "营业收入"
    assert by_code["new_orders_export"][rows[2].index("状态")] == "停用"
    assert len(by_code) == Indicator.objects.count()
