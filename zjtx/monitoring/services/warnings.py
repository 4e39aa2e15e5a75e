"""Early warnings: evaluate the dated rules for a period; close follow-up tasks with a note."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.audit import audit_record, to_jsonable

from ..errors import MonitoringConflict, MonitoringError, MonitoringNotFound
from ..models import Indicator, MonitoringValue, MonitoringWarning, ReportingPeriod, WarningRule
from .periods import PeriodRef, month_end


def _rules_for(day: date) -> dict[str, WarningRule]:
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


def warnings_run(*, actor: Any, period: ReportingPeriod) -> dict[str, int]:
    """Evaluate the early-warning rules for every verified enterprise (issue 5 §5).

    Re-running is safe: open warnings are updated or withdrawn when the figures changed;
    warnings whose follow-up was closed stay as they were.
    """
    from zjtx.enterprises.models import Enterprise

    from .. import warning_rules as rules_mod

    ref = PeriodRef(period.year, period.month)
    rules = _rules_for(month_end(ref.year, ref.month))
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
    findings: dict[tuple[int, int], Any] = {}

    def add(e: int, rule: WarningRule, found: Any) -> None:
        if found is not None and e in firms:
            findings[(e, rule.pk)] = found

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
    evaluated = {r.pk for r in rules.values()}
    created = updated = withdrawn = 0
    with transaction.atomic():
        existing = {
            (w.enterprise_id, w.rule_id): w
            for w in MonitoringWarning.objects.filter(period=period, rule_id__in=evaluated)
        }
        new, changed = [], []
        for (e, rule_id), found in findings.items():
            facts = to_jsonable(found.facts)
            warning = existing.get((e, rule_id))
            if warning is None:
                new.append(
                    MonitoringWarning(
                        enterprise_id=e,
                        unit_id=firms[e],
                        period=period,
                        rule_id=rule_id,
                        level=found.level,
                        explanation=found.explanation,
                        facts=facts,
                    )
                )
            elif warning.status == MonitoringWarning.Status.OPEN and (
                warning.level != found.level or warning.explanation != found.explanation
            ):
                warning.level, warning.explanation, warning.facts = (
                    found.level,
                    found.explanation,
                    facts,
                )
                changed.append(warning)
        MonitoringWarning.objects.bulk_create(new, batch_size=1000)
        MonitoringWarning.objects.bulk_update(
            changed, ["level", "explanation", "facts", "updated_at"]
        )
        gone = [
            w.pk
            for key, w in existing.items()
            if key not in findings and w.status == MonitoringWarning.Status.OPEN
        ]
        MonitoringWarning.objects.filter(pk__in=gone).delete()
        created, updated, withdrawn = len(new), len(changed), len(gone)
        result = {
            "created": created,
            "updated": updated,
            "withdrawn": withdrawn,
            "total": len(findings),
        }
        audit_record(actor=actor, action="monitoring.warnings.run", obj=period, after=result)
    return result


def warning_close(*, actor: Any, warning: MonitoringWarning, note: str) -> MonitoringWarning:
    """The unit officer (or the city) closes the follow-up task with a written note."""
    if not (
        actor.has_role(Role.CITY_OFFICER)
        or (actor.has_role(Role.UNIT_OFFICER) and actor.unit_id == warning.unit_id)
    ):
        raise MonitoringNotFound("not_found", _("Not found."))
    note = (note or "").strip()
    if len(note) < 4:
        raise MonitoringError(
            "note_required",
            _("Write what was done about this warning (at least 4 characters)."),
            {"note": _("This field is required.")},
        )
    if warning.status == MonitoringWarning.Status.CLOSED:
        raise MonitoringConflict("already_closed", _("This follow-up task is already closed."))
    with transaction.atomic():
        warning.status = MonitoringWarning.Status.CLOSED
        warning.note = note[:2000]
        warning.closed_by = actor
        warning.closed_at = timezone.now()
        warning.save(update_fields=["status", "note", "closed_by", "closed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="monitoring.warning.close",
            obj=warning,
            before={"status": "open"},
            after={"status": "closed", "note": warning.note},
        )
    return warning
