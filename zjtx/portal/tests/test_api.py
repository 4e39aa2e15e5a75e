"""Public API without login: policies, certified lists, reports; bad values get the error contract."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
API = "/api/v1/public"


def test_policies_list_without_login_with_search_and_tag(client, policies):
    response = client.get(f"{API}/policies")
    assert response.status_code == 200
    rows = response.json()
    titles = {r["title"] for r in rows}
    assert "首台（套）重大技术装备奖励" in titles
    assert "运行监测预警阈值" not in titles  # a parameter set is no policy
    assert not any(r["id"].startswith("financing.") for r in rows)
    first_set = next(r for r in rows if r["id"] == "wuhu.first_set")
    assert any("100.00万元" in a for a in first_set["amount"])
    assert {"key": "award", "label": "资金奖补"} in first_set["tags"]
    rows = client.get(f"{API}/policies", {"q": "首台"}).json()
    assert [r["id"] for r in rows] == ["wuhu.first_set"]
    rows = client.get(f"{API}/policies", {"tag": "criteria"}).json()
    assert rows and all(r["kind"] == "criteria" for r in rows)


def test_policy_detail_and_unknown_policy(client, policies):
    data = client.get(f"{API}/policies/wuhu.municipal_zjtx").json()
    assert data["once_only"] is True
    assert any("10.00万元" in a for a in data["amount"])
    assert data["conditions"] and data["clause"] == "芜湖实施意见 三(二)"
    missing = client.get(f"{API}/policies/nope.nothing")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.get(f"{API}/policies/wuhu.monitoring_warnings").status_code == 404


def test_certified_list_by_year_and_tier_shows_only_certified(client, public_world):
    year = public_world["year"] - 1
    rows = client.get(f"{API}/certified", {"year": year, "tier": "municipal"}).json()
    names = [r["name"] for r in rows]
    assert names == ["芜湖已认定精工有限公司"]
    assert rows[0]["certificate_number"] == public_world["certificate"]
    assert rows[0]["tier_label"] == "市级专精特新中小企业"
    everything = client.get(f"{API}/certified", {"tier": "municipal"}).json()
    assert {r["name"] for r in everything} == {"芜湖已认定精工有限公司"}
    assert client.get(f"{API}/certified", {"year": year + 1}).json() == []


def test_certified_lists_every_published_tier_filterable_by_tier(client, public_world):
    year = public_world["year"] - 1
    rows = client.get(f"{API}/certified", {"year": year}).json()
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {
        "芜湖已认定精工有限公司",
        "芜湖省级精密有限公司",
        "芜湖小巨人装备有限公司",
        "芜湖创新型科技有限公司",
    }
    # municipal first (the city's decisions), then the higher tiers, 创新型 last
    assert [r["tier"] for r in rows] == ["municipal", "little_giant", "provincial", "innovative"]
    provincial = by_name["芜湖省级精密有限公司"]
    assert provincial["tier_label"] == "省级专精特新中小企业"
    assert provincial["published_by"] == "安徽省经济和信息化厅公告"
    assert provincial["certificate_number"] == "" and provincial["year"] == year
    assert provincial["unit"] == "无为市"
    assert by_name["芜湖小巨人装备有限公司"]["published_by"] == "工业和信息化部公告"
    assert by_name["芜湖已认定精工有限公司"]["published_by"] == public_world["document"].number
    only = client.get(f"{API}/certified", {"tier": "little_giant"}).json()
    assert [r["name"] for r in only] == ["芜湖小巨人装备有限公司"]
    only = client.get(f"{API}/certified", {"tier": "innovative", "year": year}).json()
    assert [r["name"] for r in only] == ["芜湖创新型科技有限公司"]
    assert client.get(f"{API}/certified", {"tier": "champion"}).json() == []


def test_certified_lists_leak_nothing_unpublished_or_no_longer_held(client, public_world):
    names = {r["name"] for r in client.get(f"{API}/certified").json()}
    for key in (
        "revoked",  # municipal title revoked after the decision
        "noticed",  # only in 公示
        "hidden",  # approved, 公示 not started
        "ahead",  # on a decision dated ahead: not issued yet
        "giant_revoked",  # 小巨人 revoked since
        "provincial_ahead",  # recorded with a date still to come
        "innovative_expired",  # expired
        "municipal_old",  # municipal tier without a published decision in the platform
    ):
        assert public_world[key].name not in names, key
    from zjtx.portal.selectors import certified_years

    assert certified_years() == [public_world["year"] - 1]


@pytest.mark.parametrize(
    "params,code",
    [
        ({"year": "abc"}, "invalid_year"),
        ({"year": "1800"}, "invalid_year"),
        ({"year": "2026.5"}, "invalid_year"),
        ({"year": "1" * 50}, "invalid_input"),
        ({"tier": "galaxy"}, "invalid_tier"),
    ],
)
def test_certified_bad_values_get_the_error_contract(client, public_world, params, code):
    response = client.get(f"{API}/certified", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert set(body) == {"code", "message", "fields"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


@pytest.mark.parametrize("params", [{"tag": "nope"}, {"q": "字" * 200}])
def test_policies_bad_values_get_400(client, policies, params):
    response = client.get(f"{API}/policies", params)
    assert response.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


def test_reports_list_is_public_and_empty_until_one_is_published(client):
    response = client.get(f"{API}/reports")
    assert response.status_code == 200 and response.json() == []


def test_api_leaks_nothing_unpublished(client, policies, public_world, articles):
    import json

    blobs = [
        client.get(f"{API}/policies").content.decode(),
        client.get(f"{API}/certified").content.decode(),
        client.get(f"{API}/reports").content.decode(),
    ]
    text = json.dumps([json.loads(b) for b in blobs], ensure_ascii=False)
    for secret in (
        "芜湖未公示秘密有限公司",
        "芜湖从未认定贸易有限公司",
        "无为公示中电缆有限公司",
        "芜湖已撤销机械有限公司",
    ):
        assert secret not in text


def test_published_report_is_listed_with_its_downloads_and_a_draft_is_not(client):
    """Rows made directly: building a report is the reports app's to test."""
    from django.core.files.base import ContentFile
    from django.urls import reverse
    from django.utils import timezone

    from zjtx.reports.models import AnnualReport

    published = AnnualReport(year=2025, status="done", publication="published")
    published.published_at = timezone.now()
    published.docx.save("r2025.docx", ContentFile(b"PK\x03\x04docx"), save=False)
    published.save()
    draft = AnnualReport(year=2024, status="done", publication="draft")
    draft.docx.save("r2024.docx", ContentFile(b"PK\x03\x04docx"), save=False)
    draft.save()
    rows = client.get(f"{API}/reports").json()
    assert [r["year"] for r in rows] == [2025]
    assert rows[0]["docx_url"] == reverse("reports:public-file", args=[published.pk, "docx"])
    html = client.get(reverse("portal:reports")).content.decode()
    assert rows[0]["docx_url"] in html and "2025" in html
    assert reverse("reports:public-file", args=[draft.pk, "docx"]) not in html
