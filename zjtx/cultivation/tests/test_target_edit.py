"""The city officer creates and revises target sets on a grid page and through the API: unit
shares, cells that are not numbers named by row and unit, nothing half-written, a revision
needs a reason and keeps before/after in the audit trail, nobody else reaches it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from zjtx.core.models import AuditEvent
from zjtx.cultivation import services
from zjtx.cultivation.models import Metric, TargetItem, TargetSet

pytestmark = pytest.mark.django_db
API = "/api/v1/cultivation/targets"


def _grid(**cells: str) -> dict[str, str]:
    data = {
        "title": "2027年专精特新培育目标",
        "basis": "芜湖实施意见 一(三)",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "rows": "3",
        "item-0-metric": "certified_new",
        "item-0-label": "新认定市级专精特新企业（家）",
        "item-0-target": "50",
        "item-0-tier": "municipal",
        "share-0-340202": "20",
        "share-0-340281": "30",
        "item-1-metric": "certified_large",
        "item-1-label": "营收超10亿元的小巨人（家）",
        "item-1-target": "15",
        "item-1-tier": "little_giant",
        "item-1-min_revenue": "10",
    }
    data.update(cells)
    return data


def test_city_creates_a_target_set_on_the_grid(client, login, people):
    c = login(people["city"])
    page = c.get(reverse("cultivation:target-new"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "新建目标任务" in text and "镜湖区" in text and "全市目标" in text
    r = c.post(reverse("cultivation:target-new"), _grid())
    assert r.status_code == 302, r.content.decode()[:2000]
    tset = TargetSet.objects.get()
    items = list(tset.items.order_by("sort_order"))
    assert [(i.metric, i.target) for i in items] == [("certified_new", 50), ("certified_large", 15)]
    assert {s.unit.code: s.target for s in items[0].shares.all()} == {"340202": 20, "340281": 30}
    assert items[1].params == {"tier": "little_giant", "min_revenue_yuan": "1000000000"}
    assert AuditEvent.objects.filter(action="cultivation.target_set.create").count() == 1
    # the targets page shows it with an edit link
    listing = c.get(reverse("cultivation:targets") + "?on=2027-06-30").content.decode()
    assert "2027年专精特新培育目标" in listing
    assert reverse("cultivation:target-edit", args=[tset.pk]) in listing


def test_bad_cells_are_named_and_nothing_is_written(client, login, people):
    c = login(people["city"])
    r = c.post(
        reverse("cultivation:target-new"),
        _grid(**{"item-0-target": "五十", "share-0-340281": "x", "item-1-label": ""}),
    )
    assert r.status_code == 400
    text = r.content.decode()
    assert "全市目标：请填写整数。" in text
    assert "无为市 分解任务：请填写整数。" in text
    assert "目标名称：必填" in text
    assert 'value="五十"' in text and 'value="x"' in text  # what was typed is kept
    assert TargetSet.objects.count() == 0 and TargetItem.objects.count() == 0
    r = c.post(reverse("cultivation:target-new"), _grid(period_end="2026-01-01"))
    assert r.status_code == 400 and TargetSet.objects.count() == 0
    assert "期限结束日早于开始日。" in r.content.decode()


def test_revision_needs_a_reason_and_is_audited(client, login, people):
    c = login(people["city"])
    c.post(reverse("cultivation:target-new"), _grid())
    tset = TargetSet.objects.get()
    url = reverse("cultivation:target-edit", args=[tset.pk])
    page = c.get(url).content.decode()
    assert 'value="新认定市级专精特新企业（家）"' in page and 'value="10"' in page
    rows = 2 + 3  # its two targets and three blank rows
    assert f'name="rows" value="{rows}"' in page
    data = _grid(rows=str(rows), **{"item-0-target": "60", "share-0-340202": "25"})
    r = c.post(url, data)
    assert r.status_code == 400 and TargetItem.objects.get(sort_order=0).target == 50
    r = c.post(url, {**data, "reason": "市政府调整年度目标"})
    assert r.status_code == 302
    item = TargetItem.objects.get(target_set=tset, sort_order=0)
    assert item.target == 60
    assert {s.unit.code: s.target for s in item.shares.all()} == {"340202": 25, "340281": 30}
    event = AuditEvent.objects.get(action="cultivation.target_set.update")
    assert event.before["items"][0]["target"] == 50 and event.after["items"][0]["target"] == 60
    assert event.after["reason"] == "市政府调整年度目标"
    # dropping a row removes that target
    r = c.post(
        url,
        {
            **data,
            "item-1-metric": "",
            "item-1-label": "",
            "item-1-target": "",
            "item-1-tier": "",
            "item-1-min_revenue": "",
            "reason": "删去一项",
        },
    )
    assert r.status_code == 302 and tset.items.count() == 1


def test_only_the_city_reaches_the_editor(client, login, people):
    tset = services.target_set_create(
        actor=people["city"],
        title="目标",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        items=[services.TargetItemIn(Metric.CERTIFIED_NEW, "新认定", 50, {}, {"340202": 10})],
    )
    for who in ("unit", "ent", "other_unit"):
        c = login(people[who])
        assert c.get(reverse("cultivation:target-new")).status_code == 404
        assert c.get(reverse("cultivation:target-edit", args=[tset.pk])).status_code == 404
        assert c.post(reverse("cultivation:target-new"), _grid()).status_code == 404
        body = {
            "title": "x",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
            "items": [{"metric": "technicians", "label": "技师", "target": 5}],
        }
        assert c.post(API, body, content_type="application/json").status_code == 404
        assert (
            c.put(
                f"{API}/{tset.pk}", {**body, "reason": "x"}, content_type="application/json"
            ).status_code
            == 404
        )
    c = login(people["unit"])
    assert "新建目标任务" not in c.get(reverse("cultivation:targets")).content.decode()
    assert TargetSet.objects.get().title == "目标"
    city = login(people["city"])
    assert city.get(reverse("cultivation:target-edit", args=[9999])).status_code == 404


def test_target_api_create_and_update(client, login, people):
    c = login(people["city"])
    body = {
        "title": "技能人才五年目标",
        "period_start": "2026-01-01",
        "period_end": "2030-12-31",
        "items": [
            {
                "metric": "technicians",
                "label": "培育技师（名）",
                "target": 3000,
                "shares": {"340202": 1200, "340281": 1800},
            },
            {
                "metric": "pool_size",
                "label": "提升库（家）",
                "target": 40,
                "params": {"pools": ["upgrade"]},
            },
        ],
    }
    r = c.post(API, body, content_type="application/json")
    assert r.status_code == 201, r.content
    saved = r.json()
    assert saved["items"][0]["shares"] == {"340202": 1200, "340281": 1800}
    assert saved["items"][1]["params"] == {"pools": ["upgrade"]}
    # unknown unit, wrong period: 400 naming the fields, nothing written
    bad = {
        **body,
        "period_end": "2025-01-01",
        "items": [{**body["items"][0], "shares": {"NOPE": 1}}],
    }
    r = c.post(API, bad, content_type="application/json")
    assert r.status_code == 400
    fields = r.json()["fields"]
    assert "period_end" in fields and "items.0.shares.NOPE" in fields
    assert TargetSet.objects.count() == 1
    # a revision without a reason is refused; with one it replaces the items
    r = c.put(f"{API}/{saved['id']}", {**body, "reason": ""}, content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    r = c.put(
        f"{API}/{saved['id']}",
        {**body, "items": body["items"][:1], "reason": "人才目标单列"},
        content_type="application/json",
    )
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    listing = c.get(API + "?on=2026-06-30").json()
    assert [i["label"] for i in listing[0]["items"]] == ["培育技师（名）"]
    assert (
        c.put(f"{API}/99999", {**body, "reason": "x"}, content_type="application/json").status_code
        == 404
    )
