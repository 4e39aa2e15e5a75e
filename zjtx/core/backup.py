"""Backup and verified restore: database dump, uploaded files, signed manifest (issue 15 item 4).

A backup is a directory (or the same directory packed as one ``.tar``)::

    zjtx-backup-20261206T020000/
      manifest.json          what is in it, with SHA-256 checksums, signed (HMAC under the audit key)
      database.dump          PostgreSQL: pg_dump custom format   | SQLite: database.sqlite3,
                                                                   written by SQLite's backup API
      files/...              every file in the upload storage (STORAGES["default"]), by its name
      audit-anchors.jsonl    the signed audit chain heads (ADR 0003), a fresh one written first

The manifest also records the schema migration state and the audit chain head (count, last id,
last hash). ``restore`` works only into an EMPTY database (no tables) and an upload storage that
does not contradict the backup; it checks the signature and every checksum before it writes
anything, restores the database and the files, then verifies the audit chain against the
backup's anchors, the chain head against the manifest, and each restored file's checksum.

Uploads are read and written through Django's storage API only, so the same commands work with a
local disk or an S3-compatible store (django-storages), see docs/operations.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.utils import timezone

FORMAT = "zjtx-backup/1"
MANIFEST = "manifest.json"
ANCHORS = "audit-anchors.jsonl"
FILES_DIR = "files"
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why (in English, for operators)."""


# ---- helpers -------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _signature(body: dict[str, Any]) -> str:
    """Signed with the audit key the manifest names (`key_id`; none is the first key), so a
    backup taken before a key rotation still verifies while the retired key is kept."""
    from .audit import _key_for

    key = _key_for(str(body.get("key_id", "")))
    payload = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, b"zjtx-backup-manifest:" + payload.encode(), hashlib.sha256).hexdigest()


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(dirs):
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _safe_member(name: str) -> str:
    """A storage name as a relative path inside the backup: no absolute path, no `..`."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise BackupError(f"unsafe file name in backup: {name!r}")
    return "/".join(parts)


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"unsupported database engine: {vendor}")
    return vendor


def _pg_args(alias: str) -> tuple[list[str], dict[str, str]]:
    conf = connections[alias].settings_dict
    args: list[str] = []
    if conf.get("HOST"):
        args += ["-h", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["-p", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["-U", str(conf["USER"])]
    args += ["-d", str(conf["NAME"])]
    env = {**os.environ}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def migration_state(alias: str = "default") -> dict[str, list[str]]:
    """Applied migrations per app, from django_migrations."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return {}
    state: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def audit_head(alias: str = "default") -> dict[str, Any]:
    from .models import AuditChainHead, AuditEvent

    events = AuditEvent.objects.using(alias)
    last = events.order_by("-id").values("id", "hash").first()
    head = AuditChainHead.objects.using(alias).filter(pk=1).values_list("last_hash", flat=True)
    return {
        "count": events.count(),
        "last_id": last["id"] if last else 0,
        "last_hash": last["hash"] if last else "",
        "chain_head": head.first() or "",
    }


# ---- backup --------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def create_backup(
    destination: Path,
    *,
    alias: str = "default",
    storage: Storage | None = None,
    as_tar: bool = False,
    progress: Progress | None = None,
) -> BackupResult:
    """Write a new backup under `destination` (a folder); returns its path and manifest."""
    from .audit import anchor_file, audit_anchor

    say = progress or (lambda message: None)
    storage = storage or default_storage
    engine = _engine(alias)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    root = Path(destination) / f"zjtx-backup-{stamp}"
    root.mkdir(parents=True, exist_ok=False)
    try:
        # A fresh signed head first, so the copy below covers every event in the dump.
        audit_anchor()
        head = audit_head(alias)
        say("database")
        if engine == "postgresql":
            db_name = "database.dump"
            args, env = _pg_args(alias)
            _run(["pg_dump", "-Fc", "--no-owner", "-f", str(root / db_name), *args], env)
        else:
            db_name = "database.sqlite3"
            connection = connections[alias]
            connection.ensure_connection()
            target = sqlite3.connect(root / db_name)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        files: list[dict[str, Any]] = []
        say("files")
        for name in _walk(storage):
            member = _safe_member(name)
            path = root / FILES_DIR / member
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            size = 0
            with storage.open(name, "rb") as source, path.open("wb") as target_file:
                for chunk in iter(lambda: source.read(CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    target_file.write(chunk)
            files.append({"name": name, "sha256": digest.hexdigest(), "size": size})
        anchors = anchor_file()
        anchor_entry = None
        if anchors.exists():
            shutil.copyfile(anchors, root / ANCHORS)
            anchor_entry = {"name": ANCHORS, "sha256": sha256_file(root / ANCHORS)}
        body: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "engine": engine,
            "database": {
                "name": db_name,
                "sha256": sha256_file(root / db_name),
                "size": (root / db_name).stat().st_size,
            },
            "files": files,
            "files_total_bytes": sum(f["size"] for f in files),
            "anchors": anchor_entry,
            "migrations": migration_state(alias),
            "audit": head,
        }
        from .audit import _stored_key_id

        if _stored_key_id():
            body["key_id"] = _stored_key_id()
        manifest = {**body, "signature": _signature(body)}
        (root / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    if as_tar:
        tar_path = root.with_suffix(".tar")
        with tarfile.open(tar_path, "w") as archive:
            archive.add(root, arcname=root.name)
        shutil.rmtree(root)
        return BackupResult(tar_path, manifest)
    return BackupResult(root, manifest)


# ---- verify --------------------------------------------------------------------------------


@dataclass
class OpenedBackup:
    root: Path
    manifest: dict[str, Any]
    cleanup: Path | None = None

    def close(self) -> None:
        if self.cleanup is not None:
            shutil.rmtree(self.cleanup, ignore_errors=True)


def open_backup(source: Path) -> OpenedBackup:
    """A backup folder, or a .tar of one (unpacked safely into a temporary folder)."""
    source = Path(source)
    cleanup = None
    if source.is_file() and tarfile.is_tarfile(source):
        cleanup = Path(tempfile.mkdtemp(prefix="zjtx-restore-"))
        with tarfile.open(source) as archive:
            archive.extractall(cleanup, filter="data")
        roots = [p for p in cleanup.iterdir() if (p / MANIFEST).exists()]
        if len(roots) != 1:
            shutil.rmtree(cleanup, ignore_errors=True)
            raise BackupError("the archive does not hold exactly one backup folder")
        root = roots[0]
    elif source.is_dir():
        root = source
    else:
        raise BackupError(f"no backup at {source}")
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)
        raise BackupError(f"unreadable manifest: {exc}") from exc
    return OpenedBackup(root, manifest, cleanup)


def verify_backup(backup: OpenedBackup) -> list[str]:
    """Every problem found: signature, format, and each checksum. Empty means intact."""
    manifest = backup.manifest
    problems: list[str] = []
    body = {k: v for k, v in manifest.items() if k != "signature"}
    if manifest.get("format") != FORMAT:
        problems.append(f"unknown format {manifest.get('format')!r}")
        return problems
    from .audit import AuditKeyError

    try:
        expected = _signature(body)
    except AuditKeyError as exc:
        problems.append(
            f"the manifest is signed with audit key {exc} which this server does not hold "
            "(add it to ZJTX_AUDIT_HMAC_RETIRED_KEYS)"
        )
        return problems
    if not hmac.compare_digest(expected, str(manifest.get("signature", ""))):
        problems.append(
            "manifest signature does not match (altered manifest, or another ZJTX_AUDIT_HMAC_KEY)"
        )
    entries = [(manifest["database"]["name"], manifest["database"]["sha256"])]
    if manifest.get("anchors"):
        entries.append((manifest["anchors"]["name"], manifest["anchors"]["sha256"]))
    entries += [(f"{FILES_DIR}/{_safe_member(f['name'])}", f["sha256"]) for f in manifest["files"]]
    for relative, expected in entries:
        path = backup.root / relative
        if not path.is_file():
            problems.append(f"missing: {relative}")
        elif sha256_file(path) != expected:
            problems.append(f"checksum mismatch: {relative}")
    return problems


# ---- restore -------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    files: int = 0
    skipped_files: int = 0
    problems: list[str] = field(default_factory=list)


def database_is_empty(alias: str = "default") -> bool:
    with connections[alias].cursor() as cursor:
        return not connections[alias].introspection.table_names(cursor)


def restore_backup(
    source: Path,
    *,
    alias: str = "default",
    storage: Storage | None = None,
    progress: Progress | None = None,
) -> RestoreResult:
    """Restore into an empty database; raises BackupError before writing anything if the backup
    is altered or the target is not empty; returns the post-restore verification problems."""
    say = progress or (lambda message: None)
    storage = storage or default_storage
    backup = open_backup(source)
    try:
        say("verifying checksums")
        problems = verify_backup(backup)
        if problems:
            raise BackupError("backup failed verification: " + "; ".join(problems))
        manifest = backup.manifest
        engine = _engine(alias)
        if manifest["engine"] != engine:
            raise BackupError(
                f"the backup is a {manifest['engine']} database; the target is {engine}"
            )
        if not database_is_empty(alias):
            raise BackupError(
                "the target database is not empty: restore only into a new, empty database"
            )
        for entry in manifest["files"]:
            name = entry["name"]
            if storage.exists(name):
                with storage.open(name, "rb") as handle:
                    same = _sha256_stream(handle) == entry["sha256"]
                if not same:
                    raise BackupError(f"the upload storage already holds another {name}")
        say("database")
        db_path = backup.root / manifest["database"]["name"]
        if engine == "postgresql":
            args, env = _pg_args(alias)
            connections[alias].close()
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    "--single-transaction",
                    *args,
                    str(db_path),
                ],
                env,
            )
        else:
            connection = connections[alias]
            connection.ensure_connection()
            source_db = sqlite3.connect(db_path)
            try:
                source_db.backup(connection.connection)
            finally:
                source_db.close()
        result = RestoreResult()
        say("files")
        for entry in manifest["files"]:
            name = entry["name"]
            if storage.exists(name):
                result.skipped_files += 1
                continue
            with (backup.root / FILES_DIR / _safe_member(name)).open("rb") as handle:
                stored = storage.save(name, File(handle))
            if stored != name:
                raise BackupError(f"the storage renamed {name} to {stored}")
            result.files += 1
        _install_anchors(backup)
        say("verifying the restored data")
        result.problems = verify_restored(backup, alias=alias, storage=storage)
        return result
    finally:
        backup.close()


def _sha256_stream(handle: Any) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _install_anchors(backup: OpenedBackup) -> None:
    """Put the backup's anchor file in place when this server has none (a rebuilt server)."""
    from .audit import anchor_file

    if not backup.manifest.get("anchors"):
        return
    target = anchor_file()
    if target.exists() and target.stat().st_size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(backup.root / ANCHORS, target)


def verify_restored(
    backup: OpenedBackup, *, alias: str = "default", storage: Storage | None = None
) -> list[str]:
    """After a restore: the audit chain against the backup's anchors, its head against the
    manifest, the migration state, and every restored file's checksum."""
    from .audit import audit_verify

    storage = storage or default_storage
    manifest = backup.manifest
    problems: list[str] = []
    anchors = backup.root / ANCHORS if manifest.get("anchors") else Path(os.devnull)
    if alias != "default":  # pragma: no cover - the commands always restore the default alias
        raise BackupError("verification runs on the default database")
    for problem in audit_verify(anchor_path=anchors):
        problems.append(f"audit chain: event {problem.event_id}: {problem.reason}")
    head = audit_head(alias)
    for key in ("count", "last_id", "last_hash"):
        if head[key] != manifest["audit"][key]:
            problems.append(
                f"audit head {key}: {head[key]!r} restored, {manifest['audit'][key]!r} in manifest"
            )
    if migration_state(alias) != manifest["migrations"]:
        problems.append("migration state differs from the manifest")
    for entry in manifest["files"]:
        try:
            with storage.open(entry["name"], "rb") as handle:
                if _sha256_stream(handle) != entry["sha256"]:
                    problems.append(f"file checksum after restore: {entry['name']}")
        except FileNotFoundError:
            problems.append(f"file missing after restore: {entry['name']}")
    return problems


def prune_backups(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (folders or .tar) in `folder`; returns them."""
    found = sorted(
        (p for p in Path(folder).glob("zjtx-backup-*") if p.is_dir() or p.suffix == ".tar"),
        key=lambda p: p.name,
    )
    removed = found[:-keep] if keep > 0 else found
    for path in removed:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return removed
