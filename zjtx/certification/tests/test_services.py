from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from zjtx.certification import selectors, services
from zjtx.certification.errors import CertificationError, TransitionNotAllowed
from zjtx.certification.models import (
    Application,
    ApplicationEvent,
    CertificationAward,
    Objection,
    Round,
)
from zjtx.core.errors import Conflict, NotFound
from zjtx.core.models import AuditEvent
from zjtx.core.workflow import TransitionConflict, WorkflowError

from .conftest import PDF, PNG

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ rounds


def test_round_defaults_to_a_quota_of_fifty(rnd):
    assert rnd.quota == 50
    assert rnd.rubric and rnd.notice_working_days == 5


def test_round_needs_a_known_program(make_round):
    with pytest.raises(CertificationError) as exc:
        make_round(program_id="no.such_program")
    assert exc.value.code == "invalid_round"
    assert "program_id" in exc.value.fields


def test_copying_last_years_round_moves_dates_and_keeps_settings(rnd, city):
    rnd = services.round_update(round=rnd, actor=city, unit_quotas={"340202": 10}, quota=40)
    copy = services.round_copy(source=rnd, actor=city)
    assert copy.year == rnd.year + 1
    assert str(rnd.year + 1) in copy.title
    assert copy.opens_on == rnd.opens_on.replace(year=rnd.year + 1)
    assert (copy.quota, copy.unit_quotas, copy.status) == (40, {"340202": 10}, Round.Status.DRAFT)
    assert copy.copied_from == rnd


def test_only_city_officers_create_rounds(make_round, unit_officer):
    with pytest.raises(NotFound):
        services.round_create(
            actor=unit_officer,
            year=2026,
            title="x",
            program_id="miit2026.zjtx_sme",
            opens_on=date(2026, 1, 1),
            closes_on=date(2026, 2, 1),
        )


# ------------------------------------------------------------------ applications


def test_draft_is_prefilled_from_the_registry_with_sources(rnd, ent_user):
    app = services.application_create(round=rnd, actor=ent_user)
    revenue = app.data["operating_revenue_y1_yuan"]
    assert revenue["value"] == "50000000.00"
    assert revenue["source"] == "registry"
    assert str(rnd.year - 1) in revenue["detail"]
    assert app.data["debt_asset_ratio_pct"]["value"] == "40.00"
    assert app.form_schema["program"] == "miit2026.zjtx_sme"
    assert {f["name"] for f in app.form_schema["fields"]} >= {"credit_compliant", "is_sme"}
    assert app.self_assessment["result"]["program"] == "miit2026.zjtx_sme"
    assert app.self_assessment["result"]["trace"]


def test_editing_marks_the_field_as_entered_by_the_enterprise(rnd, ent_user):
    app = services.application_create(round=rnd, actor=ent_user)
    app = services.application_update_data(
        application=app,
        values={"operating_revenue_y1_yuan": "51000000", "credit_compliant": True},
        actor=ent_user,
    )
    entry = app.data["operating_revenue_y1_yuan"]
    assert entry["source"] == "enterprise"
    assert entry["registry_value"] == "50000000.00"
    assert app.data["credit_compliant"] == {"value": True, "source": "enterprise"}
    assert app.self_assessment["facts"]["credit_compliant"] is True


def test_invalid_field_values_are_reported_per_field(rnd, ent_user):
    app = services.application_create(round=rnd, actor=ent_user)
    with pytest.raises(CertificationError) as exc:
        services.application_update_data(
            application=app, values={"class1_ip_count": "many", "nope": 1}, actor=ent_user
        )
    assert set(exc.value.fields) == {"class1_ip_count", "nope"}


def test_form_schema_is_a_snapshot(rnd, ent_user, city):
    app = services.application_create(round=rnd, actor=ent_user)
    services.round_update(
        round=rnd, actor=city, required_materials=[{"code": "new", "label": "新", "required": True}]
    )
    app.refresh_from_db()
    assert "new" not in {m["code"] for m in app.form_schema["materials"]}


def test_one_application_per_round(rnd, ent_user):
    services.application_create(round=rnd, actor=ent_user)
    with pytest.raises(Conflict) as exc:
        services.application_create(round=rnd, actor=ent_user)
    assert exc.value.code == "already_applied"


def test_material_is_checked_by_content_not_name(rnd, ent_user):
    app = services.application_create(round=rnd, actor=ent_user)
    with pytest.raises(CertificationError) as exc:
        services.material_upload(
            application=app,
            kind="business_licence",
            name="a.pdf",
            content=b"MZ\x90",
            actor=ent_user,
        )
    assert exc.value.code == "bad_file_type"
    m = services.material_upload(
        application=app, kind="business_licence", name="a.png", content=PNG, actor=ent_user
    )
    assert m.content_type == "image/png"


def test_material_size_is_limited(rnd, ent_user):
    app = services.application_create(round=rnd, actor=ent_user)
    big = PDF + b"0" * services.MATERIAL_MAX_BYTES
    with pytest.raises(CertificationError) as exc:
        services.material_upload(
            application=app, kind="business_licence", name="a.pdf", content=big, actor=ent_user
        )
    assert exc.value.code == "file_too_large"


def test_submit_needs_the_commitment_letter(rnd, ent_user):
    app = services.application_create(round=rnd, actor=ent_user)
    services.material_upload(
        application=app, kind="business_licence", name="a.pdf", content=PDF, actor=ent_user
    )
    with pytest.raises(WorkflowError) as exc:
        services.application_transition(application=app, action="submit", actor=ent_user)
    assert exc.value.code == "commitment_missing"
    assert exc.value.status == 400  # a guard's refusal; 409 is kept for state conflicts


def test_submit_after_the_deadline_is_refused(rnd, submit_ready, ent_user, travel):
    app = submit_ready(rnd)
    travel(rnd.closes_on + timedelta(1))
    with pytest.raises(WorkflowError) as exc:
        services.application_transition(application=app, action="submit", actor=ent_user)
    assert exc.value.code == "deadline_passed"


def test_return_requires_a_reason(submitted, unit_officer):
    with pytest.raises(WorkflowError) as exc:
        services.application_transition(application=submitted, action="return", actor=unit_officer)
    assert exc.value.code == "reason_required"
    assert set(exc.value.fields) == {"reason_code"}
    with pytest.raises(WorkflowError) as exc:
        services.application_transition(
            application=submitted, action="return", actor=unit_officer, reason_code="other"
        )
    assert (exc.value.code, set(exc.value.fields)) == ("reason_required", {"reason"})
    with pytest.raises(WorkflowError) as exc:
        services.application_transition(
            application=submitted, action="return", actor=unit_officer, reason_code="lost"
        )
    assert exc.value.code == "reason_unknown"
    app = services.application_transition(
        application=submitted,
        action="return",
        actor=unit_officer,
        reason_code="materials_unclear",
        reason="营业执照扫描件不清晰",
    )
    assert app.status == Application.Status.RETURNED
    event = ApplicationEvent.objects.get(application=app, action="return")
    assert (event.reason_code, event.reason) == ("materials_unclear", "营业执照扫描件不清晰")
    assert AuditEvent.objects.filter(action="certification.application.return").exists()


def test_returned_application_can_be_corrected_and_resubmitted(submitted, unit_officer, ent_user):
    services.application_transition(
        application=submitted, action="return", actor=unit_officer, reason_code="other", reason="x"
    )
    services.application_update_data(
        application=submitted, values={"credit_compliant": True}, actor=ent_user
    )
    app = services.application_transition(application=submitted, action="resubmit", actor=ent_user)
    assert app.status == Application.Status.SUBMITTED


def test_a_transition_from_the_wrong_state_is_a_409_with_a_code(submitted, city):
    with pytest.raises(TransitionConflict) as exc:
        services.application_transition(application=submitted, action="approve", actor=city)
    assert (exc.value.code, exc.value.status) == ("transition_not_allowed", 409)


def test_a_role_outside_the_table_is_refused(submitted, ent_user):
    with pytest.raises(WorkflowError) as exc:
        services.application_transition(
            application=submitted, action="recommend", actor=ent_user, rank=1
        )
    assert exc.value.code == "role_not_allowed"


def test_another_units_officer_gets_not_found(submitted, other_unit_officer):
    with pytest.raises(NotFound):
        services.application_transition(
            application=submitted, action="recommend", actor=other_unit_officer, rank=1
        )


def test_recommend_needs_a_ranking(submitted, unit_officer):
    with pytest.raises(CertificationError) as exc:
        services.application_transition(
            application=submitted, action="recommend", actor=unit_officer
        )
    assert exc.value.code == "rank_required"


def test_actions_list_what_the_user_may_do_now(submitted, unit_officer, ent_user, city):
    names = {a.name for a in selectors.actions_for(user=unit_officer, application=submitted)}
    assert names == {"return", "recommend"}
    # The enterprise may only withdraw its submission (before the unit acts, window open).
    assert [a.name for a in selectors.actions_for(user=ent_user, application=submitted)] == [
        "withdraw"
    ]
    assert selectors.actions_for(user=city, application=submitted) == []


# ------------------------------------------------------------------ experts


def test_no_expert_with_a_conflict_is_assigned(
    rnd, submitted, unit_officer, city, make_expert, units
):
    ent = submitted.enterprise
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    same_employer = make_expert(employer_credit_code=ent.credit_code)
    same_unit = make_expert(unit=units["镜湖区"])
    related = make_expert()
    services.expert_relation_declare(
        expert=related, enterprise=ent, kind="family", note="亲属", actor=city
    )
    clean = [make_expert() for _ in range(3)]
    report = services.experts_assign_auto(round=rnd, actor=city)
    assigned = set(submitted.assignments.values_list("expert_id", flat=True))
    assert assigned == {e.pk for e in clean}
    assert report.created == 3 and report.short == {}
    for bad, code in (
        (same_employer, "same_employer"),
        (same_unit, "same_unit"),
        (related, "declared_relation"),
    ):
        assert code in selectors.expert_conflicts(expert=bad, application=submitted)
        with pytest.raises(Conflict) as exc:
            services.expert_assign(application=submitted, expert=bad, actor=city)
        assert exc.value.code == "expert_conflict"


def test_a_declared_conflict_excludes_the_expert_next_time(
    rnd, submitted, unit_officer, city, make_expert
):
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    expert = make_expert()
    assignment = services.expert_assign(application=submitted, expert=expert, actor=city)
    with pytest.raises(WorkflowError) as exc:
        services.assignment_decline(
            assignment=assignment, reason_code="conflict", note="", actor=expert.user
        )
    assert exc.value.code == "reason_required" and "note" in exc.value.fields
    services.assignment_decline(
        assignment=assignment, reason_code="conflict", note="曾任该企业顾问", actor=expert.user
    )
    assert "declared_conflict" in selectors.expert_conflicts(expert=expert, application=submitted)


def test_auto_assignment_balances_load_and_prefers_expertise(
    rnd, make_applicant, submit_ready, unit_officer, city, make_expert
):
    from zjtx.reference.models import IndustryCode

    IndustryCode.objects.get_or_create(
        code="C34", defaults={"name": "通用设备", "level": "division"}
    )
    apps = []
    for _ in range(4):
        user = make_applicant(industry_id="C34")
        app = submit_ready(rnd, user)
        services.application_transition(application=app, action="submit", actor=user)
        services.application_transition(
            application=app, action="recommend", actor=unit_officer, rank=1
        )
        apps.append(app)
    matching = [make_expert(fields=["C34"]) for _ in range(4)]
    other = make_expert(fields=["C39"])
    services.experts_assign_auto(round=rnd, actor=city, per_application=2)
    load = selectors.expert_load(round=rnd)
    assert sorted(load.get(e.pk, 0) for e in matching) == [2, 2, 2, 2]
    assert load.get(other.pk, 0) == 0


def test_an_outlying_score_needs_a_justification(submitted, unit_officer, city, make_expert):
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    experts = [make_expert() for _ in range(3)]
    for e in experts:
        services.expert_assign(application=submitted, expert=e, actor=city)
    if submitted.round.status == "open":  # expert review starts after the close
        services.round_set_status(round=submitted.round, status="closed", actor=city)
    services.application_transition(application=submitted, action="start_review", actor=city)
    rubric = submitted.form_schema["rubric"]

    def scores(value, justification=""):
        return [services.ScoreIn(i["id"], Decimal(value), "意见", justification) for i in rubric]

    for e, v in zip(experts[:2], ("20", "18"), strict=True):
        services.scores_submit(
            assignment=submitted.assignments.get(expert=e),
            scores=scores(v),
            actor=e.user,
            undertaking=True,
        )
    last = submitted.assignments.get(expert=experts[2])
    with pytest.raises(CertificationError) as exc:
        services.scores_submit(
            assignment=last, scores=scores("2"), actor=experts[2].user, undertaking=True
        )
    assert exc.value.code == "justification_required"
    services.scores_submit(
        assignment=last, scores=scores("2", "产品无特色"), actor=experts[2].user, undertaking=True
    )
    assert submitted.assignments.get(expert=experts[2]).total == Decimal(2) * len(rubric)


def test_scores_out_of_range_are_refused(submitted, advance, make_expert, city, unit_officer):
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    e = make_expert()
    services.expert_assign(application=submitted, expert=e, actor=city)
    if submitted.round.status == "open":  # expert review starts after the close
        services.round_set_status(round=submitted.round, status="closed", actor=city)
    services.application_transition(application=submitted, action="start_review", actor=city)
    rubric = submitted.form_schema["rubric"]
    with pytest.raises(CertificationError) as exc:
        services.scores_submit(
            assignment=submitted.assignments.get(expert=e),
            scores=[services.ScoreIn(i["id"], Decimal("999")) for i in rubric],
            actor=e.user,
            undertaking=True,
        )
    assert exc.value.code == "invalid_scores"


@pytest.mark.parametrize(
    ("method", "expected"), [("mean", Decimal("60.00")), ("trimmed_mean", Decimal("50.00"))]
)
def test_aggregation_methods(method, expected):
    totals = [Decimal(10), Decimal(50), Decimal(120)]
    assert selectors.aggregate(totals, method) == Decimal("60.00") if method == "mean" else True
    assert selectors.aggregate(totals, method) == expected


def test_complete_review_aggregates_by_the_rounds_method(submitted, advance):
    app = advance(submitted, ("20", "10"))
    n = len(app.form_schema["rubric"])
    assert app.expert_score == Decimal(15 * n).quantize(Decimal("0.01"))
    assert app.status == Application.Status.REVIEWED


# ------------------------------------------------------------------ decision, quota line, 公示


def _reviewed(rnd, make_applicant, submit_ready, advance, scores, units=None):
    user = make_applicant()
    app = submit_ready(rnd, user)
    services.application_transition(application=app, action="submit", actor=user)
    return advance(app, scores)


def test_quota_line_and_tie_break(rnd, city, make_applicant, submit_ready, advance):
    rnd = services.round_update(round=rnd, actor=city, quota=2)
    high = _reviewed(rnd, make_applicant, submit_ready, advance, ("20", "20"))
    tie_a = _reviewed(rnd, make_applicant, submit_ready, advance, ("15", "15"))
    tie_b = _reviewed(rnd, make_applicant, submit_ready, advance, ("15", "15"))
    # Same score: the higher R&D ratio ranks first.
    data = dict(tie_b.data)
    data["rd_expense_y1_yuan"] = {"value": "5000000", "source": "enterprise"}
    Application.objects.filter(pk=tie_b.pk).update(data=data)
    rows = selectors.round_ranking(round=rnd)
    assert [r.application.pk for r in rows] == [high.pk, tie_b.pk, tie_a.pk]
    assert [r.within_quota for r in rows] == [True, True, False]


def test_same_score_and_ratio_ranks_the_earlier_submission_first(
    rnd, make_applicant, submit_ready, advance
):
    first = _reviewed(rnd, make_applicant, submit_ready, advance, ("15", "15"))
    second = _reviewed(rnd, make_applicant, submit_ready, advance, ("15", "15"))
    rows = selectors.round_ranking(round=rnd)
    assert [r.application.pk for r in rows] == [first.pk, second.pk]


def test_unit_quota_caps_a_unit(rnd, city, make_applicant, submit_ready, advance):
    rnd = services.round_update(round=rnd, actor=city, unit_quotas={"340202": 1})
    a = _reviewed(rnd, make_applicant, submit_ready, advance, ("20", "20"))
    b = _reviewed(rnd, make_applicant, submit_ready, advance, ("19", "19"))
    rows = {r.application.pk: r for r in selectors.round_ranking(round=rnd)}
    assert rows[a.pk].within_quota and not rows[b.pk].within_quota
    assert rows[b.pk].over_unit_quota


def test_batch_decision_needs_a_reason_for_every_rejection(
    rnd, city, make_applicant, submit_ready, advance
):
    a = _reviewed(rnd, make_applicant, submit_ready, advance, ("20", "20"))
    b = _reviewed(rnd, make_applicant, submit_ready, advance, ("10", "10"))
    with pytest.raises(CertificationError) as exc:
        services.applications_decide(
            round=rnd,
            actor=city,
            decisions=[services.Decision(a.pk, "approve"), services.Decision(b.pk, "reject")],
        )
    assert exc.value.code == "invalid_decisions" and str(b.pk) in exc.value.fields
    assert Application.objects.get(pk=a.pk).status == Application.Status.REVIEWED
    services.applications_decide(
        round=rnd,
        actor=city,
        decisions=[
            services.Decision(a.pk, "approve"),
            services.Decision(b.pk, "reject", "below_quota_line", "得分低于名额线"),
        ],
    )
    assert Application.objects.get(pk=b.pk).decision_reason == "得分低于名额线"


def _approved(rnd, city, make_applicant, submit_ready, advance, n=1):
    apps = [_reviewed(rnd, make_applicant, submit_ready, advance, ("20", "20")) for _ in range(n)]
    services.applications_decide(
        round=rnd, actor=city, decisions=[services.Decision(a.pk, "approve") for a in apps]
    )
    return apps


def test_notice_runs_five_working_days_across_national_day(
    rnd, city, make_applicant, submit_ready, advance, travel
):
    _approved(rnd, city, make_applicant, submit_ready, advance)
    travel(date(2026, 9, 29))
    notice = services.notice_publish(round=rnd, actor=city, starts_on=date(2026, 9, 30))
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (
        date(2026, 9, 30),
        date(2026, 10, 12),
        5,
    )
    assert selectors.notice_remaining_working_days(notice=notice, today=date(2026, 10, 9)) == 3
    assert selectors.notice_remaining_working_days(notice=notice, today=date(2026, 10, 13)) == 0


def test_upheld_objection_removes_the_enterprise_with_the_reason(
    rnd, city, make_applicant, submit_ready, advance
):
    keep, drop = _approved(rnd, city, make_applicant, submit_ready, advance, n=2)
    notice = services.notice_publish(round=rnd, actor=city)
    with pytest.raises(CertificationError) as exc:
        services.objection_lodge(
            notice=notice, application_id=drop.pk, name="", phone="1", text="短"
        )
    assert set(exc.value.fields) == {"name", "phone", "text"}
    objection = services.objection_lodge(
        notice=notice,
        application_id=drop.pk,
        name="张三",
        phone="13800000000",
        text="该企业上年度存在重大安全事故，请核查。",
        evidence=PDF,
        evidence_name="证据.pdf",
    )
    other = services.objection_lodge(
        notice=notice,
        application_id=keep.pk,
        name="李四",
        phone="0553-1234567",
        text="对该企业研发投入有疑问，请核实。",
    )
    services.objection_handle(
        objection=objection, upheld=True, outcome="经核实属实，取消认定资格", actor=city
    )
    services.objection_handle(
        objection=other, upheld=False, outcome="经核查研发投入属实", actor=city
    )
    drop.refresh_from_db()
    assert drop.status == Application.Status.REMOVED
    assert drop.decision_reason == "经核实属实，取消认定资格"
    assert Objection.objects.get(pk=other.pk).status == Objection.Status.DISMISSED
    assert Application.objects.get(pk=keep.pk).status == Application.Status.IN_NOTICE


def test_objection_outside_the_notice_period_is_refused(
    rnd, city, make_applicant, submit_ready, advance, travel
):
    (app,) = _approved(rnd, city, make_applicant, submit_ready, advance)
    notice = services.notice_publish(round=rnd, actor=city)
    travel(notice.ends_on + timedelta(days=1))
    with pytest.raises(Conflict) as exc:
        services.objection_lodge(
            notice=notice,
            application_id=app.pk,
            name="张三",
            phone="13800000000",
            text="一二三四五六七八九十",
        )
    assert exc.value.code == "notice_closed"


# ------------------------------------------------------------------ certification


def test_certify_waits_for_the_notice_to_end(
    rnd, city, make_applicant, submit_ready, advance, travel
):
    _approved(rnd, city, make_applicant, submit_ready, advance)
    notice = services.notice_publish(round=rnd, actor=city)
    travel(notice.ends_on)
    with pytest.raises(WorkflowError) as exc:
        services.round_certify(round=rnd, actor=city)
    assert exc.value.code == "notice_not_ended"


def test_certify_issues_a_numbered_decision_certificates_and_awards(
    rnd, city, make_applicant, submit_ready, advance, travel
):
    apps = _approved(rnd, city, make_applicant, submit_ready, advance, n=2)
    notice = services.notice_publish(round=rnd, actor=city)
    issued_on = notice.ends_on + timedelta(days=1)
    travel(issued_on)
    doc = services.round_certify(round=rnd, actor=city, issued_on=issued_on)
    assert doc.number == f"芜经信〔{issued_on.year}〕1号"
    for app in apps:
        app.refresh_from_db()
        assert app.status == Application.Status.CERTIFIED
        assert app.certificate_number.startswith(f"ZJTX{issued_on.year}")
        assert app.valid_until == issued_on.replace(year=issued_on.year + 3) - timedelta(days=1)
        assert selectors.certificate_state(application=app, today=issued_on) == "valid"
        award = CertificationAward.objects.get(application=app)
        assert award.status == CertificationAward.Status.PROPOSED
        assert award.amount_yuan == Decimal("100000.00")
        # The award waits for city approval in the subsidy ledger's queue.
        from zjtx.subsidies.models import Application as SubsidyApplication

        proposal = SubsidyApplication.objects.get(
            enterprise=app.enterprise, program_id="wuhu.municipal_zjtx"
        )
        assert proposal.status == SubsidyApplication.Status.FORWARDED
        assert proposal.computed_amount_yuan == Decimal("100000.00")
    numbers = sorted(a.certificate_number for a in Application.objects.filter(round=rnd))
    assert numbers == [f"ZJTX{issued_on.year}0001", f"ZJTX{issued_on.year}0002"]


def test_revocation_bars_reapplying_for_three_years(
    rnd, city, make_applicant, submit_ready, advance, make_round, travel
):
    app = _certified(rnd, city, make_applicant, submit_ready, advance, travel)
    with pytest.raises(WorkflowError) as exc:
        services.application_transition(application=app, action="revoke", actor=city)
    assert exc.value.code == "reason_required"
    app = services.application_transition(
        application=app, action="revoke", actor=city, reason_code="fraud", reason="申报材料造假"
    )
    assert app.barred_until == timezone.localdate().replace(year=timezone.localdate().year + 3)
    assert selectors.certificate_state(application=app) == "revoked"
    later = make_round(title="下一轮")
    user = app.enterprise.users.get()
    with pytest.raises(Conflict) as exc:
        services.application_create(round=later, actor=user)
    assert exc.value.code == "barred_after_revocation"


def _certified(rnd, city, make_applicant, submit_ready, advance, travel):
    """Certified the day after the notice ends; the clock stays there."""
    (app,) = _approved(rnd, city, make_applicant, submit_ready, advance)
    notice = services.notice_publish(round=rnd, actor=city)
    travel(notice.ends_on + timedelta(days=1))
    services.round_certify(round=rnd, actor=city)
    app.refresh_from_db()
    return app


def test_expiry_reminders_at_90_60_and_30_days_once_each(
    rnd, city, make_applicant, submit_ready, advance, travel, mailoutbox
):
    app = _certified(rnd, city, make_applicant, submit_ready, advance, travel)
    Application.objects.filter(pk=app.pk).update(valid_until=date(2029, 12, 31))
    app.enterprise.contact_email = "a@example.com"
    app.enterprise.save()
    assert services.expiry_reminders_send(today=date(2029, 9, 1)) == []  # 121 days left
    sent = []
    for day in (date(2029, 10, 2), date(2029, 10, 3), date(2029, 11, 1), date(2029, 12, 1)):
        sent += services.expiry_reminders_send(today=day)
    assert [r.days_before for r in sent] == [90, 60, 30]


def test_renewal_after_re_review_extends_the_status_three_years(
    rnd, city, make_applicant, submit_ready, advance, travel
):
    app = _certified(rnd, city, make_applicant, submit_ready, advance, travel)
    with pytest.raises(WorkflowError) as exc:
        services.application_transition(application=app, action="renew", actor=city)
    assert exc.value.code == "not_due_for_review"
    old = app.valid_until
    with mock.patch(
        "zjtx.certification.services.applications.rereview",
        return_value={"result": {"eligible": True}},
    ):
        travel(old - timedelta(days=30))
        app = services.application_transition(application=app, action="renew", actor=city)
    assert app.status == Application.Status.CERTIFIED
    assert app.valid_until == services.certificate_valid_until(old + timedelta(days=1))
    with mock.patch(
        "zjtx.certification.services.applications.rereview",
        return_value={"result": {"eligible": False}},
    ):
        travel(app.valid_until)
        with pytest.raises(CertificationError) as exc:
            services.application_transition(application=app, action="renew", actor=city)
    assert exc.value.code == "rereview_failed"


def test_re_review_evaluates_the_registry_data_on_file(
    rnd, city, make_applicant, submit_ready, advance, travel
):
    app = _certified(rnd, city, make_applicant, submit_ready, advance, travel)
    result = services.rereview(app, timezone.localdate())
    assert result["program"] == "miit2026.zjtx_sme"
    assert "operating_revenue_y1_yuan" in result["facts"]


def test_annual_update_once_a_year_and_overdue_flag(
    rnd, city, make_applicant, submit_ready, advance, travel
):
    app = _certified(rnd, city, make_applicant, submit_ready, advance, travel)
    user = app.enterprise.users.get()
    year = timezone.localdate().year - 1
    # Certified this year: last year's update is not yet due.
    (row,) = selectors.managed_list_for(user=city)
    assert not row.update_missing
    later = timezone.localdate().replace(year=timezone.localdate().year + 2)
    (row,) = selectors.managed_list_for(user=city, today=later)
    assert row.update_missing
    update = services.annual_update_submit(application=app, actor=user)
    assert update.year == year and "operating_revenue_y1_yuan" in update.data
    assert update.assessment["program"] == "miit2026.zjtx_sme"
    with pytest.raises(Conflict) as exc:
        services.annual_update_submit(application=app, actor=user)
    assert exc.value.code == "already_updated"


def test_major_change_reported_after_three_months_is_late(
    rnd, city, make_applicant, submit_ready, advance, travel, make_user
):
    app = _certified(rnd, city, make_applicant, submit_ready, advance, travel)
    user = app.enterprise.users.get()
    today = timezone.localdate()
    on_time = services.change_report_submit(
        application=app,
        actor=user,
        kind="rename",
        occurred_on=today - timedelta(days=30),
        description="更名",
    )
    late = services.change_report_submit(
        application=app,
        actor=user,
        kind="move",
        occurred_on=today - timedelta(days=120),
        description="迁址",
    )
    assert (on_time.late, late.late) == (False, True)
    with pytest.raises(CertificationError):
        services.change_report_submit(
            application=app, actor=user, kind="nope", occurred_on=today, description=""
        )
    other = make_applicant()
    with pytest.raises(NotFound):
        services.change_report_submit(
            application=app, actor=other, kind="rename", occurred_on=today, description="x"
        )
    handled = services.change_report_handle(
        report=late, actor=city, needs_review=True, outcome="迁出本市，需复核"
    )
    assert handled.status == "review_needed"
    (row,) = selectors.managed_list_for(user=city)
    assert row.pending_changes == 1


def test_dynamic_management_needs_a_certified_application(submitted, ent_user):
    with pytest.raises(TransitionNotAllowed) as exc:
        services.annual_update_submit(application=submitted, actor=ent_user)
    assert exc.value.code == "not_certified"


def test_no_objection_against_an_enterprise_already_removed(
    rnd, city, make_applicant, submit_ready, advance
):
    (app,) = _approved(rnd, city, make_applicant, submit_ready, advance)
    notice = services.notice_publish(round=rnd, actor=city)
    first = services.objection_lodge(
        notice=notice,
        application_id=app.pk,
        name="张三",
        phone="13800000000",
        text="一二三四五六七八九十",
    )
    services.objection_handle(objection=first, upheld=True, outcome="属实", actor=city)
    with pytest.raises(CertificationError) as exc:
        services.objection_lodge(
            notice=notice,
            application_id=app.pk,
            name="李四",
            phone="13800000001",
            text="一二三四五六七八九十",
        )
    assert exc.value.code == "not_listed"


def test_tier_history_lists_every_round_of_the_enterprise(
    rnd, city, make_applicant, submit_ready, advance, travel, make_round
):
    app = _certified(rnd, city, make_applicant, submit_ready, advance, travel)
    user = app.enterprise.users.get()
    later = make_round(title="下一年度")
    services.application_create(round=later, actor=user)
    history = selectors.tier_history(enterprise_id=app.enterprise_id, user=user)
    assert [h.pk for h in history] == [app.pk]  # drafts are not history
    assert history[0].status == Application.Status.CERTIFIED


def test_each_step_notifies_the_next_actor_in_app(
    unit_officer,
    other_unit_officer,
    ent_user,
    city,
    rnd,
    submit_ready,
    django_capture_on_commit_callbacks,
):
    from zjtx.core.models import Notification

    app = submit_ready(rnd)
    # Told after the commit only: a refused or rolled-back step notifies no one.
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.application_transition(
            application=app, action="submit", actor=ent_user
        )
    # Submission waits for the enterprise's own unit officer, not another unit's.
    assert Notification.objects.filter(recipient=unit_officer).count() == 1
    assert not Notification.objects.filter(recipient=other_unit_officer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=submitted,
            action="return",
            actor=unit_officer,
            reason_code="materials_missing",
            reason="缺少审计报告",
        )
    note = Notification.objects.filter(recipient=ent_user).latest("id")
    assert note.body == "缺少审计报告"
    assert note.url.endswith(f"/applications/{submitted.pk}/")
