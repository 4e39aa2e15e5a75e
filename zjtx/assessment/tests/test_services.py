from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from zjtx.assessment import services
from zjtx.assessment.errors import AssessmentErrorCode
from zjtx.assessment.models import Adjustment, AssessmentRun, Objection, UnitScore
from zjtx.core.errors import DomainError
from zjtx.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _score(run, unit):
    return UnitScore.objects.get(run=run, unit=unit)


def _trace(score, indicator):
    return next(e for e in score.trace if e["indicator"] == indicator)


def test_trace_adds_up_to_the_score_for_every_unit(computed):
    for score in computed.scores.all():
        points = sum(Decimal(e["points"] or 0) for e in score.trace)
        adjustments = sum((a.points for a in score.adjustments.all()), Decimal(0))
        assert points == score.computed_points
        assert points + adjustments == score.score
        assert sum(Decimal(e["weight"]) for e in score.trace) == 100


def test_indicators_are_computed_from_the_records(computed, units):
    jh = _score(computed, units["镜湖区"])
    certs = _trace(jh, "certifications")
    assert certs["numerator"] == "2" and certs["records"] == 2
    reporting = _trace(jh, "reporting_rate")
    assert (reporting["numerator"], reporting["denominator"]) == ("30", "36")
    # 30/36 = 83.33 % against a 95 % target: 15 × 0.8333…/0.95 = 13.16
    assert reporting["points"] == "13.16"
    timeliness = _trace(jh, "reporting_timeliness")
    assert (timeliness["numerator"], timeliness["denominator"]) == ("9", "12")
    service = _trace(jh, "service_on_time")
    assert (service["numerator"], service["denominator"], service["records"]) == ("3", "4", 4)
    financing = _trace(jh, "financing_served")
    assert (financing["numerator"], financing["denominator"]) == ("1", "2")
    warnings = _trace(jh, "warning_followup")
    assert warnings["status"] == "nothing_due" and warnings["points"] == "10"
    # No enterprise was ever put in a pool: the indicator has no data and counts 0, flagged.
    pool = _trace(jh, "pool_growth")
    assert pool["status"] == "insufficient" and pool["points"] is None
    assert jh.insufficient


def test_ranks_follow_the_scores(computed):
    rows = list(computed.scores.order_by("rank"))
    assert rows[0].rank == 1
    assert all(a.score >= b.score for a, b in itertools.pairwise(rows))


def test_a_draft_is_computed_again_but_a_published_run_is_not(computed, people):
    again = services.run_compute(year=2025, actor=people["city"], today=date(2026, 3, 3))
    assert again.pk == computed.pk and AssessmentRun.objects.count() == 1
    services.run_transition(run=computed, action="publish", actor=people["city"])
    with pytest.raises(DomainError) as exc:
        services.run_compute(year=2025, actor=people["city"], today=date(2026, 3, 3))
    assert exc.value.code == AssessmentErrorCode.RUN_EXISTS and exc.value.status == 409


def test_only_the_city_runs_an_assessment(scheme_loaded, people, data):
    with pytest.raises(DomainError) as exc:
        services.run_compute(year=2025, actor=people["jinghu"], today=date(2026, 3, 2))
    assert exc.value.status == 403


def test_a_year_outside_the_range_is_refused(scheme_loaded, people):
    with pytest.raises(DomainError) as exc:
        services.run_compute(year=2030, actor=people["city"], today=date(2026, 3, 2))
    assert exc.value.code == AssessmentErrorCode.INVALID_YEAR


def test_without_the_scheme_package_the_run_is_refused(people, data):
    with pytest.raises(DomainError) as exc:
        services.run_compute(year=2025, actor=people["city"], today=date(2026, 3, 2))
    assert exc.value.code == AssessmentErrorCode.SCHEME_MISSING


def test_city_adjustment_is_recorded_audited_and_in_the_trace(computed, people, units):
    ww = units["无为市"]
    before = _score(computed, ww).score
    services.adjustment_add(
        run=computed,
        unit_id=ww.pk,
        points="-2.50",
        reason="漏报企业经核实属实",
        indicator="reporting_rate",
        actor=people["city"],
    )
    after = _score(computed, ww)
    assert after.score == before - Decimal("2.50")
    assert after.adjustment_points == Decimal("-2.50")
    assert AuditEvent.objects.filter(action="assessment.adjustment.add").exists()
    points = sum(Decimal(e["points"] or 0) for e in after.trace)
    assert points + sum(a.points for a in after.adjustments.all()) == after.score


@pytest.mark.parametrize("points", ["0", "100.01", "1.234", "abc", ""])
def test_adjustment_points_are_checked(computed, people, units, points):
    with pytest.raises(DomainError) as exc:
        services.adjustment_add(
            run=computed,
            unit_id=units["无为市"].pk,
            points=points,
            reason="x",
            actor=people["city"],
        )
    assert exc.value.code == AssessmentErrorCode.INVALID_POINTS


def test_adjustment_needs_a_reason(computed, people, units):
    with pytest.raises(DomainError) as exc:
        services.adjustment_add(
            run=computed, unit_id=units["无为市"].pk, points="1", reason=" ", actor=people["city"]
        )
    assert exc.value.code == AssessmentErrorCode.REASON_REQUIRED


def test_an_accepted_objection_changes_the_result_through_a_recorded_adjustment(
    computed, people, units
):
    ww = units["无为市"]
    services.run_transition(
        run=computed, action="publish", actor=people["city"], today=date(2026, 3, 2)
    )
    before = _score(computed, ww)
    objection = services.objection_file(
        run=computed,
        actor=people["wuwei"],
        reason="12月份数据已于截止日前报送，系统未计入",
        indicator="reporting_rate",
        today=date(2026, 3, 3),
    )
    assert objection.status == Objection.Status.PENDING
    services.objection_decide(
        objection=objection,
        action="accept",
        actor=people["city"],
        reason="经核实报送记录属实，补计该月报送",
        points="1.25",
    )
    objection.refresh_from_db()
    after = _score(computed, ww)
    adjustment = Adjustment.objects.get(objection=objection)
    assert objection.status == Objection.Status.ACCEPTED
    assert adjustment.source == Adjustment.Source.OBJECTION and adjustment.points == Decimal("1.25")
    assert after.score == before.score + Decimal("1.25")
    assert AuditEvent.objects.filter(action="assessment.objection.accept").exists()


def test_accepting_needs_points_and_rejecting_needs_a_reason(computed, people):
    services.run_transition(
        run=computed, action="publish", actor=people["city"], today=date(2026, 3, 2)
    )
    objection = services.objection_file(
        run=computed, actor=people["wuwei"], reason="理由", today=date(2026, 3, 3)
    )
    with pytest.raises(DomainError) as exc:
        services.objection_decide(
            objection=objection, action="accept", actor=people["city"], reason="同意"
        )
    assert exc.value.code == "invalid_points"
    with pytest.raises(DomainError) as exc:
        services.objection_decide(
            objection=objection, action="reject", actor=people["city"], reason=""
        )
    assert exc.value.code == "reason_required"
    services.objection_decide(
        objection=objection, action="reject", actor=people["city"], reason="报送记录无误"
    )
    objection.refresh_from_db()
    assert objection.status == Objection.Status.REJECTED and objection.decision == "报送记录无误"
    assert not Adjustment.objects.exists()


def test_the_objection_window_closes_on_the_working_day_clock(computed, people):
    # Published on Wednesday 30 September 2026: the 5 working days after it skip the National
    # Day holiday and count the adjusted Saturday, so the window ends on Tuesday 13 October.
    services.run_transition(
        run=computed, action="publish", actor=people["city"], today=date(2026, 9, 30)
    )
    computed.refresh_from_db()
    assert computed.window_ends_on == date(2026, 10, 13)
    with pytest.raises(DomainError) as exc:
        services.objection_file(
            run=computed, actor=people["wuwei"], reason="迟到的异议", today=date(2026, 10, 14)
        )
    assert exc.value.code == AssessmentErrorCode.WINDOW_CLOSED
    services.objection_file(
        run=computed, actor=people["wuwei"], reason="最后一天的异议", today=date(2026, 10, 13)
    )


def test_final_only_after_the_window_and_every_objection_decided(computed, people):
    city = people["city"]
    services.run_transition(run=computed, action="publish", actor=city, today=date(2026, 3, 2))
    computed.refresh_from_db()
    last = computed.window_ends_on
    objection = services.objection_file(
        run=computed, actor=people["jinghu"], reason="认定数有误", today=last
    )
    with pytest.raises(DomainError) as exc:
        services.run_transition(run=computed, action="finalize", actor=city, today=last)
    assert exc.value.code == "window_open"
    later = date(last.year, last.month, last.day + 1)
    with pytest.raises(DomainError) as exc:
        services.run_transition(run=computed, action="finalize", actor=city, today=later)
    assert exc.value.code == "objection_pending"
    services.objection_decide(objection=objection, action="reject", actor=city, reason="无误")
    services.run_transition(run=computed, action="finalize", actor=city, today=later)
    computed.refresh_from_db()
    assert computed.status == AssessmentRun.Status.FINAL and computed.finalized_on == later
    with pytest.raises(DomainError) as exc:
        services.adjustment_add(
            run=computed, unit_id=objection.unit_id, points="1", reason="x", actor=city
        )
    assert exc.value.code == AssessmentErrorCode.RUN_FINAL


def test_a_unit_cannot_object_to_a_draft_or_twice_at_once(computed, people):
    with pytest.raises(DomainError) as exc:
        services.objection_file(run=computed, actor=people["wuwei"], reason="x")
    assert exc.value.status == 404
    services.run_transition(
        run=computed, action="publish", actor=people["city"], today=date(2026, 3, 2)
    )
    services.objection_file(
        run=computed, actor=people["wuwei"], reason="一", today=date(2026, 3, 3)
    )
    with pytest.raises(DomainError) as exc:
        services.objection_file(
            run=computed, actor=people["wuwei"], reason="二", today=date(2026, 3, 3)
        )
    assert exc.value.code == AssessmentErrorCode.OBJECTION_PENDING


def test_a_proposed_target_change_shows_its_effect_on_the_latest_run(computed, people, units):
    from zjtx.policy.governance import change_propose

    change = change_propose(
        program_id="wuhu.unit_assessment",
        parameter="reporting_rate_target_pct",
        value="80",
        effective_from=date(2025, 1, 1),  # after the cases (2020), before the run (2025)
        reason="市局办公会决定报送率目标调整为80%",
        actor=people["city"],
        whatif_as_of=date(2026, 3, 2),
    )
    whatif = change.whatif
    assert whatif["kind"] == "counts"
    up = {row["name"]: row["detail"] for row in whatif["up"]}
    # 镜湖区 reported 83.33 %: 13.16 points against 95 %, the full 15 against 80 %.
    before = _score(computed, units["镜湖区"]).score
    assert up["镜湖区"].startswith(f"{before} → {before + Decimal('1.84')}")
    assert not whatif["down"]
    assert whatif["metrics"][0]["before"] != whatif["metrics"][0]["after"]


def test_warnings_closed_in_time_count_and_withdrawn_ones_do_not(
    scheme_loaded, people, data, units
):
    from datetime import datetime

    from django.utils import timezone

    from zjtx.monitoring.models import MonitoringWarning, ReportingPeriod, WarningRule

    tz = timezone.get_current_timezone()
    jh = units["镜湖区"]
    period = ReportingPeriod.objects.get(code="2025-06")
    rule = WarningRule.objects.create(
        code="revenue_yoy", yellow=-20, orange=-30, red=-50, valid_from=date(2020, 1, 1)
    )
    firms = data["firms"]
    # Raised Monday 7 July 2025: closed on the 10th working day after it (21 July) is in time,
    # on the 11th (22 July) late; a withdrawn warning is not counted at all.
    for firm, closed, status in (
        (firms[0], date(2025, 7, 21), "closed"),
        (firms[1], date(2025, 7, 22), "closed"),
        (firms[2], None, "withdrawn"),
    ):
        w = MonitoringWarning.objects.create(
            enterprise=firm,
            unit=jh,
            period=period,
            rule=rule,
            level="yellow",
            explanation="营业收入同比下降",
            status=status,
            closed_at=datetime(closed.year, closed.month, closed.day, 9, tzinfo=tz)
            if closed
            else None,
        )
        MonitoringWarning.objects.filter(pk=w.pk).update(
            created_at=datetime(2025, 7, 7, 9, tzinfo=tz)
        )
    run = services.run_compute(year=2025, actor=people["city"], today=date(2026, 3, 2))
    entry = _trace(_score(run, jh), "warning_followup")
    assert (entry["numerator"], entry["denominator"]) == ("1", "2")
