"""Assessment writes: compute a year's run, adjust, publish/finalize, object and decide, issue 通报.

芜湖实施意见 三(一): “将‘专精特新’发展情况纳入市政府对各县区、开发区的目标考核。每年通报……”
三(五): “对执行政策不力、落实政策不到位的县区、开发区和部门进行通报。”
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zjtx.accounts.models import Role, User
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_record
from zjtx.core.docnumbers import document_number_issue
from zjtx.core.errors import ErrorCode, NotFound
from zjtx.core.notifications import notify
from zjtx.core.workflow import run as workflow_run
from zjtx.reference.models import AssessmentUnit

from . import scheme
from .errors import AssessmentConflict, AssessmentError, AssessmentErrorCode
from .models import Adjustment, AssessmentRun, Bulletin, Objection, UnitScore
from .ranking import ranks_refresh, score_refresh
from .workflow import OBJECTION, RUN, parse_points

FIRST_YEAR = 2019
ISSUER = "芜经信"
DOCUMENT_LANGUAGE = "zh-hans"
REASON_MAX = 500
TEXT_MAX = 5000


def _require_city(actor: User) -> None:
    require_role(actor, Role.CITY_OFFICER, message=_("Only a city officer runs the assessment."))


def _reason(reason: str, field: str = "reason", limit: int = REASON_MAX) -> str:
    text = (reason or "").strip()
    if not text:
        raise AssessmentError(
            AssessmentErrorCode.REASON_REQUIRED,
            _("A written reason is required."),
            {field: _("This field is required.")},
        )
    if len(text) > limit:
        raise AssessmentError(
            AssessmentErrorCode.REASON_REQUIRED,
            _("The text is too long (at most %(n)s characters).") % {"n": limit},
            {field: _("Too long.")},
        )
    return text


def assessed_units(as_of: date) -> list[AssessmentUnit]:
    """The units in force on `as_of`: counties, districts, county-level cities and zones."""
    units = AssessmentUnit.objects.order_by("sort_order", "code")
    return [
        u
        for u in units
        if (u.valid_from is None or u.valid_from <= as_of)
        and (u.valid_to is None or u.valid_to >= as_of)
    ]


def _check_indicator(indicator: str) -> str:
    indicator = (indicator or "").strip()
    if indicator and indicator not in scheme.MEASURES:
        raise AssessmentError(
            AssessmentErrorCode.UNKNOWN_INDICATOR,
            _("Choose one of the scheme's indicators."),
            {"indicator": _("Not in the list")},
        )
    return indicator


# ------------------------------------------------------------------ compute


@transaction.atomic
def run_compute(*, year: int, actor: User, today: date | None = None) -> AssessmentRun:
    """Score every unit for `year` under the scheme in force (a new draft, or the draft again).

    A published or final run is never recomputed: its result is what the units saw."""
    _require_city(actor)
    today = today or timezone.localdate()
    if not (FIRST_YEAR <= year <= today.year):
        raise AssessmentError(
            AssessmentErrorCode.INVALID_YEAR,
            _("Choose a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": today.year},
            {"year": _("Invalid value.")},
        )
    as_of = min(date(year, 12, 31), today)
    package = scheme.scheme_package()
    scheme.check_in_force(package, as_of)
    units = assessed_units(as_of)
    if not units:
        raise AssessmentConflict(AssessmentErrorCode.NO_UNITS, _("No assessment units exist."))
    run = AssessmentRun.objects.select_for_update().filter(year=year).first()
    before = None
    if run is not None:
        if run.status != AssessmentRun.Status.DRAFT:
            raise AssessmentConflict(
                AssessmentErrorCode.RUN_EXISTS,
                _("The %(year)s assessment is already published; it is not computed again.")
                % {"year": year},
                {"year": _("Already published.")},
            )
        before = {"scheme_version": run.scheme_version, "as_of": run.as_of}
    else:
        run = AssessmentRun(year=year, created_by=actor if getattr(actor, "pk", None) else None)
    run.scheme_id = package.id
    run.scheme_version = package.version or 0
    run.as_of = as_of
    run.objection_days = int(scheme.parameter_value(package, "objection_days", as_of))
    run.computed_at = timezone.now()
    run.save()
    facts = scheme.unit_facts(package, units, year, as_of)
    existing = {s.unit_id: s for s in UnitScore.objects.filter(run=run)}
    for unit in units:
        trace = scheme.score_unit(package, facts[unit.pk], as_of)
        row = existing.pop(unit.pk, None) or UnitScore(run=run, unit=unit)
        row.trace = trace
        row.facts = {k: str(v) for k, v in facts[unit.pk].items()}
        row.computed_points = scheme.trace_total(trace)
        row.insufficient = any(e["status"] == "insufficient" for e in trace)
        row.score = row.computed_points + (row.adjustment_points or Decimal(0))
        row.save()
        score_refresh(row)
    for gone in existing.values():  # a unit no longer in force (adjustments go with it)
        gone.delete()
    ranks_refresh(run)
    audit_record(
        actor=actor,
        action="assessment.run.compute",
        obj=run,
        before=before,
        after={
            "year": year,
            "as_of": as_of,
            "scheme": f"{package.id} v{package.version}",
            "units": len(units),
        },
    )
    return run


# ------------------------------------------------------------------ adjustments


@transaction.atomic
def adjustment_add(
    *,
    run: AssessmentRun,
    unit_id: int,
    points: Any,
    reason: str,
    actor: User,
    indicator: str = "",
) -> Adjustment:
    """A documented adjustment by the city: signed points with a written reason, shown in the
    unit's trace; not once the result is final."""
    _require_city(actor)
    run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    if run.status == AssessmentRun.Status.FINAL:
        raise AssessmentConflict(AssessmentErrorCode.RUN_FINAL, _("The result is already final."))
    value = parse_points(points)
    if value is None:
        raise AssessmentError(
            AssessmentErrorCode.INVALID_POINTS,
            _("Give the points to add or take (not 0, at most ±100, 2 decimals)."),
            {"points": _("Invalid value.")},
        )
    text = _reason(reason)
    indicator = _check_indicator(indicator)
    score = UnitScore.objects.select_for_update().filter(run=run, unit_id=unit_id).first()
    if score is None:
        raise AssessmentError(
            AssessmentErrorCode.UNKNOWN_UNIT,
            _("This unit is not assessed in this run."),
            {"unit": _("Not in the list")},
        )
    before = {"score": score.score, "rank": score.rank}
    adjustment = Adjustment.objects.create(
        score=score,
        indicator=indicator,
        points=value,
        reason=text,
        source=Adjustment.Source.CITY,
        created_by=actor,
    )
    score_refresh(score)
    ranks_refresh(run)
    score.refresh_from_db()
    audit_record(
        actor=actor,
        action="assessment.adjustment.add",
        obj=adjustment,
        before=before,
        after={
            "unit": score.unit_id,
            "points": value,
            "indicator": indicator,
            "reason": text,
            "score": score.score,
            "rank": score.rank,
        },
    )
    return adjustment


# ------------------------------------------------------------------ the run's lifecycle


def run_transition(
    *, run: AssessmentRun, action: str, actor: User, reason: str = "", today: date | None = None
) -> AssessmentRun:
    """Publish to the units (the objection window opens) or make final (RUN workflow)."""
    result: AssessmentRun = workflow_run(RUN, run, action, actor=actor, reason=reason, today=today)
    return result


@transaction.atomic
def objection_file(
    *,
    run: AssessmentRun,
    actor: User,
    reason: str,
    indicator: str = "",
    today: date | None = None,
) -> Objection:
    """A unit officer objects to the unit's result, with a reason, inside the window."""
    require_role(actor, Role.UNIT_OFFICER, message=_("Only the unit's officer may object."))
    today = today or timezone.localdate()
    run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    if run.status == AssessmentRun.Status.DRAFT:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if (
        run.status != AssessmentRun.Status.PUBLISHED
        or run.window_ends_on is None
        or today > run.window_ends_on
    ):
        raise AssessmentConflict(
            AssessmentErrorCode.WINDOW_CLOSED,
            _("The objection window has closed."),
        )
    if not UnitScore.objects.filter(run=run, unit_id=actor.unit_id).exists():
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    text = _reason(reason, limit=2000)
    indicator = _check_indicator(indicator)
    if actor.unit_id is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if Objection.objects.filter(
        run=run, unit_id=actor.unit_id, status=Objection.Status.PENDING
    ).exists():
        raise AssessmentConflict(
            AssessmentErrorCode.OBJECTION_PENDING,
            _("Your unit's earlier objection is still awaiting the city's decision."),
        )
    objection = Objection.objects.create(
        run=run,
        unit_id=actor.unit_id,
        indicator=indicator,
        reason=text,
        filed_by=actor,
        filed_on=today,
    )
    audit_record(
        actor=actor,
        action="assessment.objection.file",
        obj=objection,
        after={"run": run.pk, "unit": actor.unit_id, "indicator": indicator, "reason": text},
    )
    notify(
        recipients=User.objects.filter(role=Role.CITY_OFFICER, is_active=True),
        title=gettext_lazy("%(unit)s objects to its %(year)s assessment result."),
        params={"unit": objection.unit.name, "year": run.year},
        body=text,
        url=reverse("assessment:run", args=[run.pk]) + "#objections",
        kind="general",
    )
    return objection


def objection_decide(
    *,
    objection: Objection,
    action: str,
    actor: User,
    reason: str,
    points: Any = None,
    today: date | None = None,
) -> Objection:
    """Accept (a recorded adjustment of `points`) or reject, each with a written reason."""
    result: Objection = workflow_run(
        OBJECTION,
        objection,
        action,
        actor=actor,
        reason=reason,
        data={"points": points},
        today=today,
    )
    return result


# ------------------------------------------------------------------ 通报


def _unit_officers() -> Any:
    return User.objects.filter(role=Role.UNIT_OFFICER, is_active=True)


def _issued_on(issued_on: date | None, today: date) -> date:
    issued_on = issued_on or today
    if issued_on > today or issued_on.year < FIRST_YEAR:
        raise AssessmentError(
            AssessmentErrorCode.INVALID_DATE,
            _("The date of issue cannot be in the future."),
            {"issued_on": _("Invalid value.")},
        )
    return issued_on


@transaction.atomic
def bulletin_issue_annual(
    *, run: AssessmentRun, actor: User, issued_on: date | None = None, text: str = ""
) -> Bulletin:
    """The yearly 通报 of a final run: numbered, generated as Word, published to the units."""
    from .documents import annual_bulletin_docx

    _require_city(actor)
    today = timezone.localdate()
    run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    if run.status != AssessmentRun.Status.FINAL:
        raise AssessmentConflict(
            AssessmentErrorCode.RUN_NOT_FINAL,
            _("The yearly bulletin is issued once the result is final."),
        )
    if Bulletin.objects.filter(run=run, kind=Bulletin.Kind.ANNUAL).exists():
        raise AssessmentConflict(
            AssessmentErrorCode.BULLETIN_EXISTS,
            _("The %(year)s bulletin has already been issued.") % {"year": run.year},
        )
    issued_on = _issued_on(issued_on, today)
    with translation.override(DOCUMENT_LANGUAGE):
        title = _(
            "Bulletin on the %(year)s cultivation and development of SRDI SMEs in the counties, "
            "districts and development zones"
        ) % {"year": run.year}
    number = document_number_issue(issuer=ISSUER, year=issued_on.year, purpose=title, actor=actor)
    bulletin = Bulletin(
        kind=Bulletin.Kind.ANNUAL,
        run=run,
        year=run.year,
        number=number.text,
        title=title,
        text=(text or "").strip()[:TEXT_MAX],
        issued_on=issued_on,
        issued_by=actor,
    )
    bulletin.document = annual_bulletin_docx(bulletin)
    bulletin.save()
    _published(bulletin, actor)
    return bulletin


@transaction.atomic
def bulletin_issue_supervision(
    *,
    year: int,
    unit_ids: list[int],
    title: str,
    text: str,
    actor: User,
    issued_on: date | None = None,
) -> Bulletin:
    """An ad-hoc 督查通报 naming the units that fail to carry out the policy (三(五))."""
    from .documents import supervision_bulletin_docx

    _require_city(actor)
    today = timezone.localdate()
    if not (FIRST_YEAR <= year <= today.year):
        raise AssessmentError(
            AssessmentErrorCode.INVALID_YEAR,
            _("Choose a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": today.year},
            {"year": _("Invalid value.")},
        )
    title = _reason(title, "title", 200)
    body = _reason(text, "text", TEXT_MAX)
    ids = sorted({int(i) for i in unit_ids})
    units = list(AssessmentUnit.objects.filter(pk__in=ids).order_by("sort_order", "code"))
    if not ids or len(units) != len(ids):
        raise AssessmentError(
            AssessmentErrorCode.UNKNOWN_UNIT,
            _("Name at least one assessment unit from the list."),
            {"units": _("Not in the list")},
        )
    issued_on = _issued_on(issued_on, today)
    number = document_number_issue(issuer=ISSUER, year=issued_on.year, purpose=title, actor=actor)
    bulletin = Bulletin(
        kind=Bulletin.Kind.SUPERVISION,
        year=year,
        number=number.text,
        title=title,
        text=body,
        issued_on=issued_on,
        issued_by=actor,
    )
    bulletin.document = supervision_bulletin_docx(bulletin, units)
    bulletin.save()
    bulletin.units.set(units)
    _published(bulletin, actor)
    return bulletin


def _published(bulletin: Bulletin, actor: User) -> None:
    audit_record(
        actor=actor,
        action="assessment.bulletin.issue",
        obj=bulletin,
        after={
            "kind": bulletin.kind,
            "number": bulletin.number,
            "year": bulletin.year,
            "units": [u.pk for u in bulletin.units.all()] if bulletin.pk else [],
        },
    )
    notify(
        recipients=_unit_officers(),
        title=gettext_lazy("Bulletin issued: %(number)s %(title)s"),
        params={"number": bulletin.number, "title": bulletin.title},
        url=reverse("assessment:bulletin", args=[bulletin.pk]),
        kind="general",
    )
