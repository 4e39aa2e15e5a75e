"""免申即享 scan: every enterprise in scope against the award programs in force on a date.

Facts are gathered once for all enterprises (one query per source, only the facts the chosen
programs read), converted once per enterprise, decided with the engine's fast path
(`explain=False`), and only the hits are explained and stored, in bulk. One audit event per
run and one per notification step; never one per row.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.scoping import scope_enterprise_qs
from zjtx.core.audit import audit_record
from zjtx.core.errors import Conflict, DomainError, ErrorCode, Forbidden
from zjtx.core.money import format_wan
from zjtx.enterprises.models import Enterprise

from .engine import FactError, Package, PreparedFacts
from .engine.facts import coerce_fact
from .errors import PolicyErrorCode, PolicyEvaluationError
from .facts_from_registry import facts_for_programs, registry_facts
from .models import Notification, PolicyProgram, ScanHit, ScanRun
from .permissions import can_scan
from .selectors import evaluate_checked, packages_for_enterprises

# A program that cannot be computed for one enterprise's facts (or gives an amount beyond the
# money columns) decides nothing for it: counted as insufficient, never failing the scan.
UNDECIDABLE: Any = object()
PROGRESS_EVERY = 500  # enterprises between two progress reports


def _decide(package: Package, prepared: PreparedFacts, as_of: date, explain: bool = False) -> Any:
    try:
        return evaluate_checked(package, prepared, as_of, explain=explain)
    except PolicyEvaluationError:
        return UNDECIDABLE


def scan_programs(*, as_of: date, program_ids: Sequence[str] | None = None) -> list[Package]:
    """The packages a scan evaluates: the named ones, or every award program in force."""
    packages = packages_for_enterprises()
    if program_ids:
        unknown = [
            pid for pid in program_ids if pid not in packages or packages[pid].kind == "parameters"
        ]
        if unknown:
            raise DomainError(
                PolicyErrorCode.UNKNOWN_PROGRAM,
                _("Unknown policy program."),
                {"programs": ", ".join(unknown)},
            )
        chosen = [packages[pid] for pid in dict.fromkeys(program_ids)]
    else:
        chosen = [p for p in packages.values() if p.kind == "award"]
    return [p for p in chosen if p.in_force(as_of)]


def scan_enterprises(user: Any) -> QuerySet[Enterprise]:
    return scope_enterprise_qs(Enterprise.objects.filter(status=Enterprise.Status.VERIFIED), user)


def scan_run(
    *,
    actor: Any,
    as_of: date,
    program_ids: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScanRun:
    """Run a 免申即享 scan over the actor's jurisdiction and store the likely-eligible hits.

    `progress(done, total)` is told how many enterprises were decided (the background job's
    progress bar, zjtx/policy/jobs.py)."""
    if not can_scan(actor):
        raise Forbidden(ErrorCode.FORBIDDEN, _("Only a city officer runs policy scans."))
    started = time.perf_counter()
    packages = scan_programs(as_of=as_of, program_ids=program_ids)
    if not packages:
        raise DomainError(
            PolicyErrorCode.NO_PROGRAMS,
            _("No award program is in force on that date."),
            {"as_of": str(as_of)},
        )
    names = facts_for_programs(packages)
    specs = {name: spec for p in packages for name, spec in p.facts.items()}
    sheets = registry_facts(scan_enterprises(actor), as_of=as_of, names=names)
    counts = {"evaluations": 0, "eligible": 0, "insufficient": 0}
    total = Decimal(0)
    hits: list[HitRow] = []
    # evaluate() is a pure function of (package, the facts it reads, as_of): firms with the
    # same values share one decision, so most of the city is decided from a small cache.
    decided: list[dict[tuple[Any, ...], Any]] = [{} for _ in packages]
    explained: list[dict[tuple[Any, ...], Any]] = [{} for _ in packages]
    fact_names = [tuple(p.facts) for p in packages]
    firm_count = len(sheets)
    for done, (enterprise_id, sheet) in enumerate(sheets.items()):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, firm_count)
        try:
            prepared = PreparedFacts(
                (name, coerce_fact(specs[name], value)) for name, value in sheet.values.items()
            )
        except FactError:
            counts["insufficient"] += len(packages)  # an unreadable declaration decides nothing
            continue
        get = prepared.get
        for i, package in enumerate(packages):
            key = tuple([get(name) for name in fact_names[i]])
            result = decided[i].get(key)
            if result is None:
                result = decided[i][key] = _decide(package, prepared, as_of)
            counts["evaluations"] += 1
            if result is UNDECIDABLE or result.eligible is None:
                counts["insufficient"] += 1
                continue
            if not result.eligible:
                continue
            counts["eligible"] += 1
            full = explained[i].get(key)
            if full is None:
                explanation = _decide(package, prepared, as_of, explain=True)
                if explanation is UNDECIDABLE:
                    counts["eligible"] -= 1
                    counts["insufficient"] += 1
                    continue
                trace = [step.as_dict() for step in explanation.trace]
                full = explained[i][key] = (explanation.amount_yuan, _dumps(trace))
            amount = full[0]
            if amount is not None:
                total += amount
            values, sources = sheet.values, sheet.sources
            hits.append(
                (
                    enterprise_id,
                    package.id,
                    package.version or 0,
                    amount,
                    _dumps({n: _plain(values[n]) for n in fact_names[i] if n in values}),
                    _dumps({n: sources[n] for n in fact_names[i] if n in sources}),
                    full[1],
                )
            )
    if progress is not None:
        progress(firm_count, firm_count)
    with transaction.atomic():
        run = ScanRun.objects.create(
            as_of=as_of,
            programs=[p.id for p in packages],
            scope_unit_id=actor.unit_id if actor.role == "unit_officer" else None,
            enterprise_count=len(sheets),
            evaluation_count=counts["evaluations"],
            eligible_count=counts["eligible"],
            insufficient_count=counts["insufficient"],
            total_amount_yuan=total,
            started_by=actor,
        )
        _insert_hits(run, hits)
        run.seconds = Decimal(str(round(time.perf_counter() - started, 3)))
        run.save(update_fields=["seconds"])
        audit_record(
            actor=actor,
            action="policy.scan_run",
            obj=run,
            after={
                "as_of": as_of,
                "programs": run.programs,
                "enterprises": run.enterprise_count,
                "eligible": run.eligible_count,
                "insufficient": run.insufficient_count,
                "total_amount_yuan": total,
            },
        )
    return run


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


HitRow = tuple[int, str, int, Decimal | None, str, str, str]


def _insert_hits(run: ScanRun, hits: list[HitRow]) -> None:
    """Store the hits with one executemany: the fastest bulk path on SQLite and PostgreSQL
    alike (bulk_create spends longer compiling thousands of JSON rows than inserting them)."""
    if not hits:
        return
    connection = connections[ScanHit.objects.db]
    ops = connection.ops
    table = ops.quote_name(ScanHit._meta.db_table)
    columns = ["run_id", "enterprise_id", "program_id", "version", "amount_yuan", "facts"]
    columns += ["sources", "trace"]
    names = ", ".join(ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    adapt = ops.adapt_decimalfield_value
    rows = [(run.pk, e, p, v, adapt(a, 18, 2), f, src, t) for e, p, v, a, f, src, t in hits]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def scan_get(*, user: Any, pk: int) -> ScanRun:
    if not can_scan(user):
        raise Http404
    run = ScanRun.objects.filter(pk=pk, started_by__isnull=False).first()
    if run is None:
        raise Http404
    return run


def scan_list_for(*, user: Any) -> QuerySet[ScanRun]:
    if not can_scan(user):
        return ScanRun.objects.none()
    return ScanRun.objects.select_related("started_by").order_by("-started_at", "-id")


def scan_hits(*, run: ScanRun) -> QuerySet[ScanHit]:
    return (
        ScanHit.objects.filter(run=run)
        .select_related("enterprise", "enterprise__unit", "program")
        .order_by("program_id", "-amount_yuan", "enterprise__name")
    )


def scan_notify(*, run: ScanRun, actor: Any) -> int:
    """Tell every likely-eligible enterprise of the run, in one step (once per run)."""
    if not can_scan(actor):
        raise Forbidden(ErrorCode.FORBIDDEN, _("Only a city officer runs policy scans."))
    with transaction.atomic():
        run = ScanRun.objects.select_for_update().get(pk=run.pk)
        if run.status == ScanRun.Status.NOTIFIED:
            raise Conflict(
                PolicyErrorCode.ALREADY_NOTIFIED,
                _("The enterprises of this scan were already notified."),
            )
        titles = dict(PolicyProgram.objects.values_list("id", "title"))
        notes = []
        for hit in ScanHit.objects.filter(run=run).only(
            "id", "enterprise_id", "program_id", "amount_yuan"
        ):
            title = titles.get(hit.program_id, hit.program_id)
            body = (
                _(
                    "Estimated amount: %(amount)s 10k yuan. Check the details in the policy calculator."
                )
                % {"amount": format_wan(hit.amount_yuan)}
                if hit.amount_yuan is not None
                else _("Check the details in the policy calculator.")
            )
            notes.append(
                Notification(
                    enterprise_id=hit.enterprise_id,
                    program_id=hit.program_id,
                    scan_hit_id=hit.pk,
                    title=_("You may qualify for %(program)s") % {"program": title},
                    body=body,
                    amount_yuan=hit.amount_yuan,
                )
            )
        Notification.objects.bulk_create(notes, batch_size=2000)
        run.status = ScanRun.Status.NOTIFIED
        run.notified_at = timezone.now()
        run.notified_count = len({n.enterprise_id for n in notes})
        run.save(update_fields=["status", "notified_at", "notified_count"])
        audit_record(
            actor=actor,
            action="policy.scan_notify",
            obj=run,
            after={"notifications": len(notes), "enterprises": run.notified_count},
        )
    return len(notes)


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    """An enterprise user's own notifications (nobody else's)."""
    if not getattr(user, "is_authenticated", False) or user.role != "enterprise":
        return Notification.objects.none()
    return Notification.objects.filter(enterprise_id=user.enterprise_id).select_related("program")
