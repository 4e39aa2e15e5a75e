"""Drafts belong to their enterprise: edited, withdrawn after submission and deleted; a refused
submission names each unmet condition and missing datum; every application has its 办件进度."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from zjtx.core.errors import DomainError
from zjtx.subsidies.models import Application
from zjtx.subsidies.services import application_delete, application_transition

pytestmark = pytest.mark.django_db

API = "/api/v1/subsidies"
NOT_CERTIFIED = {"municipal_zjtx_newly_certified": False, "municipal_zjtx_award_received": False}


def test_a_refused_submission_lists_each_unmet_condition(people, make_application):
    app = make_application(facts=NOT_CERTIFIED)
    with translation.override("zh-hans"), pytest.raises(DomainError) as err:
        application_transition(application=app, action="submit", actor=people["ent"])
    assert err.value.code == "not_eligible"
    message = str(err.value.message)
    assert message.startswith("暂不能提交") and "—" not in message
    app.refresh_from_db()
    assert app.status == Application.Status.DRAFT


def test_a_missing_datum_is_named_with_its_field(people, make_application):
    app = make_application(program="wuhu.tech_upgrade", facts={"tech_upgrade_completed_year": 2025})
    with translation.override("zh-hans"), pytest.raises(DomainError) as err:
        application_transition(application=app, action="submit", actor=people["ent"])
    assert "缺少数据" in str(err.value.message)
    assert any(k.startswith("facts.") for k in err.value.fields)


def test_the_draft_page_checks_before_submitting_and_links_the_fix(
    client, people, make_application
):
    app = make_application(facts=NOT_CERTIFIED, evidence=False)
    client.force_login(people["ent"])
    page = client.get(reverse("subsidies:detail", args=[app.pk])).content.decode()
    assert 'id="submission-check"' in page and "尚未上传证明材料" in page
    assert reverse("subsidies:edit", args=[app.pk]) in page
    response = client.post(reverse("subsidies:transition", args=[app.pk, "submit"]), follow=True)
    assert "证明材料" in response.content.decode()


def test_the_owner_edits_a_draft_and_the_rules_run_again(client, people, make_application):
    app = make_application(facts=NOT_CERTIFIED)
    assert app.computed_eligible is False
    client.force_login(people["ent"])
    url = reverse("subsidies:edit", args=[app.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "fact__municipal_zjtx_newly_certified": "true",
            "fact__municipal_zjtx_award_received": "false",
        },
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.computed_eligible is True
    # Another enterprise cannot reach it.
    client.force_login(people["other_ent"])
    assert client.get(url).status_code == 404


def test_a_submission_is_withdrawn_to_a_draft_then_deleted(client, people, make_application):
    app = make_application()
    application_transition(application=app, action="submit", actor=people["ent"])
    with pytest.raises(DomainError) as err:
        application_delete(application=app, actor=people["ent"])
    assert err.value.code == "not_deletable"
    application_transition(application=app, action="withdraw", actor=people["ent"])
    app.refresh_from_db()
    assert app.status == Application.Status.DRAFT
    # The unit no longer sees it; the owner deletes it; the audit trail keeps it.
    client.force_login(people["unit"])
    assert client.get(reverse("subsidies:detail", args=[app.pk])).status_code == 404
    client.force_login(people["other_ent"])
    assert client.post(reverse("subsidies:delete", args=[app.pk])).status_code == 404
    client.force_login(people["ent"])
    client.post(reverse("subsidies:delete", args=[app.pk]))
    assert not Application.objects.filter(pk=app.pk).exists()


def test_the_timeline_shows_steps_reasons_and_the_unit_deadline(client, people, make_application):
    app = make_application()
    application_transition(application=app, action="submit", actor=people["ent"])
    application_transition(
        application=app, action="unit_return", actor=people["unit"], reason="请补充验收报告"
    )
    client.force_login(people["ent"])
    with translation.override("zh-hans"):
        page = client.get(reverse("subsidies:detail", args=[app.pk])).content.decode()
    assert "办件进度" in page and "请补充验收报告" in page
    data = client.get(f"{API}/applications/{app.pk}/timeline").json()
    actions = [s["action"] for s in data["steps"]]
    assert actions[0] == "subsidies.application_create"
    assert "subsidies.application.unit_return" in actions
    assert data["steps"][-1]["reason"] == "请补充验收报告"
    [clock] = data["deadlines"]
    assert clock["state"] == "paused" and clock["paused_days_left"] is not None
    client.force_login(people["other_ent"])
    assert client.get(f"{API}/applications/{app.pk}/timeline").status_code == 404


def test_the_api_edits_and_deletes_a_draft(client, people, make_application):
    app = make_application(facts=NOT_CERTIFIED)
    client.force_login(people["ent"])
    url = f"{API}/applications/{app.pk}"
    r = client.patch(
        url,
        {"facts": {"municipal_zjtx_newly_certified": True, "municipal_zjtx_award_received": False}},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["computed_eligible"] is True
    r = client.patch(url, {"facts": {"no_such_fact": 1}}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_facts"
    client.force_login(people["other_ent"])
    assert client.delete(url).status_code == 404
    client.force_login(people["ent"])
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
