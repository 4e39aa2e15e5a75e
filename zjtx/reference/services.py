"""Writes for reference data: load the versioned files in data/ into the database.

A file is reloaded only when its checksum differs from the last recorded load, so the loader is
cheap enough to run on every start. Rows are upserted and never deleted: a retired division
keeps its row with valid_to and successor_code, and an enterprise keeps its industry code.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.db import transaction

from zjtx.core.audit import audit_record

from .models import AssessmentUnit, Division, IndustryCode, ReferenceDataset, SizeStandard
from .sizing import SECTION_FOR_DIVISION

if TYPE_CHECKING:
    from zjtx.accounts.models import User


DATA_DIR = Path(__file__).resolve().parent / "data"
# Load order matters only for readability of the log; no dataset reads another.
DATA_FILES = ("divisions.yaml", "units.yaml", "industries.yaml", "size_standard.yaml")

try:
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _YamlLoader = yaml.SafeLoader


class ReferenceDataError(ValueError):
    """A data file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class LoadOutcome:
    name: str
    version: str
    changed: bool
    rows: int


@dataclass(frozen=True)
class IndustryRow:
    code: str
    name: str
    level: str
    parent_code: str


def file_checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def parse_industry_codes(text: str) -> list[IndustryRow]:
    """'C' / '36 汽车制造业' / '3670 …' lines -> rows with full codes (C3670) and parents."""
    rows: list[IndustryRow] = []
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        code, _, name = line.partition(" ")
        name = name.strip()
        if not name:
            raise ReferenceDataError(f"industries line {number}: no name")
        if code.isalpha() and len(code) == 1:
            section = code.upper()
            rows.append(IndustryRow(section, name, IndustryCode.Level.SECTION, ""))
            continue
        levels = {
            2: IndustryCode.Level.DIVISION,
            3: IndustryCode.Level.GROUP,
            4: IndustryCode.Level.CLASS,
        }
        if not code.isdigit() or len(code) not in levels or not section:
            raise ReferenceDataError(f"industries line {number}: bad code {code!r}")
        if SECTION_FOR_DIVISION.get(code[:2]) != section:
            raise ReferenceDataError(f"industries line {number}: {code} is not in {section}")
        parent = section if len(code) == 2 else section + code[:-1]
        rows.append(IndustryRow(section + code, name, levels[len(code)], parent))
    return rows


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _load_divisions(data: dict[str, Any]) -> int:
    rows = data["divisions"]
    for row in rows:
        Division.objects.update_or_create(
            code=row["code"],
            name=row["name"],
            defaults={
                "level": row["level"],
                "parent_code": row.get("parent_code", ""),
                "valid_from": _date(row.get("valid_from")),
                "valid_to": _date(row.get("valid_to")),
                "successor_code": row.get("successor_code", ""),
                "note": row.get("note", ""),
            },
        )
    return len(rows)


def _load_units(data: dict[str, Any]) -> int:
    rows = data["units"]
    for row in rows:
        # Keyed by code: fixtures and earlier loads may already hold the row.
        AssessmentUnit.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "full_name": row.get("full_name", ""),
                "kind": row["kind"],
                "division_code": row.get("division_code", ""),
                "sort_order": row.get("sort_order", 0),
                "valid_from": _date(row.get("valid_from")),
                "valid_to": _date(row.get("valid_to")),
            },
        )
    return len(rows)


def _load_industries(data: dict[str, Any]) -> int:
    rows = parse_industry_codes(data["codes"])
    aliases: dict[str, list[str]] = data.get("aliases") or {}
    unknown = set(aliases) - {row.code for row in rows}
    if unknown:
        raise ReferenceDataError(f"industries: aliases for unknown codes {sorted(unknown)}")
    standard = data.get("standard", "GB/T 4754-2017")
    objects = [
        IndustryCode(
            code=row.code,
            name=row.name,
            level=row.level,
            parent_code=row.parent_code,
            standard=standard,
            aliases=list(aliases.get(row.code, [])),
        )
        for row in rows
    ]
    # One statement per batch on both SQLite and PostgreSQL (INSERT … ON CONFLICT DO UPDATE).
    IndustryCode.objects.bulk_create(
        objects,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "parent_code", "standard", "aliases"],
    )
    return len(objects)


def _load_size_standards(data: dict[str, Any]) -> int:
    rows = data["standards"]
    for row in rows:
        rules = row["rules"]
        for key, sector in rules["sectors"].items():
            for part in ("sme_ceiling", "medium", "small"):
                if set(sector[part]) != set(sector["indicators"]):
                    raise ReferenceDataError(f"size standard {key}.{part}: indicators differ")
        SizeStandard.objects.update_or_create(
            code=row["code"],
            defaults={
                "title": row["title"],
                "document": row["document"],
                "effective_from": _date(row["effective_from"]),
                "effective_to": _date(row.get("effective_to")),
                "rules": rules,
            },
        )
    return len(rows)


LOADERS: dict[str, Callable[[dict[str, Any]], int]] = {
    "divisions": _load_divisions,
    "units": _load_units,
    "industries": _load_industries,
    "size_standards": _load_size_standards,
}


def read_data_file(path: Path) -> tuple[bytes, dict[str, Any]]:
    content = path.read_bytes()
    data = yaml.load(content, Loader=_YamlLoader)  # _YamlLoader is a safe loader
    if not isinstance(data, dict) or data.get("dataset") not in LOADERS or "version" not in data:
        raise ReferenceDataError(
            f"{path.name}: needs 'dataset' (one of {sorted(LOADERS)}) and 'version'"
        )
    return content, data


def _peek_dataset_name(path: Path, content: bytes) -> str:
    """The dataset name without parsing the whole file (it is on a top-level line)."""
    for line in content.decode("utf-8").splitlines():
        if line.startswith("dataset:"):
            return line.split(":", 1)[1].strip().strip("'\"")
    raise ReferenceDataError(f"{path.name}: no 'dataset' line")


def reference_dataset_load(
    *, path: Path, force: bool = False, actor: User | None = None
) -> LoadOutcome:
    """Load one data file if its checksum changed since the last recorded load."""
    content = path.read_bytes()
    checksum = file_checksum(content)
    name = _peek_dataset_name(path, content)
    latest = ReferenceDataset.objects.filter(name=name).order_by("-loaded_at", "-id").first()
    if latest is not None and latest.checksum == checksum and not force:
        return LoadOutcome(name=name, version=latest.version, changed=False, rows=latest.rows)
    _content, data = read_data_file(path)
    with transaction.atomic():
        rows = LOADERS[data["dataset"]](data)
        record = ReferenceDataset.objects.create(
            name=data["dataset"],
            version=str(data["version"]),
            source=" ".join(str(data.get("source", "")).split())[:255],
            checksum=checksum,
            rows=rows,
        )
        audit_record(
            actor=actor,
            action="reference.load",
            obj=record,
            after={"name": record.name, "version": record.version, "rows": rows},
            username="" if actor else "system",
        )
    return LoadOutcome(name=record.name, version=record.version, changed=True, rows=rows)


def reference_load(
    *, data_dir: Path | None = None, force: bool = False, actor: User | None = None
) -> list[LoadOutcome]:
    """Load every reference file in data_dir (default: the packaged data/)."""
    folder = data_dir or DATA_DIR
    return [
        reference_dataset_load(path=path, force=force, actor=actor) for path in _data_files(folder)
    ]


def _data_files(folder: Path) -> Iterable[Path]:
    for filename in DATA_FILES:
        path = folder / filename
        if path.exists():
            yield path
