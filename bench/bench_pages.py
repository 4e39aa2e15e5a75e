"""Page render with the city-scale data set (20,000 enterprises × 5 years).

Bar (DESIGN.md §5): typical list/detail page p95 ≤ 150 ms. The floor is a trivial logged-in
page through the same middleware stack, measured in the same run, so the ratio shows what the
page itself costs. Run: `make bench` (or `.venv/bin/python bench/bench_pages.py`).
Uses var/bench_city.sqlite3 unless DATABASE_URL is set; builds the data set on first run.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_city.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RUNS = 60
BAR_MS = 150.0


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def measure(client: Client, url: str) -> list[float]:
    client.get(url)  # warm caches and connections
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
    call_command("seed_demo", scale="city", verbosity=0)

    from zjtx.accounts.models import User
    from zjtx.enterprises.models import Enterprise

    officer = User.objects.get(username="jingkai_officer")
    firm = Enterprise.objects.filter(unit=officer.unit).order_by("id")[500]
    client = Client()
    client.force_login(officer)

    cases = {
        "floor: home page": "/",
        "enterprise list (unit)": "/enterprises/",
        "enterprise list, search 'ah'": "/enterprises/?q=ah",
        "enterprise list, page 20": "/enterprises/?page=20",
        "enterprise detail": f"/enterprises/{firm.credit_code}/",
        "API list": "/api/v1/enterprises",
        "API detail": f"/api/v1/enterprises/{firm.credit_code}",
    }
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"Page render, {Enterprise.objects.count()} enterprises, {db}, {RUNS} runs each")
    floor = None
    worst = 0.0
    for label, url in cases.items():
        samples = measure(client, url)
        value = p95(samples)
        floor = floor or value
        if not label.startswith("floor"):
            worst = max(worst, value)
        print(
            f"  {label:<32} p50 {statistics.median(samples):7.1f} ms   p95 {value:7.1f} ms"
            f"   ×floor {value / floor:5.2f}"
        )
    verdict = "meets" if worst <= BAR_MS else "MISSES"
    print(f"Worst p95 {worst:.1f} ms — {verdict} the {BAR_MS:.0f} ms bar")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
