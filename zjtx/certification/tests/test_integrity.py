"""公示 and certification integrity: the server's clock decides, the quota needs a reason, scores
keep the rubric's precision, credit codes are normalised once, and bad input is a 4xx."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from zjtx.certification import selectors, services
from zjtx.certification.errors import CertificationError
from zjtx.certification.models import Application, ApplicationEvent, ExpertProfile, Notice
from zjtx.core.errors import Conflict, NotFound
from zjtx.core.workflow import WorkflowError

from .test_api import API, bearer

pytestmark = pytest.mark.django_db

OBJECTION = {"name": "张三", "phone": "13800000000", "text": "该企业研发费用存在虚报嫌疑，请核查。"}


def _reviewed(rnd, make_applicant, submit_ready, advance):
    user = make_applicant()
    app = submit_ready(rnd, user)
    services.application_transition(application=app, action="submit", actor=user)
    return advance(app, ("20", "20"))


def _approved(rnd, city, make_applicant, submit_ready, advance, n=1):
    apps = [_reviewed(rnd, make_applicant, submit_ready, advance) for _ in range(n)]
    services.applications_decide(
        round=rnd, actor=city, decisions=[services.Decision(a.pk, "approve") for a in apps]
    )
    return apps


def _monday_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


# ------------------------------------------------------------------ the 公示 window


def test_a_notice_cannot_start_in_the_past(rnd, city, make_applicant, submit_ready, advance):
    _approved(rnd, city, make_applicant, submit_ready, advance)
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(CertificationError) as exc:
        services.notice_publish(round=rnd, actor=city, starts_on=yesterday)
    assert exc.value.code == "notice_starts_in_past" and "starts_on" in exc.value.fields
    with pytest.raises(CertificationError) as exc:
        services.notice_publish(round=rnd, actor=city, working_days=-1)
    assert "working_days" in exc.value.fields
    assert not Notice.objects.exists()


def test_a_notice_published_without_a_date_starts_today(
    rnd, city, make_applicant, submit_ready, advance
):
    _approved(rnd, city, make_applicant, submit_ready, advance)
    notice = services.notice_publish(round=rnd, actor=city)
    assert notice.starts_on == timezone.localdate()


def test_a_future_notice_is_hidden_and_closed_until_it_starts(
    client, rnd, city, make_applicant, submit_ready, advance, travel
):
    (app,) = _approved(rnd, city, make_applicant, submit_ready, advance)
    starts = _monday_after(timezone.localdate())
    notice = services.notice_publish(round=rnd, actor=city, starts_on=starts)
    assert notice.starts_on == starts
    travel(starts - timedelta(days=1))
    assert client.get(f"{API}/public/notices").json() == []
    r = client.post(
        f"{API}/public/objections", {"notice": notice.pk, "application": app.pk, **OBJECTION}
    )
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    page = client.get(reverse("certification_public:notice", args=[notice.pk]))
    assert page.status_code == 404
    with pytest.raises(NotFound):
        services.objection_lodge(notice=notice, application_id=app.pk, **OBJECTION)

    travel(starts)
    assert [n["id"] for n in client.get(f"{API}/public/notices").json()] == [notice.pk]
    r = client.post(
        f"{API}/public/objections", {"notice": notice.pk, "application": app.pk, **OBJECTION}
    )
    assert r.status_code == 201, r.content


# ------------------------------------------------------------------ certification


@pytest.fixture
def in_notice(rnd, city, make_applicant, submit_ready, advance):
    (app,) = _approved(rnd, city, make_applicant, submit_ready, advance)
    notice = services.notice_publish(round=rnd, actor=city)
    return app, notice


def test_certify_reads_the_server_clock_not_the_issue_date(client, rnd, city, in_notice, travel):
    _app, notice = in_notice
    officer = bearer(client, city)
    url = f"{API}/certification/rounds/{rnd.pk}/certify"
    # While the notice runs, a later issue date does not end it.
    travel(notice.ends_on)
    r = officer.post(url, {"issued_on": str(notice.ends_on + timedelta(days=20))})
    assert r.status_code == 400
    assert r.json()["code"] in ("issued_on_in_future", "notice_not_ended")
    r = officer.post(url, {"issued_on": str(notice.ends_on - timedelta(days=1))})
    assert r.status_code == 400 and r.json()["code"] == "notice_not_ended"
    assert not Application.objects.filter(status=Application.Status.CERTIFIED).exists()


def test_the_issue_date_is_after_the_notice_and_not_after_today(
    client, rnd, city, in_notice, travel
):
    app, notice = in_notice
    officer = bearer(client, city)
    url = f"{API}/certification/rounds/{rnd.pk}/certify"
    today = notice.ends_on + timedelta(days=2)
    travel(today)
    for issued_on, code in (
        ("9999-12-31", "issued_on_in_future"),
        (str(today + timedelta(days=1)), "issued_on_in_future"),
        (str(notice.ends_on), "issued_on_before_notice_end"),
    ):
        r = officer.post(url, {"issued_on": issued_on})
        assert r.status_code == 400, (issued_on, r.content)
        assert r.json()["code"] == code and "issued_on" in r.json()["fields"]
    r = officer.post(url, {"issued_on": str(today - timedelta(days=1))})
    assert r.status_code == 201, r.content
    assert r.json()["issued_on"] == str(today - timedelta(days=1))
    app.refresh_from_db()
    assert app.certified_on == today - timedelta(days=1)


def test_the_number_series_is_the_year_of_issue(
    rnd, city, make_applicant, submit_ready, advance, travel
):
    (app,) = _approved(rnd, city, make_applicant, submit_ready, advance)
    year = timezone.localdate().year + 1
    travel(date(year, 12, 20))
    notice = services.notice_publish(round=rnd, actor=city, working_days=3)
    assert notice.ends_on.year == year
    travel(date(year + 1, 1, 5))
    doc = services.round_certify(round=rnd, actor=city, issued_on=notice.ends_on + timedelta(1))
    issued = notice.ends_on + timedelta(1)
    assert doc.number == f"{rnd.issuer_code}〔{issued.year}〕1号"
    app.refresh_from_db()
    assert app.certificate_number.startswith(f"ZJTX{issued.year}")


def test_certify_waits_for_every_objection_to_have_an_outcome(city, rnd, in_notice, travel):
    app, notice = in_notice
    objection = services.objection_lodge(notice=notice, application_id=app.pk, **OBJECTION)
    travel(notice.ends_on + timedelta(days=1))
    with pytest.raises(WorkflowError) as exc:
        services.round_certify(round=rnd, actor=city)
    assert exc.value.code == "objections_pending"
    services.objection_handle(objection=objection, upheld=False, outcome="经核查属实", actor=city)
    services.round_certify(round=rnd, actor=city)
    assert Application.objects.get(pk=app.pk).status == Application.Status.CERTIFIED


# ------------------------------------------------------------------ quota


def test_approving_beyond_the_quota_needs_a_recorded_reason(
    client, make_round, city, make_applicant, submit_ready, advance
):
    rnd = make_round(quota=1)
    first, second, third = (_reviewed(rnd, make_applicant, submit_ready, advance) for _ in range(3))
    with pytest.raises(CertificationError) as exc:
        services.applications_decide(
            round=rnd,
            actor=city,
            decisions=[
                services.Decision(first.pk, "approve"),
                services.Decision(second.pk, "approve"),
            ],
        )
    assert exc.value.code == "invalid_decisions" and set(exc.value.fields) == {str(second.pk)}
    assert Application.objects.get(pk=first.pk).status == Application.Status.REVIEWED
    services.applications_decide(
        round=rnd,
        actor=city,
        decisions=[
            services.Decision(first.pk, "approve"),
            services.Decision(second.pk, "approve", reason="并列第一，经局务会研究增补"),
        ],
    )
    second.refresh_from_db()
    assert second.status == Application.Status.APPROVED
    assert second.decision_reason == "并列第一，经局务会研究增补"
    event = ApplicationEvent.objects.get(application=second, action="approve")
    assert event.details["over_quota"] is True and event.reason == "并列第一，经局务会研究增补"
    assert not ApplicationEvent.objects.get(application=first, action="approve").details

    officer = bearer(client, city)
    url = f"{API}/certification/applications/{third.pk}/transitions"
    r = officer.post(url, {"action": "approve"})
    assert r.status_code == 400 and r.json()["code"] == "over_quota_reason_required"
    assert "reason" in r.json()["fields"]
    r = officer.post(url, {"action": "approve", "reason": "专家组一致建议增补"})
    assert r.status_code == 200 and r.json()["status"] == "approved"


def test_the_decision_page_asks_for_an_over_quota_reason_of_its_own(
    client, login, make_round, city, make_applicant, submit_ready, advance
):
    rnd = make_round(quota=1)
    first, second = (_reviewed(rnd, make_applicant, submit_ready, advance) for _ in range(2))
    login(city)
    page = client.get(reverse("certification:round-detail", args=[rnd.pk])).content.decode()
    assert f"over_quota_reason_{second.pk}" in page or f"over_quota_reason_{first.pk}" in page
    url = reverse("certification:round-action", args=[rnd.pk])
    decide = {"op": "decide", f"decision_{first.pk}": "approve", f"decision_{second.pk}": "approve"}
    # The prefilled reason for not approving is no over-quota reason.
    prefilled = {f"reason_{first.pk}": "低于名额线", f"reason_{second.pk}": "低于名额线"}
    client.post(url, {**decide, **prefilled})
    assert not Application.objects.filter(status=Application.Status.APPROVED).exists()
    client.post(
        url,
        {
            **decide,
            f"over_quota_reason_{first.pk}": "经局务会研究增补",
            f"over_quota_reason_{second.pk}": "经局务会研究增补",
        },
    )
    assert Application.objects.filter(status=Application.Status.APPROVED).count() == 2
    assert Application.objects.filter(decision_reason="经局务会研究增补").exists()


# ------------------------------------------------------------------ scores


@pytest.fixture
def scoring(submitted, unit_officer, city, make_expert):
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    expert = make_expert()
    assignment = services.expert_assign(application=submitted, expert=expert, actor=city)
    if submitted.round.status == "open":  # expert review starts after the close
        services.round_set_status(round=submitted.round, status="closed", actor=city)
    services.application_transition(application=submitted, action="start_review", actor=city)
    return submitted, expert, assignment


@pytest.mark.parametrize("raw", ["24.123456789", "20.005", "NaN", "Infinity", "-1", "1000"])
def test_a_score_beyond_the_rubric_is_refused_naming_the_indicator(scoring, raw):
    app, expert, assignment = scoring
    rubric = app.form_schema["rubric"]
    first = rubric[0]["id"]
    scores = [services.ScoreIn(i["id"], Decimal("10"), "好") for i in rubric[1:]]
    with pytest.raises(CertificationError) as exc:
        services.scores_submit(
            assignment=assignment,
            scores=[services.ScoreIn(first, Decimal(raw), "好"), *scores],
            actor=expert.user,
            undertaking=True,
        )
    assert exc.value.code == "invalid_scores" and f"{first}.score" in exc.value.fields


def test_scores_are_stored_at_the_rubrics_precision(scoring):
    app, expert, assignment = scoring
    rubric = app.form_schema["rubric"]
    row = services.scores_submit(
        assignment=assignment,
        scores=[services.ScoreIn(i["id"], Decimal("12.5"), "好") for i in rubric],
        actor=expert.user,
        undertaking=True,
    )
    row.refresh_from_db()
    assert row.total == Decimal("12.50") * len(rubric)
    assert {str(s.score) for s in row.scores.all()} == {"12.50"}


def test_the_api_refuses_a_score_with_too_many_decimals(client, scoring):
    app, expert, _assignment = scoring
    scores = [{"indicator": i["id"], "score": "10"} for i in app.form_schema["rubric"]]
    scores[0]["score"] = "25.123456789"
    r = bearer(client, expert.user).post(
        f"{API}/certification/applications/{app.pk}/scores",
        {"scores": scores, "undertaking": True},
    )
    assert r.status_code == 400 and "scores.0.score" in r.json()["fields"]


# ------------------------------------------------------------------ credit codes


def _full_width(code: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in code)


def test_a_full_width_employer_code_is_still_a_conflict(submitted, unit_officer, city, make_expert):
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    code = submitted.enterprise.credit_code
    saved = make_expert(employer_credit_code=f" {_full_width(code[:9])} {code[9:]} ")
    assert saved.employer_credit_code == code
    legacy = make_expert()
    # A row saved before codes were normalised on the way in.
    ExpertProfile.objects.filter(pk=legacy.pk).update(employer_credit_code=_full_width(code))
    legacy.refresh_from_db()
    for expert in (saved, legacy):
        assert "same_employer" in selectors.expert_conflicts(expert=expert, application=submitted)
        with pytest.raises(Conflict) as exc:
            services.expert_assign(application=submitted, expert=expert, actor=city)
        assert exc.value.code == "expert_conflict"


def test_an_overlong_employer_code_is_a_field_error(make_expert):
    with pytest.raises(CertificationError) as exc:
        make_expert(employer_credit_code="9" * 19)
    assert "employer_credit_code" in exc.value.fields


# ------------------------------------------------------------------ API error contract


def _round_body(**changes):
    today = timezone.localdate()
    body = {
        "year": today.year,
        "title": "年度认定",
        "program_id": "miit2026.zjtx_sme",
        "opens_on": str(today),
        "closes_on": str(today + timedelta(days=30)),
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quota": -1}, "quota"),
        ({"notice_working_days": -1}, "notice_working_days"),
        ({"notice_working_days": 0}, "notice_working_days"),
        ({"experts_per_application": 0}, "experts_per_application"),
        ({"experts_per_application": 70000}, "experts_per_application"),
        ({"year": 99999}, "year"),
        ({"title": "长" * 201}, "title"),
        ({"issuer_code": "芜" * 21}, "issuer_code"),
        ({"unit_quotas": {"340202": -3}}, "unit_quotas.340202"),
        ({"rubric": [{"id": "a", "title": "A", "max_points": "1e30"}]}, "rubric.0.max_points"),
        ({"aggregation": "median"}, "aggregation"),
    ],
)
def test_round_values_outside_the_columns_are_400(client, city, policies, changes, field):
    r = bearer(client, city).post(f"{API}/certification/rounds", _round_body(**changes))
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid_input" and field in r.json()["fields"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quota": -1}, "quota"),
        ({"year": 99999}, "year"),
        ({"notice_working_days": 0}, "notice_working_days"),
        ({"experts_per_application": 40000}, "experts_per_application"),
        ({"title": "长" * 201}, "title"),
        ({"unit_quotas": {"340202": 10**12}}, "unit_quotas.340202"),
        ({"rubric": [{"id": "a", "title": "A", "max_points": "1e30"}]}, "rubric.0"),
        ({"rubric": [{"id": "a", "title": "A", "max_points": "NaN"}]}, "rubric.0"),
    ],
)
def test_the_round_service_refuses_values_outside_the_columns(make_round, changes, field):
    """The page form reaches the service without the API's schema."""
    with pytest.raises(CertificationError) as exc:
        make_round(**changes)
    assert exc.value.code == "invalid_round" and field in exc.value.fields


@pytest.mark.parametrize("raw", ["1e999", "-1e999", "1e16"])
def test_an_absurd_money_fact_is_a_field_error(client, rnd, ent_user, raw):
    app = services.application_create(round=rnd, actor=ent_user)
    r = bearer(client, ent_user).patch(
        f"{API}/certification/applications/{app.pk}",
        {"data": {"operating_revenue_y1_yuan": raw}},
    )
    assert r.status_code == 400, r.content
    assert "data.operating_revenue_y1_yuan" in r.json()["fields"]


def test_huge_ids_are_400_or_404_never_500(client, city, rnd):
    officer = bearer(client, city)
    huge = 10**23
    for path in (
        f"/certification/rounds/{huge}",
        f"/certification/applications/{huge}",
        f"/certification/applications?round_id={huge}",
        f"/certification/rounds/{huge}/ranking",
    ):
        r = officer.get(f"{API}{path}")
        assert r.status_code in (400, 404), (path, r.content)
        assert r.json()["code"] in ("invalid_input", "not_found")


@pytest.mark.parametrize("number", ["ZJTX2026%2F0001", "ZJTX2026/0001", "a/b/c", "%2F"])
def test_the_public_certificate_api_is_a_json_404_for_any_number(client, number):
    r = client.get(f"{API}/public/certificates/{number}")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


def test_city_officer_lists_expert_users_to_register_them(
    client, city, make_user, make_expert, unit_officer
):
    registered = make_expert(fields=["C34"])
    pending = make_user("expert")
    rows = bearer(client, city).get(f"{API}/certification/expert-users").json()
    by_id = {row["user_id"]: row for row in rows}
    assert by_id[registered.user_id]["profile_id"] == registered.pk
    assert by_id[registered.user_id]["fields"] == ["C34"]
    assert by_id[pending.pk]["profile_id"] is None
    r = bearer(client, unit_officer).get(f"{API}/certification/expert-users")
    assert r.status_code == 404


def test_transition_schema_requires_what_each_action_needs(client, submitted, unit_officer):
    officer = bearer(client, unit_officer)
    url = f"{API}/certification/applications/{submitted.pk}/transitions"
    r = officer.post(url, {"action": "return", "reason_code": "other"})
    assert r.status_code == 400 and "return.reason" in r.json()["fields"]
    r = officer.post(url, {"action": "recommend", "rank": 0})
    assert r.status_code == 400 and "recommend.rank" in r.json()["fields"]
    r = officer.post(url, {"action": "no_such_action"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"


def test_certification_schemas_have_their_own_names(client):
    schemas = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    assert "CertificationApplicationOut" in schemas and "CertificationEventOut" in schemas
