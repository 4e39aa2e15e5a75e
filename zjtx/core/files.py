"""Uploaded files: what they really are, where they are stored, and how they are served.

What a file is is decided by its first bytes (OWASP ASVS V12.2.1): certification materials,
subsidy evidence and objection evidence accept PDF, PNG and JPEG; the file name and the
browser's content type prove nothing. (Excel workbooks have their own, deeper check in
zjtx/monitoring/imports/filecheck.py.)

The uploader's file name never reaches the storage path or the response: files are stored
under generated names (`safe_storage_name`) and always served as attachments typed by their
sniffed content (`serve_upload`), so an upload can never run as a page or script of this
origin (issue 16 item 1).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils import timezone

from .xlsx import XLSX_CONTENT_TYPE

# signature → (content type, file extension)
DOCUMENT_SIGNATURES: dict[bytes, tuple[str, str]] = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}


def sniff_document(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, PNG or JPEG by its signature; None otherwise."""
    for signature, kind in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


OCTET_STREAM = ("application/octet-stream", "bin")
STORED_EXTENSIONS = frozenset({"pdf", "png", "jpg", "xlsx", "bin"})
SNIFF_BYTES = 16


def sniff_stored(head: bytes, *, xlsx: bool = False) -> tuple[str, str]:
    """(content type, extension) to serve stored bytes as; unknown content is octet-stream.

    xlsx=True for import files: a ZIP container is then served as a workbook. Anything else
    (HTML, SVG, script, whatever the stored bytes turn out to be) is application/octet-stream.
    """
    kind = sniff_document(head)
    if kind is not None:
        return kind
    if xlsx and head.startswith(b"PK\x03\x04"):
        return XLSX_CONTENT_TYPE, "xlsx"
    return OCTET_STREAM


def safe_storage_name(extension: str) -> str:
    """A generated storage file name: a random hex stem and an allow-listed extension."""
    extension = extension.lower().lstrip(".")
    if extension == "jpeg":
        extension = "jpg"
    if extension not in STORED_EXTENSIONS:
        extension = "bin"
    return f"{uuid.uuid4().hex}.{extension}"


def storage_path(folder: str, filename: str) -> str:
    """For `upload_to` callables: folder plus a generated name; only an allow-listed extension
    of the proposed name survives, so an uploader's name can never shape the stored path."""
    _stem, dot, extension = filename.rpartition(".")
    return f"{folder.strip('/')}/{safe_storage_name(extension if dot else '')}"


def store_upload(field: FieldFile, data: bytes, extension: str) -> str:
    """Write data under a generated name into the model's upload folder; returns the name."""
    field.save(safe_storage_name(extension), ContentFile(data), save=False)
    return str(field.name)


@contextmanager
def removed_on_error(field: FieldFile) -> Iterator[None]:
    """Delete the file just stored in `field` if the block raises (its row was rolled back).

    Django has no rollback hook; a process killed mid-way is left to `cleanup_orphan_uploads`.
    """
    try:
        yield
    except BaseException:
        if field.name:
            field.storage.delete(field.name)
        raise


def serve_upload(field: FieldFile, *, download_stem: str, xlsx: bool = False) -> FileResponse:
    """Send a stored upload as an attachment, typed by its sniffed content only.

    Content-Disposition is always `attachment` with a generated ASCII name (`download_stem` plus
    the sniffed extension), Content-Type comes from the file's own first bytes (never from a
    name), `nosniff` stops browsers guessing, and a sandbox CSP disarms the response even if a
    browser renders it anyway.
    """
    handle: IO[bytes] = field.open("rb")
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    content_type, extension = sniff_stored(head, xlsx=xlsx)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{_ascii_stem(download_stem)}.{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _ascii_stem(stem: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")
    return cleaned[:80] or "download"


def name_stem(filename: str) -> str:
    """An uploader's file name without folders (either separator) or extension, for display."""
    leaf = re.split(r"[\\/]", filename)[-1]
    return leaf.rsplit(".", 1)[0] if "." in leaf[1:] else leaf


def zip_member_part(text: str, *, fallback: str = "file") -> str:
    """One path component of a ZIP member name built from data: letters (CJK included), digits,
    `-`, `_` and inner dots only, so no separator, backslash, drive letter or `..` gets through
    (zip-slip on any client)."""
    text = unicodedata.normalize("NFC", str(text))
    cleaned = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)
    cleaned = re.sub(r"_+", "_", cleaned).strip("._ ")
    return cleaned[:80] or fallback


def orphan_uploads_delete(*, min_age: timedelta, dry_run: bool = False) -> list[str]:
    """Delete stored files no FileField row references, older than min_age; return their names.

    Rows are written after their files, so a process killed in between (kill -9) or a
    transaction rolled back by a caller leaves a file behind. min_age spares files whose
    row is still being written. Every storage behind a FileField holds uploads only.
    """
    from django.apps import apps
    from django.db import models

    referenced: dict[Storage, set[str]] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            names = referenced.setdefault(field.storage, set())
            rows = model._base_manager.exclude(**{field.attname: ""}).exclude(
                **{f"{field.attname}__isnull": True}
            )
            names.update(rows.values_list(field.attname, flat=True).iterator())
    cutoff = timezone.now() - min_age
    deleted: list[str] = []
    for storage, names in referenced.items():
        for name in _walk(storage, ""):
            if name in names or storage.get_modified_time(name) > cutoff:
                continue
            if not dry_run:
                storage.delete(name)
            deleted.append(name)
    return deleted


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in dirs:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)
