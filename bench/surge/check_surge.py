"""After the surge: the figures from locust's CSV and the database's own account.

Prints requests per second, p50/p95/p99 per request kind, errors, the ratio of each kind
against the trivial page measured in the same run, and then checks the database for every
prepared firm: each submission stored exactly once (0 lost, 0 duplicated) and the audit chain
intact (`manage.py audit_verify`). Exits 1 when any check fails.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402

KINDS = (
    "submit:certification",
    "submit:monthly_report",
    "submit:subsidy",
    "submit:financing",
    "submit:service_request",
)


def read_stats(prefix: str) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _ms(row: dict[str, str], column: str) -> float:
    try:
        return float(row.get(column) or 0)
    except ValueError:
        return 0.0


def figures(stats: dict[str, dict[str, str]], timing: dict[str, float]) -> tuple[list[str], int]:
    out = ["| Request | Count | Errors | rps | p50 ms | p95 ms | p99 ms | p50 ÷ trivial |"]
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    trivial = stats.get("trivial /healthz", {})
    floor = max(_ms(trivial, "50%"), 1.0)
    errors = 0
    names = [n for n in stats if n != "Aggregated"]
    order = [*KINDS, "login", "login page", "trivial /healthz"]
    names.sort(key=lambda n: (order.index(n) if n in order else len(order), n))
    for name in [*names, "Aggregated"]:
        row = stats.get(name)
        if row is None:
            continue
        failures = int(row["Failure Count"])
        errors += failures if name != "Aggregated" else 0
        out.append(
            f"| {name} | {row['Request Count']} | {failures} | {_ms(row, 'Requests/s'):.1f} | "
            f"{_ms(row, '50%'):.0f} | {_ms(row, '95%'):.0f} | {_ms(row, '99%'):.0f} | "
            f"{_ms(row, '50%') / floor:.1f} |"
        )
    return out, errors


def server_times(path: str) -> list[str]:
    """In-server time per request kind from gunicorn's log (zjtx.request lines): the time a
    request spent being served, without the time it waited for a free worker."""
    import re
    import statistics

    times: dict[str, list[float]] = {}
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("logger") != "zjtx.request":
            continue
        key = f"{record['method']} {re.sub(r'[0-9]+', 'N', record['path'])}"
        times.setdefault(key, []).append(float(record["duration_ms"]))
    out = ["| Request (server side) | Count | p50 ms | p95 ms | server·s in total |"]
    out.append("|---|---:|---:|---:|---:|")
    for key, values in sorted(times.items(), key=lambda kv: -sum(kv[1])):
        values.sort()
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        out.append(
            f"| {key} | {len(values)} | {statistics.median(values):.0f} | {p95:.0f} | "
            f"{sum(values) / 1000:.0f} |"
        )
    return out


def database_checks(data: dict) -> tuple[list[str], bool]:
    from zjtx.certification.models import Application as CertApplication
    from zjtx.financing.models import Demand
    from zjtx.monitoring.models import ImportRun, MonitoringValue, ReportingPeriod
    from zjtx.servicedesk.models import ServiceRequest
    from zjtx.subsidies.models import Application as SubsidyApplication

    firms = data["enterprises"]
    n = len(firms)
    ids = [f["enterprise_id"] for f in firms]
    users = [f["username"] for f in firms]
    lines = [
        "| Submission | Expected | Stored once | Lost | Duplicated |",
        "|---|---:|---:|---:|---:|",
    ]
    ok = True

    def row(label: str, per_firm: dict[int, int]) -> None:
        nonlocal ok
        once = sum(1 for e in ids if per_firm.get(e, 0) == 1)
        lost = sum(1 for e in ids if per_firm.get(e, 0) == 0)
        dup = sum(1 for e in ids if per_firm.get(e, 0) > 1)
        ok = ok and once == n and lost == 0 and dup == 0
        lines.append(f"| {label} | {n} | {once} | {lost} | {dup} |")

    def counts(qs, field: str = "enterprise_id") -> dict[int, int]:  # type: ignore[no-untyped-def]
        return {r[field]: r["n"] for r in qs.values(field).annotate(n=Count("pk"))}

    cert = CertApplication.objects.filter(
        pk__in=[f["certification_id"] for f in firms], status=CertApplication.Status.SUBMITTED
    )
    row("certification application (submitted)", counts(cert))
    period = ReportingPeriod.objects.filter(code=data["period"]).first()
    runs = ImportRun.objects.filter(
        period=period, channel=ImportRun.Channel.FORM, uploader__username__in=users
    )
    per_user = {
        r["uploader__enterprise_id"]: r["n"]
        for r in runs.values("uploader__enterprise_id").annotate(n=Count("id"))
    }
    row("monthly report (online form run)", per_user)
    indicators = [i["id"] for i in data["indicators"]]
    values = MonitoringValue.objects.filter(
        period=period, enterprise_id__in=ids, indicator_id__in=indicators
    )
    per_firm_values = counts(values)
    complete = {e: (1 if per_firm_values.get(e, 0) == len(indicators) else 0) for e in ids}
    row(f"monthly report values ({len(indicators)} per firm)", complete)
    sub = SubsidyApplication.objects.filter(
        pk__in=[f["subsidy_id"] for f in firms], status="submitted"
    )
    row("subsidy application (submitted)", counts(sub))
    demands = Demand.objects.filter(enterprise_id__in=ids, note__startswith="surge surge")
    row("financing demand (published)", counts(demands))
    requests = ServiceRequest.objects.filter(
        enterprise_id__in=ids, title__startswith="融资对接诉求 surge"
    )
    row("service request (filed)", counts(requests))
    return lines, ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True, help="locust --csv prefix")
    parser.add_argument("--data", default=str(Path(__file__).parent / "var" / "surge.json"))
    parser.add_argument("--timing", default=str(Path(__file__).parent / "var" / "timing.json"))
    parser.add_argument("--window", type=float, default=60.0, help="arrival window, seconds")
    parser.add_argument("--server-log", default="", help="gunicorn's log (JSON request lines)")
    parser.add_argument("--load", default="", help="the machine's load average during the run")
    args = parser.parse_args()
    data = json.loads(Path(args.data).read_text())
    try:
        timing = json.loads(Path(args.timing).read_text())
    except (OSError, ValueError):
        timing = {}
    stats = read_stats(args.csv)
    table, errors = figures(stats, timing)
    print("### Requests (locust, whole run)\n")
    print("\n".join(table))
    arrivals = timing.get("last_start", 0) - timing.get("first_start", 0)
    finished = timing.get("last_done", 0) - timing.get("first_start", 0)
    print()
    print(
        f"Firms: {len(data['enterprises'])}; finished: {timing.get('finished', 0)}; "
        f"all logged in and started within {arrivals:.1f} s; "
        f"the last firm's last submission stored {finished:.1f} s after the first login."
    )
    if args.server_log:
        rows = server_times(args.server_log)
        if rows:
            print("\n### Time in the server per request (gunicorn log)\n")
            print("\n".join(rows))
    if args.load:
        print(f"\nLoad average of the machine at the end of the run (1, 5, 15 min): {args.load}")
    print("\n### Database after the run\n")
    lines, db_ok = database_checks(data)
    print("\n".join(lines))
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=out)
        audit_ok = True
    except BaseException:  # CommandError or SystemExit(1)
        audit_ok = False
    print(f"\naudit_verify: {'intact' if audit_ok else 'BROKEN'} — {out.getvalue().strip()[:300]}")
    in_window = arrivals <= args.window
    verdict = (
        errors == 0
        and db_ok
        and audit_ok
        and in_window
        and timing.get("finished") == len(data["enterprises"])
    )
    print(
        f"\n**{'PASS' if verdict else 'FAIL'}**: {errors} request errors; "
        f"submissions {'all stored once' if db_ok else 'LOST OR DUPLICATED'}; "
        f"audit chain {'intact' if audit_ok else 'BROKEN'}; "
        f"arrivals within {args.window:.0f} s: {'yes' if in_window else 'NO'}."
    )
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    main()
