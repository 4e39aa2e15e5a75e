"""An import process killed (SIGKILL) in the middle of its write stores nothing.

The child process runs against its own SQLite file, stores a first upload, then starts a
correction whose value insert is held after the history rows are written and the old
values deleted. The parent kills it there and reads the file: the first upload is intact.
The killed run's stored workbook has no row; cleanup_orphan_uploads removes it (issue 16).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

CHILD = r"""
import os, sys, time
sys.path.insert(0, os.environ["ZJTX_ROOT"])
import django
django.setup()
from django.conf import settings
settings.MEDIA_ROOT = os.environ["ZJTX_MEDIA"]
from django.core.management import call_command
call_command("migrate", verbosity=0)
from zjtx.accounts.models import Role, User
from zjtx.core.credit_code import make_valid_code
from zjtx.enterprises.models import Enterprise
from zjtx.monitoring import services
from zjtx.monitoring.imports import load
from zjtx.monitoring.tests import xlsx_files as X
from zjtx.reference.models import AssessmentUnit

unit = AssessmentUnit.objects.create(code="340202", name="镜湖区", kind="district")
codes = [make_valid_code(f"913402020000{n:05d}") for n in range(50)]
Enterprise.objects.bulk_create(Enterprise(credit_code=c, name=c, unit=unit) for c in codes)
user = User.objects.create_user(username="city", password="x", role=Role.CITY_OFFICER)
first = services.import_upload(actor=user, period_code="2026-09", data=X.workbook([X.row(c) for c in codes]), original_name="a.xlsx")
assert first.status == "committed"
marker = os.environ["ZJTX_MARKER"]
real = load._bulk_insert

def held(model, columns, rows):
    open(marker, "w").write("holding")
    time.sleep(60)
    return real(model, columns, rows)

load._bulk_insert = held
services.import_upload(actor=user, period_code="2026-09", data=X.workbook([X.row(c, 营业收入=1) for c in codes]), original_name="b.xlsx")
"""

CLEANUP = r"""
import os, sys
sys.path.insert(0, os.environ["ZJTX_ROOT"])
import django
django.setup()
from django.conf import settings
settings.MEDIA_ROOT = os.environ["ZJTX_MEDIA"]
from django.core.management import call_command
call_command("cleanup_orphan_uploads", "--min-age-minutes", "0")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_import_leaves_the_stored_data_intact(tmp_path):
    db = tmp_path / "kill.sqlite3"
    marker = tmp_path / "marker"
    media = tmp_path / "media"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "ZJTX_ROOT": str(ROOT),
        "ZJTX_MARKER": str(marker),
        "ZJTX_MEDIA": str(media),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], env=env, cwd=ROOT, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if child.poll() is not None:
                pytest.fail(child.stderr.read().decode()[-2000:] if child.stderr else "child died")
            if time.monotonic() > deadline:
                pytest.fail("the child never reached the write")
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    con = sqlite3.connect(db)
    try:
        count, revenue_sum = con.execute(
            "SELECT COUNT(*), SUM(CASE WHEN i.code = 'operating_revenue' THEN v.value END) "
            "FROM monitoring_monitoringvalue v JOIN monitoring_indicator i ON i.id = v.indicator_id"
        ).fetchone()
        history = con.execute("SELECT COUNT(*) FROM monitoring_monitoringvaluehistory").fetchone()[
            0
        ]
        runs = con.execute("SELECT status FROM monitoring_importrun ORDER BY id").fetchall()
    finally:
        con.close()
    assert count == 50 * 13
    assert revenue_sum == pytest.approx(50 * 10005000)  # the first upload's 1000.5 万元 each
    assert history == 0
    assert runs == [("committed",)]

    stored = [p for p in media.rglob("*") if p.is_file()]
    assert len(stored) == 2  # the first run's workbook and the killed run's orphan
    subprocess.run([sys.executable, "-c", CLEANUP], env=env, cwd=ROOT, check=True, timeout=120)
    con = sqlite3.connect(db)
    try:
        (kept,) = con.execute("SELECT file FROM monitoring_importrun").fetchone()
    finally:
        con.close()
    assert [p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()] == [kept]
