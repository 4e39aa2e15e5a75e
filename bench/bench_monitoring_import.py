"""Monitoring import at city scale: our dry run and commit against the floor, in one run.

    .venv/bin/python bench/bench_monitoring_import.py            # SQLite (var/bench_monitoring.sqlite3)
    DATABASE_URL=postgres://... .venv/bin/python bench/...        # SQLite, then PostgreSQL too

Data: 20,000 enterprises (created once with bulk_create in the bench database, or reused),
and the monthly template filled for all of them with every catalogue indicator
(13 numeric + 1 text = up to 280,000 values).

Floor (perf-floors-security.md A.4, peer-baselines.md Task A, method c): python-calamine
`to_python()` of the same file plus the fastest raw insert of the same values (one row per
enterprise and indicator, keyed by credit code, no indexes) into a scratch table of the same
database: `executemany` on SQLite, `COPY` on PostgreSQL, in one transaction. A "wide" floor
(one 16-column row per enterprise) is printed for reference as well.

Measured, median of 3 interleaved passes, in one process per database:
  floor        calamine read + raw insert
  dry run      zjtx.monitoring.services.import_upload(dry_run=True): checks, reads, validates,
               compares with stored values, records the run; writes no values
  commit       the same with dry_run=False into an empty period
  re-commit    the identical file again (compares 280k values, writes none)
Targets (issue 5): commit <= 2.5x floor, dry run <= 1.5x floor.

The peer (django-import-export) runs only when importable; it is not a project dependency.
Its reference ratios from peer-baselines.md Task A are printed either way.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
N_ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "20000"))
PASSES = int(os.environ.get("BENCH_PASSES", "3"))
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
    for label, url in targets:
        print(f"\n=== {label} ===", flush=True)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
        result = subprocess.run([sys.executable, __file__, "--child"], env=env, cwd=ROOT)
        if result.returncode != 0:
            print(f"{label}: benchmark failed (exit {result.returncode})")
            return result.returncode
    return 0


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
    times: dict[str, list[float]] = {k: [] for k in ("floor", "wide", "dry", "commit", "recommit")}
    for p in range(PASSES):
        clear_period()
        times["floor"].append(floor_long(data))
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
        print(
            f"pass {p + 1}: floor {times['floor'][-1]:.2f}s  dry {times['dry'][-1]:.2f}s  "
            f"commit {times['commit'][-1]:.2f}s  re-commit {times['recommit'][-1]:.2f}s",
            flush=True,
        )
    verify_stored(n_values)
    med = {k: statistics.median(v) for k, v in times.items()}
    floor = med["floor"]
    print(f"\n{'method':<58}{'median s':>9}{'× floor':>9}")
    rows = [
        ("floor: calamine read + raw insert, long (same values)", med["floor"]),
        ("floor, wide layout (one row per enterprise), reference", med["wide"]),
        ("ours: dry run (validate + compare, no writes)", med["dry"]),
        ("ours: commit into an empty period", med["commit"]),
        ("ours: re-commit identical file (no writes)", med["recommit"]),
    ]
    for name, value in rows:
        print(f"{name:<58}{value:>9.2f}{value / floor:>8.2f}×")
    commit_ok = med["commit"] <= 2.5 * floor
    dry_ok = med["dry"] <= 1.5 * floor
    print(
        f"\ntargets: commit ≤ 2.5× floor: {'MET' if commit_ok else 'MISSED'} "
        f"({med['commit'] / floor:.2f}×); dry run ≤ 1.5× floor: "
        f"{'MET' if dry_ok else 'MISSED'} ({med['dry'] / floor:.2f}×)"
    )
    print(
        f"against the wide floor: commit {med['commit'] / med['wide']:.2f}×, dry run {med['dry'] / med['wide']:.2f}×"
    )
    peer(floor, enterprises, indicators)
    clear_period()
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
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


def floor_long(data: bytes) -> float:
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
        else:
            cursor.executemany("INSERT INTO bench_floor_long VALUES (%s, %s, %s, %s)", params)
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


def timed_import(actor: Any, data: bytes, *, dry_run: bool) -> tuple[Any, float]:
    from zjtx.monitoring.services import import_upload

    started = time.perf_counter()
    run = import_upload(
        actor=actor, period_code=PERIOD, data=data, original_name="bench.xlsx", dry_run=dry_run
    )
    return run, time.perf_counter() - started


def verify_stored(n_values: int) -> None:
    from django.db.models import Count, Sum

    from zjtx.monitoring.models import MonitoringValue

    got = MonitoringValue.objects.filter(period__code=PERIOD).aggregate(
        n=Count("indicator_id"), s=Sum("value")
    )
    assert got["n"] == n_values, got
    assert isinstance(got["s"], Decimal)
    print(f"stored: {got['n']:,} values, sum {got['s']:,.2f} 元")


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
