"""The assessment run and objection workflows as data, run by the one engine (core/workflow.py).

A run is computed as a draft; the city publishes it to the units, which opens an objection window
of N working days (the scheme's `objection_days`, counted from the next working day); after the
window has closed and every objection is decided the city makes it final. An objection is
accepted (a recorded adjustment that changes the result) or rejected, each with a written reason.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.workdays import period_end
from zjtx.core.workflow import GuardFailure, Step, Transition, Workflow

from .models import Adjustment, AssessmentRun, Objection, UnitScore
from .ranking import ranks_refresh, score_refresh

if TYPE_CHECKING:
    from zjtx.accounts.models import User


R = AssessmentRun.Status
O = Objection.Status  # noqa: E741
CITY = frozenset({Role.CITY_OFFICER})
MAX_ADJUSTMENT = Decimal(100)


def window_end(published_on: Any, days: int) -> Any:
    """The last day on which a unit may object: `days` working days after publication."""
    return period_end(published_on + timedelta(days=1), days)


# ------------------------------------------------------------------ run


def window_closed(step: Step) -> GuardFailure | None:
    run = step.obj
    if run.window_ends_on is not None and step.today <= run.window_ends_on:
        return GuardFailure(
            "window_open",
            _("Units may still object until %(day)s; the result becomes final after that.")
            % {"day": run.window_ends_on.isoformat()},
        )
    return None


def no_pending_objection(step: Step) -> GuardFailure | None:
    if Objection.objects.filter(run=step.obj, status=O.PENDING).exists():
        return GuardFailure(
            "objection_pending", _("Decide every objection before the result becomes final.")
        )
    return None


def stamp_publish(step: Step) -> None:
    run = step.obj
    run.published_on = step.today
    run.window_ends_on = window_end(step.today, run.objection_days)
    ranks_refresh(run)
    step.details["window_ends_on"] = run.window_ends_on


def stamp_final(step: Step) -> None:
    run = step.obj
    run.finalized_on = step.today
    ranks_refresh(run)


def keep_reason(step: Step) -> None:
    if step.reason:
        step.obj.last_reason = step.reason[:500]


def notify_units(step: Step) -> None:
    """Units hear when the result is published (objections open) and when it is final."""
    from zjtx.accounts.models import User
    from zjtx.core.notifications import notify

    run = step.obj
    url = reverse("assessment:run", args=[run.pk])
    if step.action == "publish":
        title = _("The %(year)s assessment result is published: objections until %(day)s.")
        params = {"year": run.year, "day": run.window_ends_on.isoformat()}
    elif step.action == "finalize":
        title = _("The %(year)s assessment result is final.")
        params = {"year": run.year}
    else:
        return
    notify(
        recipients=User.objects.filter(role=Role.UNIT_OFFICER, is_active=True),
        title=title,
        params=params,
        url=url,
        kind="general",
    )


def run_in_scope(actor: User, run: AssessmentRun) -> bool:
    return getattr(actor, "role", "") == Role.CITY_OFFICER


RUN = Workflow(
    name="assessment.run",
    model=AssessmentRun,
    states=dict(R.choices),
    transitions={
        "publish": Transition(
            frozenset({R.DRAFT}),
            R.PUBLISHED,
            CITY,
            _("Publish to the units (objection window opens)"),
            effects=(stamp_publish, keep_reason),
        ),
        "finalize": Transition(
            frozenset({R.PUBLISHED}),
            R.FINAL,
            CITY,
            _("Make the result final"),
            guards=(window_closed, no_pending_objection),
            effects=(stamp_final, keep_reason),
            style="success",
        ),
    },
    waiting_for={R.DRAFT: Role.CITY_OFFICER, R.PUBLISHED: Role.UNIT_OFFICER},
    in_scope=run_in_scope,
    notify=notify_units,
    audited_fields=("published_on", "window_ends_on", "finalized_on"),
)


# ------------------------------------------------------------------ objection


def parse_points(raw: Any) -> Decimal | None:
    """Signed points with at most 2 decimals, not zero, within ±100; None when invalid."""
    if isinstance(raw, float) or isinstance(raw, bool):
        raw = str(raw)
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value == 0 or abs(value) > MAX_ADJUSTMENT:
        return None
    if value != value.quantize(Decimal("0.01")):
        return None
    return value.quantize(Decimal("0.01"))


def points_given(step: Step) -> GuardFailure | None:
    if step.action != "accept":
        return None
    if parse_points(step.data.get("points")) is None:
        return GuardFailure(
            "invalid_points",
            _("Give the points the accepted objection changes (not 0, at most ±100, 2 decimals)."),
            {"points": _("Invalid value.")},
        )
    return None


def run_not_final(step: Step) -> GuardFailure | None:
    if step.obj.run.status == R.FINAL:
        return GuardFailure("run_final", _("The result is already final."))
    return None


def stamp_decision(step: Step) -> None:
    objection = step.obj
    objection.decision = step.reason[:500]
    objection.decided_by = step.actor
    objection.decided_on = step.today


def record_adjustment(step: Step) -> None:
    """An accepted objection changes the result through a recorded adjustment."""
    objection = step.obj
    points = parse_points(step.data.get("points"))
    assert points is not None
    score = UnitScore.objects.select_for_update().get(run=objection.run, unit=objection.unit)
    adjustment = Adjustment.objects.create(
        score=score,
        indicator=objection.indicator,
        points=points,
        reason=step.reason[:500],
        source=Adjustment.Source.OBJECTION,
        objection=objection,
        created_by=step.actor,
    )
    score_refresh(score)
    ranks_refresh(objection.run)
    step.details.update({"adjustment": adjustment.pk, "points": points, "score": score.score})


def notify_unit(step: Step) -> None:
    from zjtx.accounts.models import User
    from zjtx.core.notifications import notify

    objection = step.obj
    title = (
        _("Your objection to the %(year)s assessment was accepted.")
        if step.action == "accept"
        else _("Your objection to the %(year)s assessment was rejected.")
    )
    notify(
        recipients=User.objects.filter(
            role=Role.UNIT_OFFICER, unit_id=objection.unit_id, is_active=True
        ),
        title=title,
        params={"year": objection.run.year},
        body=step.reason,
        url=reverse("assessment:unit", args=[objection.run_id, objection.unit_id]),
        kind="general",
    )


OBJECTION = Workflow(
    name="assessment.objection",
    model=Objection,
    states=dict(O.choices),
    transitions={
        "accept": Transition(
            frozenset({O.PENDING}),
            O.ACCEPTED,
            CITY,
            _("Accept (adjust the score)"),
            needs_reason=True,
            guards=(run_not_final, points_given),
            effects=(stamp_decision, record_adjustment),
            style="success",
        ),
        "reject": Transition(
            frozenset({O.PENDING}),
            O.REJECTED,
            CITY,
            _("Reject"),
            needs_reason=True,
            guards=(run_not_final,),
            effects=(stamp_decision,),
            style="outline-danger",
        ),
    },
    waiting_for={O.PENDING: Role.CITY_OFFICER},
    in_scope=lambda actor, obj: getattr(actor, "role", "") == Role.CITY_OFFICER,
    notify=notify_unit,
    audited_fields=("decision",),
)
