"""Candidate run at city scale: 20,000 enterprises × the four tiers' criteria packages.

    .venv/bin/python bench/bench_candidates.py   # var/bench_cultivation.sqlite3 (built if absent)
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_candidates.py

Data: the city data set of seed_demo (20,000 enterprises, 5 years of financials, IP, honours,
and the cultivation demo's tier history: about 30 % hold the innovative tier, 12 % the
municipal one, so the tier prerequisites are known facts). Its own file, so that it never
races another bench's build.

Timed: `zjtx.cultivation.candidates.candidate_run` end to end in an already-started process
(the run row, facts gathered in bulk, tier states, every firm × tier assessed condition by
condition, the candidates' Chinese gap texts rendered, stored in bulk, audited). It runs the
same function the background job runs, without the job queue. Median of 3. Bar (issue 13):
<= 5 s.

Floor, measured in the same run (median of 3): gathering the same facts for the same firms
(`registry_facts`) plus one fast engine decision (`evaluate(explain=False)`) per firm and
distinct package — what any candidate search over these packages has to do at least. The ratio
run / floor is printed.

Checked: every stored candidate has at most max_gaps gaps, none holds the tier it is listed
for, and no gap or to-verify text carries a fact id. A missed bar or a failed check prints
FAIL and exits 1.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_cultivation.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from zjtx.accounts.models import Role, User  # noqa: E402
from zjtx.cultivation.candidates import (  # noqa: E402
    CANDIDATE_TIERS,
    candidate_run,
    tier_packages,
)
from zjtx.cultivation.models import CandidateHit, CandidateRun  # noqa: E402
from zjtx.cultivation.selectors import tier_states  # noqa: E402
from zjtx.enterprises.models import Enterprise  # noqa: E402
from zjtx.policy.engine import FactError, PreparedFacts, evaluate  # noqa: E402
from zjtx.policy.engine.facts import coerce_fact  # noqa: E402
from zjtx.policy.facts_from_registry import facts_for_programs, registry_facts  # noqa: E402
from zjtx.policy.models import PolicyProgram  # noqa: E402

AS_OF = date(2026, 6, 1)
BAR_SECONDS = 5.0
MAX_GAPS = 2


def ensure_dataset() -> None:
    call_command("migrate", verbosity=0)
    if not PolicyProgram.objects.exists():
        call_command("load_reference", verbosity=0)
        call_command("load_policies", verbosity=0)
    if Enterprise.objects.count() < 20000:
        print("building the city data set (seed_demo --scale city, a few minutes)…")
        call_command("seed_demo", scale="city", verbosity=0)
    else:  # a data set built before the cultivation demo existed
        from zjtx.demo.cultivation import ensure_cultivation_data

        ensure_cultivation_data()


def median_of(n: int, fn):  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(n):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def floor_pass() -> int:
    distinct = {(p.id, p.version): p for p in tier_packages(AS_OF, CANDIDATE_TIERS).values()}
    packages = list(distinct.values())
    firms = Enterprise.objects.filter(status=Enterprise.Status.VERIFIED)
    sheets = registry_facts(firms, as_of=AS_OF, names=facts_for_programs(packages))
    specs = {n: s for p in packages for n, s in p.facts.items()}
    decided = 0
    for sheet in sheets.values():
        try:
            facts = PreparedFacts(
                (n, coerce_fact(specs[n], v)) for n, v in sheet.values.items() if n in specs
            )
        except FactError:
            continue
        for package in packages:
            evaluate(package, facts, AS_OF, explain=False)
            decided += 1
    return decided


def main() -> int:
    ensure_dataset()
    officer, _ = User.objects.get_or_create(
        username="bench_cultivation_city", defaults={"role": Role.CITY_OFFICER}
    )
    CandidateRun.objects.filter(started_by=officer).delete()  # earlier bench runs
    firms = Enterprise.objects.filter(status=Enterprise.Status.VERIFIED).count()
    packages = tier_packages(AS_OF, CANDIDATE_TIERS)
    print(
        f"enterprises: {firms:,}; tiers and packages: "
        + ", ".join(f"{t}={p.id}" for t, p in packages.items())
    )

    run_time, run_times, run = median_of(
        3,
        lambda: candidate_run(
            actor=officer, as_of=AS_OF, tiers=list(CANDIDATE_TIERS), max_gaps=MAX_GAPS
        ),
    )
    floor, floor_times, decided = median_of(3, floor_pass)

    problems: list[str] = []
    states = tier_states(on=AS_OF)
    hits = CandidateHit.objects.filter(run=run).values_list(
        "enterprise_id", "tier", "gap_count", "gaps", "to_verify"
    )
    for ent, tier, gap_count, gaps, to_verify in hits:
        if gap_count > MAX_GAPS:
            problems.append(f"{ent} {tier}: {gap_count} gaps")
        state = states.get(ent)
        if state is not None and state.tiers and state.holds(tier):
            problems.append(f"{ent} already holds {tier}")
        for text in [g["text"] for g in gaps] + list(to_verify):
            if "_yuan" in text or "_pct" in text or "_count" in text:
                problems.append(f"{ent} {tier}: fact id in {text!r}")
    print(
        f"run: {run.enterprise_count:,} enterprises × {len(packages)} tiers, "
        f"{run.candidate_count:,} candidates stored; found per tier: "
        + ", ".join(f"{t} {s['found']:,}" for t, s in run.summary.items())
    )
    print(
        f"time: median {run_time:.3f} s (runs {', '.join(f'{t:.3f}' for t in run_times)}) "
        f"vs bar {BAR_SECONDS:.1f} s -> {'OK' if run_time <= BAR_SECONDS else 'FAIL'}"
    )
    print(
        f"floor, facts gathered + {decided:,} fast engine decisions: median {floor:.3f} s "
        f"(runs {', '.join(f'{t:.3f}' for t in floor_times)}); run / floor = "
        f"{run_time / floor:.2f}×"
    )
    print(f"checks: {len(problems)} problems ({'OK' if not problems else 'FAIL'})")
    for line in problems[:10]:
        print("  ", line)
    return 0 if run_time <= BAR_SECONDS and not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
