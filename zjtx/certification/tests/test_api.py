import json
from datetime import timedelta

import pytest
from django.utils import timezone

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken
from zjtx.certification import services
from zjtx.certification.models import Application

from .conftest import PDF

API = "/api/v1"
pytestmark = pytest.mark.django_db


def bearer(client, user):
    raw = token_generate()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], digest=token_digest(raw))
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    class Caller:
        def get(self, url, data=None):
            return client.get(url, data, **h)

        def post(self, url, body=None):
            return client.post(url, json.dumps(body or {}), content_type="application/json", **h)

        def patch(self, url, body):
            return client.patch(url, json.dumps(body), content_type="application/json", **h)

        def upload(self, url, data):
            return client.post(url, data, **h)

    return Caller()


def test_city_officer_creates_and_opens_a_round(client, city, policies):
    today = timezone.localdate()
    r = bearer(client, city).post(
        f"{API}/certification/rounds",
        {
            "year": today.year,
            "title": "年度认定",
            "program_id": "miit2026.zjtx_sme",
            "opens_on": str(today),
            "closes_on": str(today + timedelta(days=30)),
            "open": True,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["quota"] == 50 and body["status"] == "open"
    assert body["rubric"] and body["required_materials"]


def test_round_creation_errors_have_code_and_fields(client, city, policies):
    r = bearer(client, city).post(
        f"{API}/certification/rounds",
        {
            "year": 2026,
            "title": "x",
            "program_id": "nope",
            "opens_on": "2026-05-01",
            "closes_on": "2026-04-01",
        },
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid_round"
    assert {"program_id", "closes_on"} <= set(body["fields"])


def test_unit_officer_cannot_create_rounds(client, unit_officer, policies):
    r = bearer(client, unit_officer).post(
        f"{API}/certification/rounds",
        {
            "year": 2026,
            "title": "x",
            "program_id": "miit2026.zjtx_sme",
            "opens_on": "2026-01-01",
            "closes_on": "2026-02-01",
        },
    )
    assert r.status_code == 404


def test_enterprise_walks_its_application_through_the_api(client, rnd, ent_user, unit_officer):
    ent = bearer(client, ent_user)
    r = ent.post(f"{API}/certification/rounds/{rnd.pk}/applications")
    assert r.status_code == 201, r.content
    app = r.json()
    assert app["status"] == "draft"
    assert app["data"]["operating_revenue_y1_yuan"]["source"] == "registry"
    url = f"{API}/certification/applications/{app['id']}"
    r = ent.patch(url, {"data": {"credit_compliant": True}})
    assert r.status_code == 200 and r.json()["data"]["credit_compliant"]["source"] == "enterprise"
    assert ent.get(f"{url}/actions").json() == []  # materials missing: submit not offered
    r = ent.post(f"{url}/transitions", {"action": "submit"})
    assert r.status_code == 400 and r.json()["code"] == "commitment_missing"
    from django.core.files.uploadedfile import SimpleUploadedFile

    for m in app["form_schema"]["materials"]:
        r = ent.upload(
            f"{url}/materials",
            {"kind": m["code"], "file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")},
        )
        assert r.status_code == 201, r.content
    r = ent.upload(
        f"{url}/materials",
        {"kind": "business_licence", "file": SimpleUploadedFile("x.pdf", b"not a pdf")},
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_file_type"
    assert [a["action"] for a in ent.get(f"{url}/actions").json()] == ["submit"]
    r = ent.post(f"{url}/transitions", {"action": "submit"})
    assert r.status_code == 200 and r.json()["status"] == "submitted"

    officer = bearer(client, unit_officer)
    actions = officer.get(f"{url}/actions").json()
    assert {a["action"] for a in actions} == {"return", "recommend"}
    ret = next(a for a in actions if a["action"] == "return")
    assert ret["needs_reason"] and "materials_missing" in ret["reasons"]
    r = officer.post(f"{url}/transitions", {"action": "return"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    assert {"return.reason_code", "return.reason"} <= set(r.json()["fields"])
    r = officer.post(
        f"{url}/transitions", {"action": "return", "reason_code": "nonsense", "reason": "缺材料"}
    )
    assert r.status_code == 400 and r.json()["code"] == "reason_unknown"
    r = officer.post(f"{url}/transitions", {"action": "recommend"})
    assert r.status_code == 400 and "recommend.rank" in r.json()["fields"]
    r = officer.post(f"{url}/transitions", {"action": "approve"})
    assert r.status_code == 400 and r.json()["code"] == "role_not_allowed"
    r = officer.post(f"{url}/transitions", {"action": "recommend", "rank": 1})
    assert r.status_code == 200 and r.json()["status"] == "recommended"
    r = officer.post(f"{url}/transitions", {"action": "recommend", "rank": 1})
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"


def test_expert_scores_through_the_api(client, submitted, unit_officer, city, make_expert):
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    e = make_expert()
    services.expert_assign(application=submitted, expert=e, actor=city)
    if submitted.round.status == "open":  # expert review starts after the close
        services.round_set_status(round=submitted.round, status="closed", actor=city)
    services.application_transition(application=submitted, action="start_review", actor=city)
    caller = bearer(client, e.user)
    url = f"{API}/certification/applications/{submitted.pk}"
    assert caller.get(url).status_code == 200
    scores = [
        {"indicator": i["id"], "score": "10", "comment": "好"}
        for i in submitted.form_schema["rubric"]
    ]
    r = caller.post(f"{url}/scores", {"scores": scores})
    assert r.status_code == 400 and "undertaking" in r.json()["fields"]
    r = caller.post(f"{url}/scores", {"scores": scores, "undertaking": False})
    assert r.status_code == 400 and r.json()["code"] == "undertaking_required"
    r = caller.post(f"{url}/scores", {"scores": scores, "undertaking": True})
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "submitted"
    r = caller.post(f"{url}/scores", {"scores": scores, "undertaking": True})
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"


def test_scope_is_404_for_everyone_else(
    client, submitted, make_applicant, other_unit_officer, make_expert, make_user
):
    url = f"{API}/certification/applications/{submitted.pk}"
    outsiders = [
        make_applicant(),
        other_unit_officer,
        make_expert().user,  # an expert not assigned
        make_user("bank", institution=_institution()),
        make_user("sysadmin"),
    ]
    for user in outsiders:
        caller = bearer(client, user)
        for method, path, body in (
            ("get", url, None),
            ("patch", url, {"data": {}}),
            ("get", f"{url}/actions", None),
            ("post", f"{url}/transitions", {"action": "recommend", "rank": 1}),
            (
                "post",
                f"{url}/scores",
                {"scores": [{"indicator": "x", "score": "1"}], "undertaking": True},
            ),
        ):
            r = getattr(caller, method)(path, body) if body is not None else caller.get(path)
            assert r.status_code == 404, (user.role, method, path, r.content)
            assert r.json()["code"] == "not_found"


def _institution():
    from zjtx.partners.models import FinancialInstitution

    fields = {f.name for f in FinancialInstitution._meta.get_fields()}
    data = {"name": "测试银行"}
    if "code" in fields:
        data["code"] = "B001"
    return FinancialInstitution.objects.create(**data)


def test_enterprise_sees_only_its_own_applications(client, submitted, make_applicant, rnd):
    other = make_applicant()
    services.application_create(round=rnd, actor=other)
    listed = bearer(client, other).get(f"{API}/certification/applications").json()
    assert submitted.pk not in [a["id"] for a in listed] and len(listed) == 1


def test_public_endpoints_need_no_login(client, rnd, city, make_applicant, submit_ready, advance):
    user = make_applicant()
    app = submit_ready(rnd, user)
    services.application_transition(application=app, action="submit", actor=user)
    advance(app)
    services.applications_decide(
        round=rnd, actor=city, decisions=[services.Decision(app.pk, "approve")]
    )
    notice = services.notice_publish(round=rnd, actor=city)
    r = client.get(f"{API}/public/notices")
    assert r.status_code == 200
    body = r.json()[0]
    assert body["open"] and body["remaining_working_days"] >= 1
    assert body["entries"][0]["enterprise_name"] == app.enterprise.name
    r = client.post(
        f"{API}/public/objections",
        {"notice": notice.pk, "application": app.pk, "name": "张三", "phone": "", "text": "短"},
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_objection"
    r = client.post(
        f"{API}/public/objections",
        {
            "notice": notice.pk,
            "application": app.pk,
            "name": "张三",
            "phone": "13800000000",
            "text": "该企业研发费用存在虚报嫌疑，请核查。",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "pending"
    assert client.get(f"{API}/public/certificates/ZJTX20269999").status_code == 404


def test_public_certificate_verification(
    client, rnd, city, make_applicant, submit_ready, advance, travel
):
    user = make_applicant()
    app = submit_ready(rnd, user)
    services.application_transition(application=app, action="submit", actor=user)
    advance(app)
    services.applications_decide(
        round=rnd, actor=city, decisions=[services.Decision(app.pk, "approve")]
    )
    notice = services.notice_publish(round=rnd, actor=city)
    travel(notice.ends_on + timedelta(days=1))
    services.round_certify(round=rnd, actor=city)
    app = Application.objects.get(pk=app.pk)
    r = client.get(f"{API}/public/certificates/{app.certificate_number}")
    assert r.status_code == 200
    body = r.json()
    assert body["enterprise_name"] == app.enterprise.name
    assert body["decision_document"].startswith("芜经信〔")
    assert body["state"] in ("valid", "expired")


def test_a_whole_round_works_through_the_api(
    client, policies, city, unit_officer, make_applicant, make_expert, units, travel
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zjtx.certification.models import Notice

    today = timezone.localdate()
    officer = bearer(client, city)
    rnd = officer.post(
        f"{API}/certification/rounds",
        {
            "year": today.year,
            "title": "年度认定",
            "program_id": "miit2026.zjtx_sme",
            "opens_on": str(today),
            "closes_on": str(today + timedelta(days=30)),
            "required_materials": [],
            "rubric": [{"id": "overall", "title": "综合", "max_points": "100"}],
            "aggregation": "trimmed_mean",
        },
    ).json()
    assert (
        officer.post(f"{API}/certification/rounds/{rnd['id']}/status", {"status": "open"}).json()[
            "status"
        ]
        == "open"
    )

    user = make_applicant()
    ent = bearer(client, user)
    app = ent.post(f"{API}/certification/rounds/{rnd['id']}/applications").json()
    url = f"{API}/certification/applications/{app['id']}"
    ent.upload(
        f"{url}/materials", {"kind": "commitment_letter", "file": SimpleUploadedFile("c.pdf", PDF)}
    )
    assert ent.post(f"{url}/transitions", {"action": "submit"}).status_code == 200
    bearer(client, unit_officer).post(f"{url}/transitions", {"action": "recommend", "rank": 1})

    experts = [make_expert() for _ in range(3)]
    conflicted = make_expert()
    r = bearer(client, conflicted.user).post(
        f"{API}/certification/experts/{conflicted.pk}/relations",
        {"credit_code": user.enterprise.credit_code, "kind": "family", "note": "亲属"},
    )
    assert r.status_code == 201
    assert len(officer.get(f"{API}/certification/experts").json()) == 4
    r = officer.post(
        f"{API}/certification/applications/{app['id']}/experts", {"expert": conflicted.pk}
    )
    assert r.status_code == 409 and r.json()["code"] == "expert_conflict"
    r = officer.post(f"{API}/certification/rounds/{rnd['id']}/assign-experts", {})
    assert r.json() == {"created": 3, "short": {}}
    r = officer.post(f"{API}/certification/rounds/{rnd['id']}/batch", {"action": "start_review"})
    assert r.status_code == 400 and r.json()["code"] == "review_not_startable"
    officer.post(f"{API}/certification/rounds/{rnd['id']}/status", {"status": "closed"})
    r = officer.post(f"{API}/certification/rounds/{rnd['id']}/batch", {"action": "start_review"})
    assert r.json()["done"] == [app["id"]]
    for e, score in zip(experts, ("60", "80", "90"), strict=True):
        r = bearer(client, e.user).post(
            f"{url}/scores",
            {
                "scores": [{"indicator": "overall", "score": score, "comment": "意见"}],
                "undertaking": True,
            },
        )
        assert r.status_code == 201, r.content
    officer.post(f"{API}/certification/rounds/{rnd['id']}/batch", {"action": "complete_review"})
    ranking = officer.get(f"{API}/certification/rounds/{rnd['id']}/ranking").json()
    assert ranking[0]["score"] == "80.00" and ranking[0]["within_quota"]  # trimmed mean
    r = officer.post(
        f"{API}/certification/rounds/{rnd['id']}/decisions",
        {"decisions": [{"application": app["id"], "decision": "approve"}]},
    )
    assert r.json()[0]["status"] == "approved"
    notice = officer.post(
        f"{API}/certification/rounds/{rnd['id']}/notices", {"contact": "0553-1"}
    ).json()
    assert notice["working_days"] == 5 and notice["entries"][0]["application_id"] == app["id"]
    client.post(
        f"{API}/public/objections",
        {
            "notice": notice["id"],
            "application": app["id"],
            "name": "张三",
            "phone": "13800000000",
            "text": "研发投入数据存疑，请核查。",
        },
    )
    objection = officer.get(f"{API}/certification/objections").json()[0]
    r = officer.post(
        f"{API}/certification/objections/{objection['id']}/outcome",
        {"upheld": False, "outcome": "经核查属实"},
    )
    assert r.json()["status"] == "dismissed"
    r = officer.post(f"{API}/certification/rounds/{rnd['id']}/certify", {})
    assert r.status_code == 400 and r.json()["code"] == "notice_not_ended"
    travel(Notice.objects.get(pk=notice["id"]).ends_on + timedelta(days=1))
    today = timezone.localdate()
    r = officer.post(f"{API}/certification/rounds/{rnd['id']}/certify", {})
    assert r.status_code == 201, r.content
    doc = r.json()
    assert doc["number"] == f"芜经信〔{today.year}〕1号" and len(doc["certificates"]) == 1
    assert (
        client.get(f"{API}/public/certificates/{doc['certificates'][0]}").json()["state"] == "valid"
    )


def test_round_steps_are_404_for_non_city_users(client, rnd, unit_officer, ent_user):
    for user in (unit_officer, ent_user):
        caller = bearer(client, user)
        for path in (
            "status",
            "copy",
            "assign-experts",
            "batch",
            "decisions",
            "notices",
            "certify",
        ):
            r = caller.post(
                f"{API}/certification/rounds/{rnd.pk}/{path}",
                {"status": "open", "action": "start_review", "decisions": []},
            )
            assert r.status_code == 404, (user.role, path, r.content)
        assert caller.get(f"{API}/certification/rounds/{rnd.pk}/ranking").status_code == 404
        assert caller.get(f"{API}/certification/objections").json() == []
