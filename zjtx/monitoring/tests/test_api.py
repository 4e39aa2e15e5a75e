"""/api/v1/monitoring: shapes, 400 codes for bad files, scope 404s."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken, Role
from zjtx.monitoring.models import ImportRun, MonitoringValue

from . import xlsx_files as X
from .conftest import PERIOD

pytestmark = pytest.mark.django_db
URL = "/api/v1/monitoring/imports"


def bearer(user):
    raw = token_generate()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], digest=token_digest(raw))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, auth, data, name="报表.xlsx", **form):
    payload = {"file": SimpleUploadedFile(name, data), "period": PERIOD, **form}
    return client.post(URL, payload, **auth)


def test_commit_shape(client, unit_officer, firms):
    auth = bearer(unit_officer)
    response = post(client, auth, X.workbook([X.row(firms["a"].credit_code)]))
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"id", "status", "rows_total", "rows_accepted", "rows_rejected", "errors"} <= set(body)
    assert body["status"] == "committed" and body["rows_accepted"] == 1 and body["errors"] == []
    again = client.get(f"{URL}/{body['id']}", **auth).json()
    assert again["id"] == body["id"] and again["status"] == "committed"


def test_dry_run_then_commit_without_reupload(client, unit_officer, firms):
    auth = bearer(unit_officer)
    body = post(client, auth, X.workbook([X.row(firms["a"].credit_code)]), dry_run="true").json()
    assert body["status"] == "validated" and MonitoringValue.objects.count() == 0
    committed = client.post(f"{URL}/{body['id']}/commit", **auth).json()
    assert committed["status"] == "committed" and MonitoringValue.objects.count() == 13


def test_row_errors_in_the_body(client, unit_officer, firms):
    auth = bearer(unit_officer)
    body = post(client, auth, X.workbook([X.row(firms["a"].credit_code, 营业收入="一千")])).json()
    assert body["status"] == "rejected" and body["rows_rejected"] == 1
    error = body["errors"][0]
    assert (error["row"], error["column"], error["code"]) == (4, "营业收入（万元）", "not_a_number")
    assert error["message"].startswith("第4行「营业收入（万元）」列（D4单元格）")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"hello, not a workbook", "not_xlsx"),
        (X.xlsm(X.workbook([])), "macro_enabled"),
        (X.zip_bomb(X.workbook([])), "zip_bomb"),
    ],
)
def test_bad_files_give_400_with_code(client, unit_officer, data, code):
    response = post(client, bearer(unit_officer), data)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["message"]
    assert ImportRun.objects.get(pk=int(body["fields"]["import_id"])).error_code == code


def test_missing_fields_give_400(client, unit_officer):
    response = client.post(URL, {"period": PERIOD}, **bearer(unit_officer))
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    response = post(client, bearer(unit_officer), X.workbook([]), period="九月")
    assert response.status_code == 400 and response.json()["code"] == "invalid_period"


def test_import_of_another_unit_is_404(client, unit_officer, other_unit_officer, firms):
    body = post(client, bearer(unit_officer), X.workbook([X.row(firms["a"].credit_code)])).json()
    response = client.get(f"{URL}/{body['id']}", **bearer(other_unit_officer))
    assert response.status_code == 404
    response = client.post(f"{URL}/{body['id']}/commit", **bearer(other_unit_officer))
    assert response.status_code == 404


def test_enterprise_users_cannot_import(client, make_user, firms):
    user = make_user(Role.ENTERPRISE, enterprise=firms["a"])
    response = post(client, bearer(user), X.workbook([X.row(firms["a"].credit_code)]))
    assert response.status_code == 403


def test_unauthenticated_is_401(client):
    assert client.get(f"{URL}/1").status_code == 401


def test_values_scoped(client, unit_officer, other_unit_officer, firms, make_user):
    post(client, bearer(unit_officer), X.workbook([X.row(firms["a"].credit_code)]))
    url = f"/api/v1/monitoring/values?period={PERIOD}&credit_code={firms['a'].credit_code.lower()}"
    body = client.get(url, **bearer(unit_officer)).json()
    assert body["credit_code"] == firms["a"].credit_code and len(body["values"]) == 13
    revenue = next(v for v in body["values"] if v["indicator"] == "operating_revenue")
    assert revenue["unit"] == "万元"
    assert float(revenue["value"]) == 1000.5 and float(revenue["value_stored"]) == 10005000
    assert client.get(url, **bearer(other_unit_officer)).status_code == 404
    owner = make_user(Role.ENTERPRISE, enterprise=firms["a"])
    assert client.get(url, **bearer(owner)).status_code == 200
    other_firm = make_user(Role.ENTERPRISE, enterprise=firms["b"])
    assert client.get(url, **bearer(other_firm)).status_code == 404


def test_template_lists_the_scope(client, unit_officer, firms):
    response = client.get(f"/api/v1/monitoring/template?period={PERIOD}", **bearer(unit_officer))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert "填报单位（盖章）：镜湖区" in rows[1][0] and PERIOD in rows[1][0]
    assert rows[2][:4] == ["序号", "统一社会信用代码", "企业名称", "营业收入（万元）"]
    assert rows[2][-1] == "存在问题和诉求"
    codes = {r[1] for r in rows[3:]}
    assert codes == {firms["a"].credit_code, firms["b"].credit_code}


def test_filled_template_round_trips(client, city_officer, firms):
    auth = bearer(city_officer)
    content = client.get(f"/api/v1/monitoring/template?period={PERIOD}", **auth).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    filled = [["", r[1], r[2], *X.row("x")[3:]] for r in rows[3:]]
    body = post(client, auth, X.workbook(filled, header=rows[2])).json()
    assert body["status"] == "committed" and body["rows_accepted"] == 3
