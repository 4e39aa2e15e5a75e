"""Monitoring import at city scale: our dry run and commit against the floor, in one run.

    .venv/bin/python bench/bench_monitoring_import.py            # SQLite (var/bench_monitoring.sqlite3)
    DATABASE_URL=postgres://... .venv/bin/python bench/...        # SQLite, then PostgreSQL too

Data: 20,000 enterprises (created once with bulk_create in the bench database, or reused),
and the monthly template filled for all of them with every catalogue indicator
(13 numeric + 1 text = up to 280,000 values).

Floor (perf-floors-security.md A.4, peer-baselines.md Task A, method c): python-calamine
`to_python()` of the same file plus the fastest raw insert of the same values (one row per
enterprise and indicator, keyed by credit code, no indexes) into a scratch table of the same
database, in one transaction: on SQLite `executemany` of a 200-row INSERT (its insert takes
about two thirds of the time of one row per statement, the floor of earlier runs, which is
printed too), on PostgreSQL `COPY` with `write_row`. A "wide" floor (one 16-column row per
enterprise) is printed for reference as well.

Every pass starts from the same state: the period's values and the floor tables are deleted
and, on PostgreSQL, vacuumed (not timed). Without that, each pass would insert the same keys
over the dead index entries of the pass before, a state a new month never meets (and the
bench server may run without autovacuum).

Measured, median of 5 interleaved passes (BENCH_PASSES), in one process per database:
  floor        calamine read + raw insert
  dry run      zjtx.monitoring.services.import_upload(dry_run=True): checks, reads, validates,
               compares with stored values, records the run; writes no values
  commit       the same with dry_run=False into an empty period
  re-commit    the identical file again (compares 280k values, writes none)
Targets (issue 5): commit <= 2.5x floor, dry run <= 1.5x floor, on each database. The last
lines sum up every database; a missed target prints FAIL and the exit status is 1. The
uploads the runs stored (2.4 MB each) are deleted at the end.

The peer (django-import-export) runs only when importable; it is not a project dependency.
Its reference ratios from peer-baselines.md Task A are printed either way.
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
N_ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "20000"))
PASSES = int(os.environ.get("BENCH_PASSES", "5"))
COMMIT_TARGET = 2.5
DRY_TARGET = 1.5
TARGETS = {"commit": COMMIT_TARGET, "dry": DRY_TARGET}
SQLITE_ROWS_PER_INSERT = 200  # × 4 parameters: under SQLite's oldest limit of 999
PERIOD = "2026-06"
SQLITE_URL = f"sqlite:///{ROOT / 'var' / 'bench_monitoring.sqlite3'}"
UNITS = [
    ("340202", "镜湖区", "district", "340202"),
    ("340207", "鸠江区", "district", "340207"),
    ("340209", "弋江区", "district", "340209"),
    ("340210", "湾沚区", "district", "340210"),
    ("340212", "繁昌区", "district", "340212"),
    ("340223", "南陵县", "county", "340223"),
    ("340281", "无为市", "county_city", "340281"),
    ("ZONE-JK", "经济技术开发区", "zone", "340207"),
]


def main() -> int:
    if "--child" in sys.argv:
        return child()
    original = os.environ.get("DATABASE_URL", "")
    targets = [("SQLite", SQLITE_URL)]
    if original.startswith(("postgres://", "postgresql://")):
        ensure_pg_database(original)
        targets.append(("PostgreSQL", original))
    print(f"Monitoring import benchmark: {N_ENTERPRISES:,} enterprises, {PASSES} passes")
    results: list[tuple[str, dict[str, Any] | None]] = []
    failed = False
    for label, url in targets:
        print(f"\n=== {label} ===", flush=True)
        with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "config.settings.base",
                "BENCH_RESULT_FILE": out.name,
            }
            result = subprocess.run([sys.executable, __file__, "--child"], env=env, cwd=ROOT)
            text = out.read()
        if result.returncode != 0 or not text:
            print(f"{label}: benchmark failed (exit {result.returncode})")
            results.append((label, None))
            failed = True
            continue
        results.append((label, json.loads(text)))
    print("\n=== summary (ratio of medians; per-pass range in brackets) ===")
    for label, got in results:
        if got is None:
            print(f"FAIL {label}: no result")
            continue
        for name, key, target in (
            ("commit", "commit", COMMIT_TARGET),
            ("dry run", "dry", DRY_TARGET),
        ):
            ratio = got["ratio"][key]
            low, high = got["range"][key]
            ok = ratio <= target
            failed = failed or not ok
            print(
                f"{'ok  ' if ok else 'FAIL'} {label:<11}{name:<8}{ratio:5.2f}× floor "
                f"[{low:.2f}–{high:.2f}]  target ≤ {target}×   (floor {got['floor']:.2f}s)"
            )
    print("FAIL: a target was missed" if failed else "all targets met")
    return 1 if failed else 0


def ensure_pg_database(url: str) -> None:
    """Create the bench database named in DATABASE_URL when it does not exist yet."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


# ---------------------------------------------------------------- child: one database


def child() -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    enterprises = ensure_enterprises()
    actor = ensure_city_officer()
    from zjtx.monitoring.selectors import indicators_active

    indicators = indicators_active()
    data = build_file(enterprises, indicators)
    n_values = sum(1 for _ in value_cells(enterprises, indicators))
    print(
        f"file: {len(data) / 1e6:.1f} MB, {len(enterprises):,} rows × {len(indicators)} indicators, "
        f"{n_values:,} values",
        flush=True,
    )
    ensure_floor_tables()
    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    keys = ("floor", "floor_rows", "wide", "dry", "commit", "recommit")
    times: dict[str, list[float]] = {k: [] for k in keys}
    for p in range(PASSES):
        clear_period()
        times["floor"].append(floor_long(data))
        if sqlite:
            times["floor_rows"].append(floor_long(data, rows_per_insert=1))
        times["wide"].append(floor_wide(data))
        run, t = timed_import(actor, data, dry_run=True)
        assert run.status == "validated", (run.status, run.errors[:3])
        times["dry"].append(t)
        run, t = timed_import(actor, data, dry_run=False)
        assert run.status == "committed", (run.status, run.errors[:3])
        assert run.values_inserted == n_values, (run.values_inserted, n_values)
        times["commit"].append(t)
        run, t = timed_import(actor, data, dry_run=False)
        assert run.values_unchanged == n_values and run.values_inserted == 0
        times["recommit"].append(t)
        f = times["floor"][-1]
        print(
            f"pass {p + 1}: floor {f:.2f}s  dry {times['dry'][-1]:.2f}s "
            f"({times['dry'][-1] / f:.2f}×)  commit {times['commit'][-1]:.2f}s "
            f"({times['commit'][-1] / f:.2f}×)  re-commit {times['recommit'][-1]:.2f}s",
            flush=True,
        )
    verify_stored(n_values)
    verify_rollups()
    med = {k: statistics.median(v) for k, v in times.items() if v}
    floor = med["floor"]
    print(f"\n{'method':<58}{'median s':>9}{'× floor':>9}")
    rows = [
        ("floor: calamine read + raw insert, long (same values)", med["floor"]),
        ("floor as before: one row per INSERT (SQLite), reference", med.get("floor_rows")),
        ("floor, wide layout (one row per enterprise), reference", med["wide"]),
        ("ours: dry run (validate + compare, no writes)", med["dry"]),
        ("ours: commit into an empty period", med["commit"]),
        ("ours: re-commit identical file (no writes)", med["recommit"]),
    ]
    for name, value in rows:
        if value is not None:
            print(f"{name:<58}{value:>9.2f}{value / floor:>8.2f}×")
    ratio = {k: med[k] / floor for k in ("dry", "commit")}
    per_pass = {
        k: [t / f for t, f in zip(times[k], times["floor"], strict=True)] for k in ("dry", "commit")
    }
    marks = {k: "MET" if ratio[k] <= target else "FAIL" for k, target in TARGETS.items()}
    print(
        f"\ntargets: commit ≤ {COMMIT_TARGET}× floor: {marks['commit']} ({ratio['commit']:.2f}×); "
        f"dry run ≤ {DRY_TARGET}× floor: {marks['dry']} ({ratio['dry']:.2f}×)"
    )
    if "floor_rows" in med:
        print(
            f"against the one-row-per-INSERT floor: commit {med['commit'] / med['floor_rows']:.2f}×, "
            f"dry run {med['dry'] / med['floor_rows']:.2f}×"
        )
    print(
        f"against the wide floor: commit {med['commit'] / med['wide']:.2f}×, "
        f"dry run {med['dry'] / med['wide']:.2f}×"
    )
    result_file = os.environ.get("BENCH_RESULT_FILE")
    if result_file:
        Path(result_file).write_text(
            json.dumps(
                {
                    "floor": floor,
                    "ratio": ratio,
                    "range": {k: [min(v), max(v)] for k, v in per_pass.items()},
                    "median_s": med,
                }
            )
        )
    peer(floor, enterprises, indicators)
    clear_period()
    drop_stored_files(actor)
    return 0


def ensure_enterprises() -> list[tuple[int, str]]:
    from zjtx.core.credit_code import make_valid_code
    from zjtx.enterprises.models import Enterprise
    from zjtx.reference.models import AssessmentUnit

    units = []
    for order, (code, name, kind, division) in enumerate(UNITS):
        unit, _ = AssessmentUnit.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "division_code": division, "sort_order": order},
        )
        units.append(unit)
    have = Enterprise.objects.count()
    if have < N_ENTERPRISES:
        started = time.perf_counter()
        existing = set(Enterprise.objects.values_list("credit_code", flat=True))
        rng = random.Random(20261127)
        batch = []
        n = 0
        while have + len(batch) < N_ENTERPRISES:
            n += 1
            code = make_valid_code(f"91340200MA{n:07d}")
            if code in existing:
                continue
            batch.append(
                Enterprise(
                    credit_code=code,
                    name=f"芜湖{n:05d}号{rng.choice(['精密', '新材料', '智能', '电子', '机械'])}有限公司",
                    unit=units[n % len(units)],
                    status=Enterprise.Status.VERIFIED,
                )
            )
        Enterprise.objects.bulk_create(batch, batch_size=2000)
        print(f"created {len(batch):,} enterprises in {time.perf_counter() - started:.1f}s")
    return list(Enterprise.objects.order_by("id").values_list("id", "credit_code")[:N_ENTERPRISES])


def ensure_city_officer() -> Any:
    from zjtx.accounts.models import Role, User

    user, _ = User.objects.get_or_create(
        username="bench_city_officer", defaults={"role": Role.CITY_OFFICER, "full_name": "基准测试"}
    )
    return user


def value_cells(enterprises: list[tuple[int, str]], indicators: list[Any]) -> Any:
    """Deterministic values: (row index, indicator index, cell value)."""
    rng = random.Random(5)
    problems = ["原材料价格上涨", "用工难", "订单不足，回款慢", "融资成本高"]
    for r in range(len(enterprises)):
        for c, ind in enumerate(indicators):
            if ind.is_text:
                if rng.random() < 0.3:
                    yield r, c, rng.choice(problems)
            elif ind.decimal_places == 0:
                yield r, c, rng.randint(1, 2000)
            else:
                yield r, c, round(rng.uniform(0, 50000), 2)


def build_file(enterprises: list[tuple[int, str]], indicators: list[Any]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(PERIOD)
    ws.write(0, 0, "芜湖市经济和信息化局专精特新中小企业运行监测月报表（2026年6月）")
    ws.write(
        1,
        0,
        f"填报单位（盖章）：芜湖市经济和信息化局        单位：万元（另注明者除外）        期间：{PERIOD}",
    )
    ws.write_row(2, 0, ["序号", "统一社会信用代码", "企业名称", *(i.header for i in indicators)])
    for r, (_pk, code) in enumerate(enterprises):
        ws.write_number(3 + r, 0, r + 1)
        ws.write_string(3 + r, 1, code)
        ws.write_string(3 + r, 2, f"企业{r}")
    for r, c, value in value_cells(enterprises, indicators):
        ws.write(3 + r, 3 + c, value)
    wb.close()
    return buf.getvalue()


def ensure_floor_tables() -> None:
    from django.db import connection

    text_type = "text"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor_long (credit_code varchar(18) NOT NULL, "
            f"indicator_id integer NOT NULL, value numeric(20, 2), text_value {text_type})"
        )
        cols = ", ".join(f"v{i:02d} numeric(20, 2)" for i in range(1, 14))
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor_wide (credit_code varchar(18) NOT NULL, "
            f"name varchar(200), {cols}, remark text)"
        )


def _truncate(table: str) -> None:
    """Empty a floor table, and on PostgreSQL vacuum it (see the module docstring)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    _vacuum(table)


def _vacuum(*tables: str) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM {table}")


def floor_long(data: bytes, rows_per_insert: int = SQLITE_ROWS_PER_INSERT) -> float:
    from itertools import chain

    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    _truncate("bench_floor_long")
    started = time.perf_counter()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    params = []
    for row in rows[3:]:
        code = row[1]
        for c, value in enumerate(row[3:], start=1):
            if value == "":
                continue
            if isinstance(value, str):
                params.append((code, c, None, value))
            else:
                params.append((code, c, value, None))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(
                "COPY bench_floor_long (credit_code, indicator_id, value, text_value) FROM STDIN"
            ) as copy:
                for p in params:
                    copy.write_row(p)
        elif rows_per_insert == 1:
            cursor.executemany("INSERT INTO bench_floor_long VALUES (%s, %s, %s, %s)", params)
        else:
            n = rows_per_insert
            full = len(params) - len(params) % n
            sql = "INSERT INTO bench_floor_long VALUES " + ", ".join(["(%s, %s, %s, %s)"] * n)
            cursor.executemany(
                sql, [tuple(chain.from_iterable(params[k : k + n])) for k in range(0, full, n)]
            )
            if full < len(params):
                rest = params[full:]
                sql = "INSERT INTO bench_floor_long VALUES " + ", ".join(
                    ["(%s, %s, %s, %s)"] * len(rest)
                )
                cursor.execute(sql, tuple(chain.from_iterable(rest)))
    return time.perf_counter() - started


def floor_wide(data: bytes) -> float:
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    _truncate("bench_floor_wide")
    started = time.perf_counter()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    params = [tuple(None if v == "" else v for v in row[1:17]) for row in rows[3:]]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy("COPY bench_floor_wide FROM STDIN") as copy:
                for p in params:
                    copy.write_row(p)
        else:
            marks = ", ".join(["%s"] * 16)
            cursor.executemany(f"INSERT INTO bench_floor_wide VALUES ({marks})", params)
    return time.perf_counter() - started


def clear_period() -> None:
    from django.db import connection, transaction

    from zjtx.monitoring.models import (
        MonitoringValue,
        MonitoringValueHistory,
        MonthlyRollup,
        ReportingPeriod,
        UnitPeriodStat,
    )

    period = ReportingPeriod.objects.filter(code=PERIOD).first()
    if period is None:
        return
    with transaction.atomic():
        MonitoringValue.objects.filter(period=period)._raw_delete(connection.alias)  # type: ignore[attr-defined]
        MonitoringValueHistory.objects.filter(period=period)._raw_delete(connection.alias)  # type: ignore[attr-defined]
        MonthlyRollup.objects.filter(period=period).delete()
        UnitPeriodStat.objects.filter(period=period).delete()
    _vacuum(
        MonitoringValue._meta.db_table,
        MonitoringValueHistory._meta.db_table,
        MonthlyRollup._meta.db_table,
        UnitPeriodStat._meta.db_table,
    )


def timed_import(actor: Any, data: bytes, *, dry_run: bool) -> tuple[Any, float]:
    from zjtx.monitoring.services import import_upload

    started = time.perf_counter()
    run = import_upload(
        actor=actor, period_code=PERIOD, data=data, original_name="bench.xlsx", dry_run=dry_run
    )
    return run, time.perf_counter() - started


def drop_stored_files(actor: Any) -> None:
    """Every run stores its upload (2.4 MB here) like a real one; the bench's are not kept."""
    from zjtx.monitoring.models import ImportRun

    for run in ImportRun.objects.filter(uploader=actor).exclude(file=""):
        run.file.delete(save=True)


def verify_stored(n_values: int) -> None:
    from django.db.models import Count, Sum

    from zjtx.monitoring.models import MonitoringValue

    got = MonitoringValue.objects.filter(period__code=PERIOD).aggregate(
        n=Count("indicator_id"), s=Sum("value")
    )
    assert got["n"] == n_values, got
    assert isinstance(got["s"], Decimal)
    print(f"stored: {got['n']:,} values, sum {got['s']:,.2f} 元")


def verify_rollups() -> None:
    """The roll-ups kept by the loads equal a rebuild from the stored values."""
    from zjtx.monitoring.models import MonthlyRollup, ReportingPeriod, UnitPeriodStat
    from zjtx.monitoring.rollups import rollup_rebuild

    period = ReportingPeriod.objects.get(code=PERIOD)

    def snapshot() -> tuple[list[Any], list[Any]]:
        rollups = MonthlyRollup.objects.filter(period=period).values_list(
            "unit_id", "indicator_id", "value_count", "total"
        )
        stats = UnitPeriodStat.objects.filter(period=period).values_list(
            "unit_id", "enterprises_reported"
        )
        return sorted(r for r in rollups if r[2] or r[3]), sorted(s for s in stats if s[1])

    kept = snapshot()
    rollup_rebuild(period_id=period.pk)
    assert snapshot() == kept, "roll-ups drifted from the stored values"
    print(f"roll-ups: {len(kept[0])} unit × indicator totals equal a rebuild")


def peer(floor: float, enterprises: list[tuple[int, str]], indicators: list[Any]) -> None:
    """django-import-export on the same data, when importable (never a project dependency).

    Its XLSX format takes row 1 as the header row, so it gets the same rows without the
    title and note rows. A wide model (one row per firm, like peer-baselines.md Task A) is
    created for it at runtime: a long model cannot take one sheet row as one instance.
    """
    extra = os.environ.get("BENCH_PEER_SITE_PACKAGES")
    if extra and extra not in sys.path:
        sys.path.append(extra)
    try:
        from import_export import fields, resources, widgets
        from import_export.formats.base_formats import XLSX
    except ImportError:
        print(
            "peer django-import-export: skipped (not importable; set BENCH_PEER_SITE_PACKAGES to a "
            "site-packages holding it). Reference (peer-baselines.md Task A, 20k×40 wide): "
            "default 56× floor, tuned 29×, openpyxl + bulk_create 10×; its preview costs as much "
            "as the import."
        )
        return
    from django.db import connection, models

    numeric = [i for i in indicators if not i.is_text]
    attrs: dict[str, Any] = {
        "__module__": __name__,
        "credit_code": models.CharField(max_length=18, db_index=True),
        "period": models.CharField(max_length=7),
        "remark": models.TextField(blank=True, default=""),
        "Meta": type("Meta", (), {"app_label": "monitoring", "db_table": "bench_peer_value"}),
    }
    for n in range(len(numeric)):
        attrs[f"v{n:02d}"] = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    model = type("BenchPeerValue", (models.Model,), attrs)
    with connection.schema_editor() as editor:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_peer_value")
        editor.create_model(model)

    def resource_class() -> Any:
        declared: dict[str, Any] = {
            "credit_code": fields.Field(attribute="credit_code", column_name="统一社会信用代码"),
            "period": fields.Field(attribute="period", column_name="期间"),
            "remark": fields.Field(
                attribute="remark", column_name="存在问题和诉求", widget=widgets.CharWidget()
            ),
        }
        for n, ind in enumerate(numeric):
            declared[f"v{n:02d}"] = fields.Field(
                attribute=f"v{n:02d}", column_name=ind.header, widget=widgets.DecimalWidget()
            )

        class Meta:
            import_id_fields = ("credit_code", "period")
            fields = tuple(declared)

        Meta.model = model  # type: ignore[attr-defined]

        def before_import(self: Any, dataset: Any, **kwargs: Any) -> None:
            dataset.append_col([PERIOD] * dataset.height, header="期间")

        return type(
            "PeerResource",
            (resources.ModelResource,),
            {**declared, "Meta": Meta, "before_import": before_import},
        )

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["序号", "统一社会信用代码", "企业名称", *(i.header for i in indicators)])
    for r, (_pk, code) in enumerate(enterprises):
        ws.write_row(1 + r, 0, [r + 1, code, f"企业{r}"])
    for r, c, value in value_cells(enterprises, indicators):
        ws.write(1 + r, 3 + c, value)
    wb.close()
    data = buf.getvalue()
    for label, options in (
        ("default", {}),
        (
            "tuned (use_bulk, skip_diff, batch 2000)",
            {"use_bulk": True, "skip_diff": True, "batch_size": 2000},
        ),
    ):
        model.objects.all().delete()
        cls = resource_class()
        for key, value in options.items():
            setattr(cls._meta, key, value)
        started = time.perf_counter()
        dataset = XLSX().create_dataset(data)
        result = cls().import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
        elapsed = time.perf_counter() - started
        assert not result.has_errors() and model.objects.count() == len(enterprises)
        print(
            f"peer django-import-export, {label}: {elapsed:.1f}s = {elapsed / floor:.1f}× floor (1 run)"
        )
    with connection.schema_editor() as editor:
        editor.delete_model(model)


if __name__ == "__main__":
    sys.exit(main())
