"""`manage.py backup` and `manage.py restore` round trip (issue 15 item 4).

The data is made here (enterprises with encrypted phones, audit events, uploads on disk), backed
up from the test database, and restored by a separate `manage.py restore` process into a new,
empty database (a SQLite file, or a new PostgreSQL database when DATABASE_URL is PostgreSQL) and
an empty upload folder; the restore verifies the audit chain and every file itself, and the test
checks the restored rows, files and ciphertext again from outside.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from zjtx.core.audit import audit_record
from zjtx.core.backup import (
    BackupError,
    create_backup,
    open_backup,
    prune_backups,
    restore_backup,
    sha256_file,
    verify_backup,
)

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)
PHONE = "13955307788"
PDF = b"%PDF-1.4\n" + os.urandom(4096)


@pytest.fixture
def on_disk(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # The anchors of this test's database only (another test's chain reuses the same ids).
    settings.ZJTX_AUDIT_ANCHOR_PATH = tmp_path / "anchors.jsonl"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return tmp_path


@pytest.fixture
def data(on_disk, units, make_user):
    from zjtx.accounts.models import Role
    from zjtx.enterprises import services

    city = make_user(Role.CITY_OFFICER)
    made = []
    for n in range(3):
        made.append(
            services.enterprise_create(
                actor=city,
                credit_code=_code(n),
                name=f"芜湖备份测试企业{n}有限公司",
                unit="340202",
                contact_name="张三",
                contact_phone=PHONE if n == 0 else f"1395530000{n}",
            )
        )
    names = [
        default_storage.save(
            f"certification/materials/2026/{uuid.uuid4().hex}.pdf", ContentFile(PDF)
        ),
        default_storage.save(f"subsidies/2026/12/{uuid.uuid4().hex}.pdf", ContentFile(PDF[::-1])),
        default_storage.save(
            "monitoring/imports/2026/12/月报.xlsx", ContentFile(b"PK\x03\x04" * 50)
        ),
    ]
    audit_record(actor=city, action="test.backup_marker", object_type="test", object_id="1")
    return {"enterprises": made, "files": names}


def _code(n: int) -> str:
    from zjtx.core.credit_code import make_valid_code

    return make_valid_code(f"91340200MA2B{n:04d}X")


def _target_database(tmp_path: Path) -> tuple[str, object]:
    """A new empty database for the restore process: its URL, and a function that drops it."""
    vendor = connection.vendor
    if vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        return f"sqlite:///{path}", lambda: None
    import psycopg

    conf = connection.settings_dict
    name = f"{conf['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = dict(
        host=conf.get("HOST") or None,
        port=conf.get("PORT") or None,
        user=conf.get("USER") or None,
        password=conf.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**{k: v for k, v in admin.items() if v is not None}) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(**{k: v for k, v in admin.items() if v is not None}) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    user = conf.get("USER") or ""
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{name}", drop


def _manage(
    args: list[str], *, url: str, media: Path, anchors: Path
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zjtx.core.tests.restore_settings",
        "DATABASE_URL": url,
        "ZJTX_TEST_MEDIA_ROOT": str(media),
        "ZJTX_AUDIT_ANCHOR_PATH": str(anchors),
        "ZJTX_AUDIT_HMAC_KEY": settings.ZJTX_AUDIT_HMAC_KEY,
        "ZJTX_SM4_KEYS": settings.ZJTX_SM4_KEYS,
        "ZJTX_BLIND_INDEX_KEY": settings.ZJTX_BLIND_INDEX_KEY,
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_backup_and_restore_round_trip(data, on_disk):
    result = create_backup(on_disk / "backups", as_tar=True)
    manifest = result.manifest
    assert result.path.suffix == ".tar" and result.path.is_file()
    assert manifest["engine"] == connection.vendor
    assert {f["name"] for f in manifest["files"]} == set(data["files"])
    assert manifest["audit"]["count"] >= 4 and manifest["audit"]["last_hash"]
    assert "0001_initial" in manifest["migrations"]["enterprises"]
    assert manifest["anchors"] is not None

    url, drop = _target_database(on_disk)
    media, anchors = on_disk / "restored-media", on_disk / "restored-anchors.jsonl"
    try:
        done = _manage(["restore", str(result.path)], url=url, media=media, anchors=anchors)
        assert done.returncode == 0, done.stderr + done.stdout
        assert "audit chain intact" in done.stdout
        # The restored uploads, byte for byte.
        for entry in manifest["files"]:
            assert sha256_file(media / entry["name"]) == entry["sha256"]
        # From outside the restore: the audit chain verifies against the restored anchor file,
        # personal data is still ciphertext in the column and decrypts with the same keys.
        checked = _manage(
            [
                "shell",
                "--no-imports",
                "-c",
                "from django.core.management import call_command;"
                "call_command('audit_verify');"
                "from zjtx.enterprises.models import Enterprise as E;"
                "from django.db import connection as c;"
                "cur = c.cursor();"
                "cur.execute('SELECT contact_phone FROM enterprises_enterprise ORDER BY id');"
                "print(cur.fetchone()[0][:4]);"
                f"print(E.objects.get(credit_code='{data['enterprises'][0].credit_code}').contact_phone);"
                "print(E.objects.count())",
            ],
            url=url,
            media=media,
            anchors=anchors,
        )
        assert checked.returncode == 0, checked.stderr
        lines = checked.stdout.split()
        assert lines[-3:] == ["SM4.", PHONE, "3"]
        assert "Audit chain verified" in checked.stdout or "审计" in checked.stdout
    finally:
        drop()


def test_restore_refuses_a_non_empty_database(data, on_disk):
    result = create_backup(on_disk / "backups")
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(result.path)


def test_a_changed_file_in_the_backup_is_detected_before_anything_is_written(data, on_disk):
    result = create_backup(on_disk / "backups")
    victim = result.path / "files" / data["files"][0]
    victim.write_bytes(victim.read_bytes()[:-1] + b"\x00")
    backup = open_backup(result.path)
    assert verify_backup(backup) == [f"checksum mismatch: files/{data['files'][0]}"]
    with pytest.raises(BackupError, match="checksum mismatch"):
        restore_backup(result.path)


def test_a_manifest_edited_to_match_is_caught_by_its_signature(data, on_disk):
    result = create_backup(on_disk / "backups")
    victim = result.path / "database.sqlite3"
    if not victim.exists():
        victim = result.path / "database.dump"
    victim.write_bytes(victim.read_bytes() + b"x")
    manifest_path = result.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["database"]["sha256"] = sha256_file(victim)
    manifest_path.write_text(json.dumps(manifest))
    problems = verify_backup(open_backup(result.path))
    assert any("signature" in p for p in problems)


def test_a_missing_upload_is_reported(data, on_disk):
    result = create_backup(on_disk / "backups")
    (result.path / "files" / data["files"][1]).unlink()
    assert verify_backup(open_backup(result.path)) == [f"missing: files/{data['files'][1]}"]


def test_backup_command_and_retention(data, on_disk):
    from django.core.management import call_command

    for _ in range(3):
        call_command("backup", "--dest", str(on_disk / "nightly"), "--tar", "--keep", "2")
    kept = sorted(p.name for p in (on_disk / "nightly").iterdir())
    assert len(kept) == 2 and all(name.endswith(".tar") for name in kept)
    assert prune_backups(on_disk / "nightly", keep=5) == []
    shutil.rmtree(on_disk / "nightly")


def test_a_sqlite_backup_is_a_consistent_database(data, on_disk):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    result = create_backup(on_disk / "backups")
    db = sqlite3.connect(result.path / "database.sqlite3")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        raw = [r[0] for r in db.execute("SELECT contact_phone FROM enterprises_enterprise")]
    finally:
        db.close()
    assert raw and all(value.startswith("SM4.") for value in raw)
    assert PHONE not in "".join(raw)


def test_a_backup_taken_before_an_audit_key_rotation_still_verifies(data, on_disk, settings):
    first_key = settings.ZJTX_AUDIT_HMAC_KEY
    result = create_backup(on_disk / "backups")
    settings.ZJTX_AUDIT_HMAC_KEY = "rotated-audit-key-0123456789abcdefghijklmnopqrstuv"
    settings.ZJTX_AUDIT_HMAC_KEY_ID = "2027a"
    settings.ZJTX_AUDIT_HMAC_RETIRED_KEYS = ""
    problems = verify_backup(open_backup(result.path))
    assert len(problems) == 1 and "audit key 0" in problems[0]  # the retired key is missing
    settings.ZJTX_AUDIT_HMAC_RETIRED_KEYS = f"0:{first_key}"
    assert verify_backup(open_backup(result.path)) == []
    later = create_backup(on_disk / "backups-later")
    assert json.loads((later.path / "manifest.json").read_text())["key_id"] == "2027a"
    assert verify_backup(open_backup(later.path)) == []
