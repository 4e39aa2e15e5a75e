"""Demo data for the yearly assessment of units (芜湖实施意见 三(一), 三(五)).

Last year's assessment is finished: computed from the demo records, published to the units,
one objection accepted (a recorded adjustment) and one rejected, a documented city adjustment,
made final after the working-day window, and its yearly 通报 issued as a numbered Word
document; a 督查通报 names the lowest-ranked unit. This year's assessment is computed and
published with its objection window open. Everything goes through the services. Runs once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from zjtx.accounts.models import Role, User
from zjtx.reference.models import AssessmentUnit


def _scheme_ready() -> bool:
    from zjtx.assessment.scheme import SCHEME_ID
    from zjtx.policy.errors import PolicyLoadError
    from zjtx.policy.models import PolicyProgram
    from zjtx.policy.services import policies_load

    if not PolicyProgram.objects.filter(pk=SCHEME_ID, current_version__isnull=False).exists():
        try:
            policies_load()
        except PolicyLoadError:
            pass  # another package refused; the scheme may still have loaded
    return PolicyProgram.objects.filter(pk=SCHEME_ID, current_version__isnull=False).exists()


def _officer(unit: AssessmentUnit) -> Any:
    return (
        User.objects.filter(role=Role.UNIT_OFFICER, unit=unit, is_active=True)
        .order_by("id")
        .first()
    )


def ensure_assessment_data(seed: int = 2026) -> dict[str, int]:
    """Load the assessment demo once; later runs change nothing."""
    from zjtx.assessment import services
    from zjtx.assessment.models import AssessmentRun, UnitScore
    from zjtx.core.notifications import notices_batched

    empty = {"runs": 0, "bulletins": 0}
    if AssessmentRun.objects.exists():
        return empty
    city = User.objects.filter(role=Role.CITY_OFFICER, is_active=True).order_by("id").first()
    if city is None or not AssessmentUnit.objects.exists() or not _scheme_ready():
        return empty
    today = timezone.localdate()
    last_year = today.year - 1
    published = (
        date(today.year, 2, 2) if today >= date(today.year, 3, 20) else today - timedelta(40)
    )
    with notices_batched(), transaction.atomic():
        run = services.run_compute(year=last_year, actor=city, today=today)
        services.run_transition(
            run=run,
            action="publish",
            actor=city,
            reason="经市经信局办公会审议，向各县区、开发区公布",
            today=published,
        )
        run.refresh_from_db()
        scores = list(UnitScore.objects.filter(run=run).select_related("unit").order_by("rank"))
        objectors = [s for s in scores if _officer(s.unit) is not None]
        bulletins = 0
        if objectors:
            first = objectors[-1]
            objection = services.objection_file(
                run=run,
                actor=_officer(first.unit),
                reason="本单位12月份运行监测数据已于截止日前报送，系统统计时未计入，附报送回执。",
                indicator="reporting_rate",
                today=published + timedelta(days=1),
            )
            services.objection_decide(
                objection=objection,
                action="accept",
                actor=city,
                reason="经核对报送回执属实，补计报送率相应分值。",
                points="1.50",
                today=published + timedelta(days=3),
            )
        if len(objectors) > 1:
            second = objectors[0]
            objection = services.objection_file(
                run=run,
                actor=_officer(second.unit),
                reason="本单位一项融资需求已获银行口头授信，请计入对接成功。",
                indicator="financing_served",
                today=published + timedelta(days=2),
            )
            services.objection_decide(
                objection=objection,
                action="reject",
                actor=city,
                reason="口头授信不属于授信或放款记录，维持原结果。",
                today=published + timedelta(days=3),
            )
        if scores:
            services.adjustment_add(
                run=run,
                unit_id=scores[len(scores) // 2].unit_id,
                points="-1.00",
                reason="年度督查发现一家企业申报材料与实际不符，按考核方案酌情扣分。",
                indicator="certifications",
                actor=city,
            )
        run.refresh_from_db()
        assert run.window_ends_on is not None
        final_on = run.window_ends_on + timedelta(days=3)
        services.run_transition(run=run, action="finalize", actor=city, today=final_on)
        run.refresh_from_db()
        services.bulletin_issue_annual(
            run=run, actor=city, issued_on=min(final_on + timedelta(days=4), today)
        )
        bulletins += 1
        lowest = UnitScore.objects.filter(run=run).order_by("-rank", "unit__sort_order").first()
        if lowest is not None:
            services.bulletin_issue_supervision(
                year=last_year,
                unit_ids=[lowest.unit_id],
                title=f"关于{lowest.unit.name}专精特新政策落实不到位情况的通报",
                text=(
                    f"{last_year}年度考核中，{lowest.unit.name}多项指标低于目标值，"
                    "运行监测数据报送和企业诉求办理不及时。\n"
                    "请于一个月内提交整改报告，市经信局将适时组织复查。"
                ),
                actor=city,
                issued_on=min(final_on + timedelta(days=10), today),
            )
            bulletins += 1
        current = services.run_compute(year=today.year, actor=city, today=today)
        services.run_transition(
            run=current,
            action="publish",
            actor=city,
            reason="年度考核结果向各单位公布，接受异议",
            today=today - timedelta(days=1),
        )
    return {"runs": 2, "bulletins": bulletins}
