"""Pages and API of annual reports and dashboards: roles, scope (404), Chinese, errors."""

from __future__ import annotations

import json

import pytest

from zjtx.reports.models import AnnualReport

pytestmark = pytest.mark.django_db


def test_city_starts_a_report_by_api_and_reads_its_figures(client, login, city_data):
    login(city_data["city"])
    r = client.post("/api/v1/reports/annual", {"year": 2025}, content_type="application/json")
    assert r.status_code == 202, r.content
    report_id = r.json()["id"]
    body = client.get(f"/api/v1/reports/annual/{report_id}").json()
    assert body["status"] == "done"
    assert body["files"]["docx"].endswith("/docx/")
    keys = {f["key"] for f in body["figures"]}
    assert "economics.revenue" in keys
    fig = client.get(f"/api/v1/reports/annual/{report_id}/figures/economics.revenue").json()
    assert fig["definition"] and fig["source_query"] and fig["records"] == 14
    assert client.get(f"/api/v1/reports/annual/{report_id}/figures/nope").status_code == 404
    docx = client.get(body["files"]["docx"])
    assert docx.status_code == 200 and docx["Content-Disposition"].startswith("attachment")


def test_api_refuses_a_bad_year_and_other_roles(client, login, city_data, make_user):
    login(city_data["city"])
    r = client.post("/api/v1/reports/annual", {"year": 1990}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_year"
    r = client.post("/api/v1/reports/annual", {"year": "x"}, content_type="application/json")
    assert r.status_code == 400
    client.logout()
    login(make_user("unit_officer", unit=city_data["units"]["镜湖区"]))
    r = client.post("/api/v1/reports/annual", {"year": 2025}, content_type="application/json")
    assert r.status_code == 403


def test_enterprise_and_bank_cannot_see_reports(client, login, city_data, make_user):
    from zjtx.reports.services import annual_report_start

    report = annual_report_start(year=2025, actor=city_data["city"])
    login(make_user("enterprise", enterprise=city_data["firms"][0]))
    assert client.get(f"/reports/annual/{report.pk}/").status_code == 404
    assert client.get(f"/reports/annual/{report.pk}/docx/").status_code == 404
    assert client.get(f"/api/v1/reports/annual/{report.pk}").status_code == 404
    assert client.get("/reports/").status_code == 404
    assert client.get("/reports/screen/").status_code == 404
    # unpublished: not public either
    client.logout()
    assert client.get(f"/reports/public/{report.pk}/docx/").status_code == 404


def test_pages_render_in_chinese(client, login, city_data):
    login(city_data["city"])
    page = client.post("/reports/annual/", {"year": "2025"})
    report = AnnualReport.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/jobs/{report.job_id}/"
    job = client.get(page["Location"]).content.decode()
    assert report.get_absolute_url() in job
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "下载 Word" in detail and "数据来源与口径" in detail and "二、经济运行" in detail
    listing = client.get("/reports/annual/").content.decode()
    assert "年度发展报告" in listing and "生成报告" in listing
    dash = client.get("/reports/?year=2025").content.decode()
    assert "领导驾驶舱" in dash and "营业收入" in dash and "reports-chart-data" in dash
    screen = client.get("/reports/screen/?year=2025").content.decode()
    assert "会议室大屏" in screen and "echarts.min.js" in screen
    # the screen's industry chart names divisions, never shows the bare GB/T code (C36)
    raw = screen.split('id="reports-chart-data"', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
    names = [d["name"] for d in json.loads(raw)["divisions"]]
    assert "汽车制造业" in names and not any(n.startswith("C") for n in names), names
    progress = client.get(report.get_absolute_url() + "?part=progress", HTTP_HX_REQUEST="true")
    assert b"report-result" in progress.content


def test_unit_officer_dashboard_is_their_unit_only(client, login, city_data, make_user):
    from zjtx.reports.rollups import rollups_refresh

    rollups_refresh(years=[2024, 2025])
    units = city_data["units"]
    login(make_user("unit_officer", unit=units["镜湖区"]))
    page = client.get("/reports/?year=2025")
    assert page.status_code == 200 and "镜湖区" in page.content.decode()
    assert client.get(f"/reports/?unit={units['无为市'].pk}").status_code == 404
    assert client.get(f"/api/v1/dashboards?unit={units['无为市'].pk}").status_code == 404
    kpis = client.get("/api/v1/dashboards?year=2025").json()["kpis"]
    revenue = next(k for k in kpis if k["key"] == "econ_revenue")
    # 镜湖区 holds firms 0, 3, 6, 9, 12 of the fixture (revenue scales with n + 1)
    assert revenue["value"] == f"{100000 * 1.1 * 12 * (1 + 4 + 7 + 10 + 13):.2f}"
    assert client.get("/reports/screen/").status_code == 404


def test_city_publishes_and_the_public_downloads(client, login, city_data):
    from zjtx.reports.selectors import published_reports
    from zjtx.reports.services import annual_report_start

    report = annual_report_start(year=2025, actor=city_data["city"])
    login(city_data["city"])
    client.post(f"/reports/annual/{report.pk}/action/", {"action": "publish"})
    assert [r.pk for r in published_reports()] == [report.pk]
    client.logout()
    assert client.get(f"/reports/public/{report.pk}/pdf/").status_code == 200
