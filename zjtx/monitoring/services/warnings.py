"""Early warnings: evaluate the dated rules for a period; close follow-up tasks with a note."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.audit import audit_record, to_jsonable
from zjtx.core.workflow import run

from ..models import (
    LEVEL_ORDER,
    Indicator,
    Level,
    MonitoringValue,
    MonitoringWarning,
    ReportingPeriod,
    WarningRule,
)
from ..workflow import WARNING
from .periods import PeriodRef, month_end

if TYPE_CHECKING:
    from zjtx.accounts.models import User


THRESHOLDS_PROGRAM = "wuhu.monitoring_warnings"
# The package's table keys are the level names officials type when they change a threshold.
LEVEL_KEYS = {"yellow": "黄色", "orange": "橙色", "red": "红色"}


def thresholds_package() -> Any:
    """The policy engine's dated threshold set (policies/wuhu.monitoring_warnings.yaml), or
    None before `load_policies` has run."""
    from zjtx.policy.models import PolicyProgram
    from zjtx.policy.selectors import package_for

    program = (
        PolicyProgram.objects.select_related("current_version")
        .filter(pk=THRESHOLDS_PROGRAM)
        .first()
    )
    if program is None or program.current_version is None:
        return None
    return package_for(version=program.current_version)


def _levels_on(package: Any, code: str, day: date) -> tuple[Any, dict[str, Decimal]] | None:
    parameter = package.parameters.get(code)
    current = parameter.at(day) if parameter is not None else None
    if current is None:
        return None
    return current, {k: Decimal(str(current.value[key])) for k, key in LEVEL_KEYS.items()}


def rules_from_package(package: Any, day: date) -> dict[str, WarningRule]:
    """Unsaved rules with the package's thresholds on `day` (for a what-if; nothing written)."""
    rules = {}
    for code in WarningRule.Code.values:
        found = _levels_on(package, code, day)
        if found is not None:
            current, levels = found
            rules[code] = WarningRule(code=code, valid_from=current.effective_from, **levels)
    return rules


def _snapshot(package: Any, code: str, day: date) -> WarningRule | None:
    """The thresholds of `code` in force on `day`, as a WarningRule row that warnings point to
    (one row per distinct dated value, so a warning keeps the exact thresholds it used)."""
    found = _levels_on(package, code, day)
    if found is None:
        return None
    current, levels = found
    rule = (
        WarningRule.objects.filter(
            code=code,
            valid_from=current.effective_from,
            source__startswith=f"{package.clause}《{package.title}》",
            **levels,
        )
        .order_by("pk")
        .first()
    )
    if rule is None:
        rule = WarningRule.objects.create(
            code=code,
            valid_from=current.effective_from,
            source=(f"{package.clause}《{package.title}》第{package.version}版：{current.source}")[
                :255
            ],
            **levels,
        )
    return rule


def thresholds_on(day: date) -> tuple[list[WarningRule], str]:
    """Read-only: the thresholds that apply on `day` (unsaved rules, in rule order) and where
    they come from, for the warnings page."""
    package = thresholds_package()
    if package is None:
        rules = rules_in_force(day)
        return [rules[c] for c in WarningRule.Code.values if c in rules], ""
    found = rules_from_package(package, day)
    source = f"{package.title}（{package.clause}）"
    return [found[c] for c in WarningRule.Code.values if c in found], source


def rules_in_force(day: date) -> dict[str, WarningRule]:
    """The thresholds of every rule on `day`: from the policy engine's dated parameters; the
    defaults stored by the migrations only until the policy packages are loaded."""
    package = thresholds_package()
    if package is not None:
        found = {code: _snapshot(package, code, day) for code in WarningRule.Code.values}
        return {code: rule for code, rule in found.items() if rule is not None}
    rules: dict[str, WarningRule] = {}
    for rule in WarningRule.objects.filter(active=True, valid_from__lte=day).order_by("valid_from"):
        if rule.valid_to is None or rule.valid_to >= day:
            rules[rule.code] = rule  # the latest rule in force wins
    return rules


def _previous_codes(ref: PeriodRef, count: int) -> list[str]:
    codes = []
    year, month = ref.year, ref.month
    for _i in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        codes.append(f"{year:04d}-{month:02d}")
    return codes


Findings = dict[tuple[int, str], tuple[WarningRule, Any]]


def findings_for(
    period: ReportingPeriod, rules: dict[str, WarningRule]
) -> tuple[Findings, dict[int, int]]:
    """What the rules find for every verified enterprise in `period`, without writing:
    {(enterprise id, rule code): (rule, finding)} and {enterprise id: unit id}."""
    from zjtx.enterprises.models import Enterprise

    from .. import warning_rules as rules_mod

    ref = PeriodRef(period.year, period.month)
    indicators = {i.code: i for i in Indicator.objects.all()}
    wanted = ["operating_revenue", "electricity", "employees", "total_liabilities", "total_assets"]
    ids = {indicators[c].pk: c for c in wanted if c in indicators}

    def figures(p: ReportingPeriod | None) -> dict[tuple[int, str], Decimal]:
        if p is None:
            return {}
        rows = MonitoringValue.objects.filter(period=p, indicator_id__in=list(ids)).values_list(
            "enterprise_id", "indicator_id", "value"
        )
        return {(e, ids[i]): v for e, i, v in rows if v is not None}

    last_year = ReportingPeriod.objects.filter(code=f"{ref.year - 1:04d}-{ref.month:02d}").first()
    now_figs, old_figs = figures(period), figures(last_year)
    firms = dict(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED).values_list("id", "unit_id")
    )
    # Keyed by rule code, not row: a warning raised under earlier thresholds is updated (or
    # withdrawn) when the thresholds in force for the period change.
    findings: Findings = {}

    def add(e: int, rule: WarningRule, found: Any) -> None:
        if found is not None and e in firms:
            findings[(e, rule.code)] = (rule, found)

    revenue, power, debt = (rules.get(c) for c in ("revenue_yoy", "electricity_yoy", "debt_ratio"))
    for e in {e for e, _c in now_figs}:
        if revenue and "operating_revenue" in indicators:
            ind = indicators["operating_revenue"]
            add(
                e,
                revenue,
                rules_mod.yoy_drop(
                    revenue,
                    now_figs.get((e, ind.code)),
                    old_figs.get((e, ind.code)),
                    money=True,
                    name=ind.name,
                    unit=ind.unit,
                ),
            )
        if power and "electricity" in indicators:
            ind = indicators["electricity"]
            add(
                e,
                power,
                rules_mod.yoy_drop(
                    power,
                    now_figs.get((e, ind.code)),
                    old_figs.get((e, ind.code)),
                    money=False,
                    name=ind.name,
                    unit=ind.unit,
                ),
            )
        if debt:
            add(
                e,
                debt,
                rules_mod.debt_ratio(
                    debt, now_figs.get((e, "total_liabilities")), now_figs.get((e, "total_assets"))
                ),
            )
    headcount = rules.get("headcount_yoy")
    if headcount and "employees" in indicators:
        ind = indicators["employees"]
        for e in {e for e, c in now_figs if c == "employees"}:
            add(
                e,
                headcount,
                rules_mod.yoy_drop(
                    headcount,
                    now_figs.get((e, "employees")),
                    old_figs.get((e, "employees")),
                    money=False,
                    name=ind.name,
                    unit=ind.unit,
                ),
            )
    decline, outlier = rules.get("revenue_decline"), rules.get("revenue_outlier")
    if (decline or outlier) and "operating_revenue" in indicators:
        ind = indicators["operating_revenue"]
        earlier_codes = _previous_codes(ref, 12)  # newest first
        series: dict[int, dict[str, Decimal]] = {}
        for code, e, value in MonitoringValue.objects.filter(
            period__code__in=earlier_codes, indicator=ind, value__isnull=False
        ).values_list("period__code", "enterprise_id", "value"):
            if value is not None:
                series.setdefault(e, {})[code] = value
        for e in {e for e, c in now_figs if c == "operating_revenue"}:
            current = now_figs[(e, "operating_revenue")]
            past = series.get(e, {})
            if decline:
                months = [past.get(c) for c in reversed(earlier_codes[:6])] + [current]
                add(e, decline, rules_mod.decline_streak(decline, months, ind.name))
            if outlier:
                history = [past[c] for c in reversed(earlier_codes) if c in past]
                add(e, outlier, rules_mod.outlier(outlier, current, history, ind.name))
    missing = rules.get("missing_report")
    if missing and timezone.localdate() > period.due_date:
        reported_by_period: list[set[int]] = []
        earlier = {
            p.code: p for p in ReportingPeriod.objects.filter(code__in=_previous_codes(ref, 2))
        }
        for p in [period, *(earlier.get(c) for c in _previous_codes(ref, 2))]:
            if p is None:
                break
            reported_by_period.append(
                set(
                    MonitoringValue.objects.filter(period=p)
                    .values_list("enterprise_id", flat=True)
                    .distinct()
                )
            )
        for e in firms:
            streak = 0
            for reported in reported_by_period:
                if e in reported:
                    break
                streak += 1
            if streak:
                add(
                    e,
                    missing,
                    rules_mod.missing_report(
                        missing, streak, period.code, period.due_date.isoformat()
                    ),
                )
    expiry, rd_low = rules.get("cert_expiry"), rules.get("rd_ratio_low")
    if expiry or rd_low:
        from zjtx.certification.selectors import certified_expiring_all
        from zjtx.enterprises.models import AnnualFinancial

        on = month_end(ref.year, ref.month)
        window = int(expiry.yellow) if expiry else 0
        # R&D is checked for certificates due for re-review within a year.
        certified = certified_expiring_all(on=on, within_days=max(window, 366))
        for e, valid_until, number in certified:
            days_left = (valid_until - on).days
            if expiry and days_left <= window:
                add(e, expiry, rules_mod.cert_expiry(expiry, days_left, str(valid_until), number))
        if rd_low and certified:
            latest = {}
            for fin in AnnualFinancial.objects.filter(
                enterprise_id__in=[c[0] for c in certified], year__lt=ref.year + 1
            ).order_by("enterprise_id", "year"):
                latest[fin.enterprise_id] = fin
            for e, fin in latest.items():
                add(
                    e,
                    rd_low,
                    rules_mod.rd_ratio_low(rd_low, fin.rd_expense, fin.operating_revenue, fin.year),
                )
    return findings, firms


def warnings_run(*, actor: User | None, period: ReportingPeriod) -> dict[str, int]:
    """Evaluate the early-warning rules for every verified enterprise (issue 5 §5).

    Thresholds are those in force at the end of the period. Re-running is safe: open warnings
    are updated or withdrawn when the figures or thresholds changed; warnings whose follow-up
    was closed stay as they were.
    """
    if not period.is_monthly:
        # The rules read monthly figures; quarterly and annual forms raise none.
        return {"created": 0, "updated": 0, "withdrawn": 0, "total": 0}
    rules = rules_in_force(month_end(period.year, period.month))
    findings, firms = findings_for(period, rules)
    evaluated = set(rules)
    created = updated = withdrawn = 0
    with transaction.atomic():
        existing = {
            (w.enterprise_id, w.rule.code): w
            for w in MonitoringWarning.objects.filter(
                period=period, rule__code__in=evaluated
            ).select_related("rule")
        }
        new, changed = [], []
        reopened: list[tuple[MonitoringWarning, Any, Any, Any]] = []
        for (e, code), (rule, found) in findings.items():
            facts = to_jsonable(found.facts)
            warning = existing.get((e, code))
            if warning is None:
                new.append(
                    MonitoringWarning(
                        enterprise_id=e,
                        unit_id=firms[e],
                        period=period,
                        rule=rule,
                        level=found.level,
                        explanation=found.explanation,
                        facts=facts,
                    )
                )
            elif warning.status == MonitoringWarning.Status.WITHDRAWN:
                reopened.append((warning, rule, found, facts))
            elif warning.status == MonitoringWarning.Status.OPEN and (
                warning.level != found.level
                or warning.explanation != found.explanation
                or warning.rule_id != rule.pk
            ):
                warning.level, warning.explanation, warning.facts, warning.rule = (
                    found.level,
                    found.explanation,
                    facts,
                    rule,
                )
                changed.append(warning)
        MonitoringWarning.objects.bulk_create(new, batch_size=1000)
        MonitoringWarning.objects.bulk_update(
            changed, ["level", "explanation", "facts", "rule", "updated_at"]
        )
        gone = [
            w
            for key, w in existing.items()
            if key not in findings and w.status == MonitoringWarning.Status.OPEN
        ]
        # Withdrawn and reopened warnings move on the engine, as the city (a scheduled run
        # has no role of its own), each with its audit event; nothing is deleted.
        for warning in gone:
            run(WARNING, warning, "withdraw", actor=actor, role=Role.CITY_OFFICER)  # type: ignore[arg-type]  # None: a scheduled run, audited as the system
        for warning, rule, found, facts in reopened:
            warning.level, warning.explanation, warning.facts, warning.rule = (
                found.level,
                found.explanation,
                facts,
                rule,
            )
            warning.save(update_fields=["level", "explanation", "facts", "rule", "updated_at"])
            run(WARNING, warning, "reopen", actor=actor, role=Role.CITY_OFFICER)  # type: ignore[arg-type]  # None: a scheduled run, audited as the system
        created, updated, withdrawn = len(new), len(changed), len(gone)
        result = {
            "created": created,
            "updated": updated,
            "withdrawn": withdrawn,
            "reopened": len(reopened),
            "total": len(findings),
        }
        audit_record(actor=actor, action="monitoring.warnings.run", obj=period, after=result)
    return result


def warning_close(*, actor: User, warning: MonitoringWarning, note: str) -> MonitoringWarning:
    """The unit officer (or the city) closes the follow-up task with a written note."""
    closed: MonitoringWarning = run(WARNING, warning, "close", actor=actor, reason=note)
    return closed


WHATIF_LIST_LIMIT = 100


def thresholds_whatif(old: Any, new: Any, as_of: date) -> dict[str, Any]:
    """How many early warnings the proposed thresholds would raise on the latest month with
    data (for the policy governance page; nothing is written)."""
    from zjtx.enterprises.models import Enterprise

    from ..models import UnitPeriodStat

    level_label = dict(Level.choices)
    result: dict[str, Any] = {
        "kind": "counts",
        "as_of": as_of.isoformat(),
        "metrics": [],
        "up_title": _("Enterprises warned more"),
        "down_title": _("Enterprises warned less"),
        "up": [],
        "down": [],
    }
    reported = UnitPeriodStat.objects.filter(enterprises_reported__gt=0).values("period_id")
    period = next(
        (
            p
            for p in ReportingPeriod.objects.filter(
                pk__in=reported, frequency=Indicator.Frequency.MONTHLY
            ).order_by("-code")
            if month_end(p.year, p.month) <= as_of
        ),
        None,
    )
    if period is None:
        result["basis"] = _("No monthly data is loaded yet, so there is nothing to measure.")
        return result
    day = month_end(period.year, period.month)
    before, _firms = findings_for(period, rules_from_package(old, day))
    after, _firms = findings_for(period, rules_from_package(new, day))

    def count(found: Findings, level: str | None = None) -> int:
        return sum(1 for _r, f in found.values() if level is None or f.level == level)

    result["metrics"] = [
        {"label": _("Warnings"), "before": count(before), "after": count(after)},
        *(
            {"label": str(level_label[lv]), "before": count(before, lv), "after": count(after, lv)}
            for lv in (Level.RED, Level.ORANGE, Level.YELLOW)
        ),
    ]
    result["basis"] = _(
        "Measured on the figures of %(period)s (the latest month with data on %(date)s), with "
        "the new thresholds treated as already in force."
    ) % {"period": period.label, "date": as_of.isoformat()}
    rule_label = dict(WarningRule.Code.choices)
    names = {0: _("none")} | {LEVEL_ORDER[lv]: str(level_label[lv]) for lv in LEVEL_ORDER}
    moved: dict[str, list[tuple[int, str, int]]] = {"up": [], "down": []}
    for key in sorted(set(before) | set(after)):
        was = LEVEL_ORDER.get(before[key][1].level, 0) if key in before else 0
        now = LEVEL_ORDER.get(after[key][1].level, 0) if key in after else 0
        if was == now:
            continue
        detail = f"{rule_label.get(key[1], key[1])}：{names[was]} → {names[now]}"
        moved["up" if now > was else "down"].append((key[0], str(detail), now - was))
    firm_names = dict(
        Enterprise.objects.filter(
            pk__in=[e for rows in moved.values() for e, _d, _n in rows[:WHATIF_LIST_LIMIT]]
        ).values_list("pk", "name")
    )
    for side, rows in moved.items():
        result[side] = [
            {"id": e, "name": firm_names.get(e, str(e)), "detail": d}
            for e, d, _n in rows[:WHATIF_LIST_LIMIT]
        ]
        result[f"{side}_count"] = len(rows)
    return result
