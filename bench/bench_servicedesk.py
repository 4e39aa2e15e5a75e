"""Service centre at scale: the 督办 (overdue) list and the figures over 200,000 requests.

Bar (issue: service centre): overdue list and stats page p95 ≤ 300 ms. The floor is a trivial
logged-in page through the same middleware stack, measured in the same run.
Run: `.venv/bin/python bench/bench_servicedesk.py` (or `make bench`). Uses
var/bench_servicedesk.sqlite3 unless DATABASE_URL is set. On the first run it loads the small
demo and then bulk-inserts requests (with ratings) up to BENCH_REQUESTS (200,000) spread over
the last year, in every state, a fifth of them open and a tenth overdue: the bench measures
reads, so the rows are written with bulk_create, not through the workflow.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_servicedesk.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "40"))
N_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200000"))
BAR_MS = 300.0


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def fill(n: int) -> None:
    from zjtx.enterprises.models import Enterprise
    from zjtx.partners.models import ServiceProvider
    from zjtx.servicedesk.models import Category, RequestRating, ServiceRequest

    have = ServiceRequest.objects.count()
    if have >= n:
        from zjtx.servicedesk.models import RequestMonthStat
        from zjtx.servicedesk.stats import stats_rebuild

        if not RequestMonthStat.objects.exists():
            stats_rebuild()
        return
    rng = random.Random(2026)
    firms = list(Enterprise.objects.values_list("pk", "unit_id"))
    providers = list(ServiceProvider.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    statuses = ["filed", "accepted", "replied", "waiting", "answered", "confirmed", "rated"]
    weights = [5, 5, 6, 4, 10, 20, 50]
    started = time.perf_counter()
    batch: list[ServiceRequest] = []
    for i in range(n - have):
        firm, unit = firms[i % len(firms)]
        status = rng.choices(statuses, weights)[0]
        open_ = status in ("filed", "accepted", "replied", "waiting")
        filed = today - timedelta(days=rng.randrange(365))
        provider = providers[rng.randrange(len(providers))] if rng.random() < 0.4 else None
        due = (
            filed + timedelta(days=rng.randrange(1, 40)) if open_ and status != "waiting" else None
        )
        closed = not open_
        batch.append(
            ServiceRequest(
                enterprise_id=firm,
                unit_id=unit,
                category=Category.values[rng.randrange(12)],
                title="批量诉求",
                text="基准测试数据",
                status=status,
                handler="provider" if provider else "unit_officer",
                provider_id=provider,
                filed_on=filed,
                due_on=due,
                escalation_level=1 if open_ and rng.random() < 0.05 else 0,
                accept_on_time=rng.random() < 0.9 if status != "filed" else None,
                reply_on_time=rng.random() < 0.85 if status not in ("filed", "accepted") else None,
                resolve_on_time=rng.random() < 0.8 if closed else None,
                answer="已办结" if closed else "",
                closed_on=filed + timedelta(days=10) if closed else None,
            )
        )
        if len(batch) == 5000:
            ServiceRequest.objects.bulk_create(batch)
            batch = []
    if batch:
        ServiceRequest.objects.bulk_create(batch)
    rated = ServiceRequest.objects.filter(status="rated", rating__isnull=True).values_list(
        "pk", "provider_id", "filed_on"
    )
    ratings = [
        RequestRating(
            request_id=pk,
            level=rng.choices(["satisfied", "fairly", "dissatisfied"], [70, 22, 8])[0],
            provider_id=prov,
            rated_on=filed + timedelta(days=12),
        )
        for pk, prov, filed in rated.iterator()
    ]
    RequestRating.objects.bulk_create(ratings, batch_size=5000)
    from zjtx.servicedesk.stats import stats_rebuild

    rows = stats_rebuild()  # the bulk rows bypassed the services that keep the monthly figures
    print(f"  rebuilt {rows} monthly figure rows")
    print(
        f"  filled {n - have} requests and {len(ratings)} ratings in "
        f"{time.perf_counter() - started:.1f} s"
    )


def measure(client: Client, url: str) -> list[float]:
    client.get(url)
    out = []
    for _ in range(RUNS):
        t = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return out


def main() -> int:
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    call_command("seed_demo", verbosity=0)
    fill(N_REQUESTS)

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zjtx.accounts.models import User
    from zjtx.servicedesk.models import ServiceRequest

    city = User.objects.get(username="city_admin")
    unit = User.objects.get(username="jinghu_officer")
    year = timezone.localdate().year
    cases = [
        (unit, "floor: home page (unit)", "/"),
        (unit, "overdue list (unit)", "/services/overdue/"),
        (unit, "stats page by category (unit)", "/services/figures/?group_by=category"),
        (city, "overdue list (city)", "/services/overdue/"),
        (city, "stats page by category (city)", "/services/figures/?group_by=category"),
        (city, "stats page by unit (city)", "/services/figures/?group_by=unit"),
        (city, "stats page by provider (city)", "/services/figures/?group_by=provider"),
        (city, "stats page by month (city)", "/services/figures/?group_by=month"),
        (
            city,
            "stats page, one year (city)",
            f"/services/figures/?from={year}-01-01&to={year}-12-31",
        ),
        (city, "API stats by month (city)", "/api/v1/services/stats?group_by=month"),
    ]
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"Service centre, {ServiceRequest.objects.count()} requests, {db}, {RUNS} runs each")
    floor = None
    worst = 0.0
    clients: dict[int, Client] = {}
    for user, label, url in cases:
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client()
            client.force_login(user)
            if user.needs_second_factor:
                device = TOTPDevice.objects.filter(user=user).first()
                assert device is not None
                session = client.session
                session["otp_device_id"] = device.persistent_id
                session.save()
        samples = measure(client, url)
        value = p95(samples)
        floor = floor or value
        if not label.startswith("floor"):
            worst = max(worst, value)
        print(
            f"  {label:<36} p50 {statistics.median(samples):7.1f} ms   p95 {value:7.1f} ms"
            f"   ×floor {value / floor:5.2f}"
        )
    ok = worst <= BAR_MS
    print(f"Worst p95 {worst:.1f} ms — {'meets' if ok else 'FAIL: misses'} the {BAR_MS:.0f} ms bar")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
