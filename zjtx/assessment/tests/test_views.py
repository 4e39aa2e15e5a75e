"""Pages: the Chinese ranking and trace, the unit's own detail only (others 404), the forms."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from zjtx.assessment import services
from zjtx.assessment.models import AssessmentRun, Objection

pytestmark = pytest.mark.django_db


def test_city_pages_render_in_chinese(login, computed, people, units):
    client = login(people["city"])
    page = client.get(reverse("assessment:runs")).content.decode()
    assert "县区考核" in page and "开展考核" in page
    page = client.get(reverse("assessment:run", args=[computed.pk])).content.decode()
    assert "排名" in page and "记录得分调整" in page and "向各单位公布" in page
    page = client.get(
        reverse("assessment:unit", args=[computed.pk, units["镜湖区"].pk])
    ).content.decode()
    assert "分项计分明细" in page and "新增市级专精特新企业" in page and "计分公式" in page
    assert "为什么排名第" in page
    page = client.get(reverse("assessment:schemes")).content.decode()
    assert "指标与权重" in page and "月度监测报送率" in page


def test_the_city_runs_and_publishes_from_the_pages(login, scheme_loaded, data, people):
    client = login(people["city"])
    r = client.post(reverse("assessment:compute"), {"year": "2025"})
    run = AssessmentRun.objects.get()
    assert r.status_code == 302 and r.url == reverse("assessment:run", args=[run.pk])
    client.post(reverse("assessment:transition", args=[run.pk, "publish"]))
    run.refresh_from_db()
    assert run.status == "published"


def test_a_unit_reads_its_trace_objects_and_cannot_open_another_unit(
    login, computed, people, units
):
    client = login(people["wuwei"])
    assert client.get(reverse("assessment:run", args=[computed.pk])).status_code == 404  # draft
    services.run_transition(run=computed, action="publish", actor=people["city"])
    page = client.get(reverse("assessment:run", args=[computed.pk])).content.decode()
    assert "镜湖区" in page and "记录得分调整" not in page
    own = reverse("assessment:unit", args=[computed.pk, units["无为市"].pk])
    assert "提出异议" in client.get(own).content.decode()
    other = reverse("assessment:unit", args=[computed.pk, units["镜湖区"].pk])
    assert client.get(other).status_code == 404
    client.post(reverse("assessment:object", args=[computed.pk]), {"reason": "数据有误"})
    assert Objection.objects.filter(unit=units["无为市"]).exists()
    # A unit officer cannot take the city's steps.
    r = client.post(reverse("assessment:transition", args=[computed.pk, "finalize"]))
    assert r.status_code == 404
    assert client.get(reverse("assessment:schemes")).status_code == 404


def test_outsiders_get_404(login, computed, people):
    client = login(people["expert"])
    assert client.get(reverse("assessment:runs")).status_code == 404
    assert client.get(reverse("assessment:run", args=[computed.pk])).status_code == 404


def test_worklists(computed, people, units):
    from zjtx.assessment import worklist

    services.run_transition(
        run=computed, action="publish", actor=people["city"], today=date(2026, 3, 2)
    )
    computed.refresh_from_db()
    unit_groups = worklist.waiting_for(people["wuwei"], date(2026, 3, 3))
    assert unit_groups and unit_groups[0].items[0].due_on == computed.window_ends_on
    services.objection_file(
        run=computed, actor=people["wuwei"], reason="有误", today=date(2026, 3, 3)
    )
    city_groups = worklist.waiting_for(people["city"], date(2026, 3, 3))
    assert any(g.count == 1 and "#objections" in g.items[0].url for g in city_groups)
    assert worklist.submitted_by(people["wuwei"], date(2026, 3, 3))[0].count == 1
    assert worklist.upcoming(people["jinghu"], date(2026, 3, 3))[0].on == computed.window_ends_on
    assert worklist.waiting_for(people["expert"], date(2026, 3, 3)) == []
