"""Financing matching at city scale: every published demand against every published product.

    .venv/bin/python bench/bench_financing_match.py      # var/bench_financing.sqlite3 (built if absent)
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_financing_match.py

Data: the city data set of seed_demo (20,000 enterprises, 5 years of financials, IP, honours;
`seed_demo --scale city`, about a minute, once) plus, written once with bulk_create (the bench
is not a test of the services): 2,000 published demands of seeded random firms (amount, term,
purpose, guarantees, tax grade) and 100 published products of one bench lender, spread over
the 12 eligibility rule packages of policies/financing with seeded random cards.

Timed: reading the published demands and products and
`zjtx.financing.matching.fitting_products` end to end in an already-started process: facts
gathered in bulk for the demands' firms, cards checked, each rule version decided once per
fact set, no explanation texts. Median of 3 runs. Bar: <= 2 s.

Floor, measured in the same run (median of 3): the policy scan, `zjtx.policy.scan.scan_run`
over the same 20,000 enterprises and every award program in force (the bulk fact gathering and
engine the matching shares); the ratio matching / scan is printed. The explained path
(`match_pairs`, every pair with its Chinese texts, as one demand's page shows) is timed on a
sample for reference.

Checked: on a sample of demands the fast decisions equal the fits of the explained matching;
any difference fails. A missed bar or a difference prints FAIL and exits 1.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_financing.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from zjtx.accounts.models import Role, User  # noqa: E402
from zjtx.enterprises.models import Enterprise  # noqa: E402
from zjtx.financing.matching import fitting_products, match_pairs  # noqa: E402
from zjtx.financing.models import Demand, Guarantee, Product, Purpose, TaxGrade  # noqa: E402
from zjtx.financing.selectors import products_published  # noqa: E402
from zjtx.partners.models import FinancialInstitution  # noqa: E402
from zjtx.policy.models import PolicyProgram, ScanRun  # noqa: E402
from zjtx.policy.scan import scan_run  # noqa: E402

BAR_SECONDS = 2.0
N_DEMANDS = 2000
N_PRODUCTS = 100
SAMPLE = 100  # demands checked against (and timed on) the explained matching
NOTE = "bench_financing_match"
LENDER = "基准测试银行（bench）"
AS_OF = timezone.localdate()
WAN = Decimal(10000)


def ensure_dataset() -> None:
    call_command("migrate", verbosity=0)
    if not PolicyProgram.objects.exists():
        call_command("load_reference", verbosity=0)
        call_command("load_policies", verbosity=0)
    if not PolicyProgram.objects.filter(id__startswith="financing.").exists():
        call_command("load_policies", dir=str(ROOT / "policies" / "financing"), verbosity=0)
    if Enterprise.objects.count() < 20000:
        print("building the city data set (seed_demo --scale city, about a minute)…")
        call_command("seed_demo", scale="city", verbosity=0)


def _some(rng: random.Random, values: list[str], low: int, high: int) -> list[str]:
    return sorted(rng.sample(values, rng.randint(low, high)))


def ensure_products() -> None:
    lender, _ = FinancialInstitution.objects.get_or_create(name=LENDER)
    if Product.objects.filter(institution=lender).count() == N_PRODUCTS:
        return
    Product.objects.filter(institution=lender).delete()
    programs = list(
        PolicyProgram.objects.filter(id__startswith="financing.", current_version__isnull=False)
        .select_related("current_version")
        .order_by("id")
    )
    rng = random.Random(20260602)
    guarantees = [g.value for g in Guarantee]
    purposes = [p.value for p in Purpose]
    now = timezone.now()
    rows = []
    for i in range(N_PRODUCTS):
        program = programs[i % len(programs)]  # spread over the 12 packages
        low = rng.randint(10, 100) * WAN
        term_min = rng.choice([3, 6, 12])
        rows.append(
            Product(
                institution=lender,
                name=f"基准产品{i + 1:03d}",
                kind=rng.choice([k.value for k in Product.Kind]),
                amount_min_yuan=low,
                amount_max_yuan=low + rng.randint(200, 3000) * WAN,
                term_min_months=term_min,
                term_max_months=term_min + rng.choice([12, 24, 36, 48]),
                rate_min_pct=Decimal("3.10"),
                rate_max_pct=Decimal("5.50"),
                guarantees=_some(rng, guarantees, 1, 3),
                purposes=[] if rng.random() < 0.3 else _some(rng, purposes, 2, 4),
                eligibility_program=program,
                eligibility_version=program.current_version,
                status=Product.Status.PUBLISHED,
                published_at=now,
            )
        )
    Product.objects.bulk_create(rows)


def ensure_demands() -> None:
    if Demand.objects.filter(note=NOTE).count() == N_DEMANDS:
        return
    Demand.objects.filter(note=NOTE).delete()
    rng = random.Random(20260603)
    ids = list(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    firms = rng.sample(ids, N_DEMANDS)
    guarantees = [g.value for g in Guarantee]
    purposes = [p.value for p in Purpose]
    grades = [*[g.value for g in TaxGrade], ""]
    now = timezone.now()
    Demand.objects.bulk_create(
        [
            Demand(
                enterprise_id=pk,
                amount_yuan=rng.randint(20, 2000) * WAN,
                term_months=rng.choice([6, 12, 18, 24, 36]),
                purpose=rng.choice(purposes),
                guarantees=_some(rng, guarantees, 1, 3),
                needed_by=AS_OF + timedelta(days=rng.randint(10, 90)),
                tax_grade=rng.choice(grades),
                note=NOTE,
                published_at=now,
            )
            for pk in firms
        ],
        batch_size=1000,
    )


def match_all() -> tuple[list[Demand], list[Product], dict[int, list[Product]]]:
    demands = list(Demand.objects.filter(status=Demand.Status.PUBLISHED))
    products = list(products_published())
    return demands, products, fitting_products(demands, products, as_of=AS_OF)


def median_of(runs: int, fn: object) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def main() -> int:
    ensure_dataset()
    ensure_products()
    ensure_demands()
    officer, _ = User.objects.get_or_create(
        username="bench_financing_city", defaults={"role": Role.CITY_OFFICER}
    )
    ScanRun.objects.filter(started_by=officer).delete()  # earlier bench runs

    demands, products, fits = match_all()  # warm: compiled packages, connection
    firms = Enterprise.objects.count()
    matching, match_times = median_of(3, match_all)
    floor, floor_times = median_of(3, lambda: scan_run(actor=officer, as_of=date(2026, 6, 1)))
    ScanRun.objects.filter(started_by=officer).delete()

    rng = random.Random(1)
    sample = rng.sample(demands, min(SAMPLE, len(demands)))
    started = time.perf_counter()
    explained = match_pairs(sample, products, as_of=AS_OF)
    explained_s = time.perf_counter() - started
    wrong = [
        d.pk
        for d in sample
        if {m.product_id for m in explained[d.pk] if m.fits} != {p.pk for p in fits[d.pk]}
    ]

    pairs = len(demands) * len(products)
    print(
        f"data: {firms:,} enterprises, {len(demands):,} published demands × "
        f"{len(products)} published products = {pairs:,} pairs; "
        f"{sum(len(f) for f in fits.values()):,} fits, "
        f"{sum(1 for f in fits.values() if f):,} demands with at least one"
    )
    ok_time = matching <= BAR_SECONDS
    print(
        f"matching (read + facts + decide): median {matching:.3f} s "
        f"(runs {', '.join(f'{t:.3f}' for t in match_times)}) vs bar {BAR_SECONDS:.1f} s "
        f"-> {'OK' if ok_time else 'FAIL'}"
    )
    print(
        f"floor, policy scan of the city: median {floor:.3f} s "
        f"(runs {', '.join(f'{t:.3f}' for t in floor_times)}); "
        f"matching / floor = {matching / floor:.2f}×"
    )
    print(
        f"for reference, explained matching of {len(sample)} demands: {explained_s:.3f} s "
        f"(≈ {explained_s * len(demands) / max(len(sample), 1):.1f} s for all)"
    )
    print(
        f"decisions vs explained matching on {len(sample)} demands: {len(wrong)} differ "
        f"-> {'OK' if not wrong else 'FAIL'}"
    )
    return 0 if ok_time and not wrong else 1


if __name__ == "__main__":
    raise SystemExit(main())
