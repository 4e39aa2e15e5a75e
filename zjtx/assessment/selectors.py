"""Assessment reads, scoped: the city sees every unit's detail; a unit officer sees published
runs, the ranking, and only its own unit's trace, objections and adjustments (others: 404)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.errors import ErrorCode, NotFound

from .models import Adjustment, AssessmentRun, Bulletin, Objection, UnitScore
from .scheme import MEASURES

if TYPE_CHECKING:
    from zjtx.accounts.models import User


OFFICERS = (Role.CITY_OFFICER, Role.UNIT_OFFICER)
VISIBLE_TO_UNITS = (AssessmentRun.Status.PUBLISHED, AssessmentRun.Status.FINAL)


def _role(user: User) -> str:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ""
    return str(getattr(user, "role", ""))


def _not_found() -> NotFound:
    return NotFound(ErrorCode.NOT_FOUND, _("Not found."))


def is_city(user: User) -> bool:
    return _role(user) == Role.CITY_OFFICER


def run_list_for(*, user: User) -> QuerySet[AssessmentRun]:
    role = _role(user)
    if role == Role.CITY_OFFICER:
        return AssessmentRun.objects.order_by("-year")
    if role == Role.UNIT_OFFICER:
        return AssessmentRun.objects.filter(status__in=VISIBLE_TO_UNITS).order_by("-year")
    return AssessmentRun.objects.none()


def run_get(*, pk: int, user: User) -> AssessmentRun:
    run = run_list_for(user=user).filter(pk=pk).first()
    if run is None:
        raise _not_found()
    return run


def ranking(run: AssessmentRun) -> list[UnitScore]:
    """Every unit's score and rank (published to the units once the run is published)."""
    return list(
        UnitScore.objects.filter(run=run)
        .select_related("unit")
        .order_by("rank", "unit__sort_order", "unit__code")
    )


def score_get(*, run: AssessmentRun, unit_id: int, user: User) -> UnitScore:
    """One unit's score detail (trace, adjustments): the city, or that unit's own officer."""
    role = _role(user)
    if role == Role.UNIT_OFFICER and user.unit_id != unit_id:
        raise _not_found()
    if role not in OFFICERS:
        raise _not_found()
    score = UnitScore.objects.filter(run=run, unit_id=unit_id).select_related("unit").first()
    if score is None:
        raise _not_found()
    return score


def adjustments_of(score: UnitScore) -> list[Adjustment]:
    """The score's adjustments, each with `indicator_title` (the indicator's name, or "")."""
    titles = {e["indicator"]: e["title"] for e in score.trace}
    rows = list(score.adjustments.select_related("created_by", "objection").order_by("id"))
    for row in rows:
        row.indicator_title = titles.get(row.indicator, "")  # type: ignore[attr-defined]
    return rows


def objection_list_for(*, run: AssessmentRun, user: User) -> QuerySet[Objection]:
    qs = Objection.objects.filter(run=run).select_related("unit", "filed_by", "decided_by")
    role = _role(user)
    if role == Role.CITY_OFFICER:
        return qs.order_by("status", "filed_on", "id")
    if role == Role.UNIT_OFFICER:
        return qs.filter(unit_id=user.unit_id).order_by("-filed_on", "-id")
    return qs.none()


def objection_get(*, pk: int, user: User) -> Objection:
    found = Objection.objects.filter(pk=pk).select_related("run", "unit").first()
    if found is None:
        raise _not_found()
    role = _role(user)
    if role == Role.CITY_OFFICER:
        return found
    if role == Role.UNIT_OFFICER and found.unit_id == user.unit_id and found.run.status != "draft":
        return found
    raise _not_found()


def objections_pending_all() -> QuerySet[Objection]:
    return Objection.objects.filter(status=Objection.Status.PENDING).select_related("run", "unit")


def bulletin_list_for(*, user: User) -> QuerySet[Bulletin]:
    if _role(user) in OFFICERS:
        return (
            Bulletin.objects.select_related("run").defer("document").order_by("-issued_on", "-id")
        )
    return Bulletin.objects.none()


def bulletin_get(*, pk: int, user: User) -> Bulletin:
    found = bulletin_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise _not_found()
    return found


def bulletin_document(*, pk: int, user: User) -> tuple[Bulletin, bytes]:
    found = bulletin_get(pk=pk, user=user)
    return found, bytes(Bulletin.objects.values_list("document", flat=True).get(pk=found.pk))


# ------------------------------------------------------------------ reading a trace


@dataclass(frozen=True)
class TraceLine:
    entry: dict[str, Any]
    value: str
    target: str
    records: str
    note: str
    lost: Decimal

    @property
    def points(self) -> str:
        return self.entry["points"] if self.entry["points"] is not None else "0"


def _pct(text: str | None) -> str:
    return "—" if text is None else f"{text}%"


def describe_entry(entry: dict[str, Any]) -> TraceLine:
    """The trace entry in words: what was counted, against which target, and any note."""
    measure = MEASURES.get(entry["indicator"])
    num, den, rate = entry["numerator"], entry["denominator"], entry["rate"]
    if entry["status"] == "insufficient":
        value = _("No data")
    elif entry["indicator"] == "certifications":
        value = _("%(n)s newly certified against a share of %(share)s (%(rate)s)") % {
            "n": num,
            "share": den,
            "rate": _pct(rate),
        }
    elif entry["indicator"] == "pool_growth":
        value = _("%(start)s at the start, %(end)s at the end (growth %(rate)s)") % {
            "start": den,
            "end": num,
            "rate": _pct(rate),
        }
    else:
        value = _("%(done)s of %(total)s (%(rate)s)") % {
            "done": num,
            "total": den,
            "rate": _pct(rate),
        }
    if entry["indicator"] == "certifications":
        target = _("Share of the yearly target: %(n)s") % {"n": den if den is not None else "—"}
    else:
        target = _pct(entry["target"])
    note = ""
    if entry["status"] == "nothing_due":
        note = _("Nothing was due this year: full points.")
    elif entry["status"] == "insufficient":
        note = _(
            "Insufficient data (needs %(facts)s): counted as 0 points until the data exists."
        ) % {"facts": "、".join(entry.get("missing_labels") or entry["missing"])}
    records = (
        f"{entry['records']} {measure.unit}（{measure.source}）" if measure is not None else ""
    )
    weight = Decimal(entry["weight"])
    got = Decimal(entry["points"]) if entry["points"] is not None else Decimal(0)
    return TraceLine(entry, value, target, records, note, weight - got)


def trace_lines(score: UnitScore) -> list[TraceLine]:
    return [describe_entry(e) for e in score.trace]


def highlights_and_shortcomings(score: UnitScore) -> tuple[list[str], list[str]]:
    """From the data: indicators at full points are highlights; those under 60 % of their
    weight (or without data) are shortcomings."""
    good: list[str] = []
    weak: list[str] = []
    for line in trace_lines(score):
        entry = line.entry
        weight = Decimal(entry["weight"])
        if entry["status"] == "nothing_due":
            continue
        if entry["status"] == "insufficient":
            weak.append(_("%(title)s: no data") % {"title": entry["title"]})
        elif line.lost == 0:
            good.append(f"{entry['title']}：{line.value}")
        elif weight and (weight - line.lost) < weight * Decimal("0.6"):
            weak.append(
                _("%(title)s: %(value)s, %(points)s of %(weight)s points")
                % {
                    "title": entry["title"],
                    "value": line.value,
                    "points": line.points,
                    "weight": entry["weight"],
                }
            )
    return good, weak
