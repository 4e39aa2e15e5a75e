"""Decide by content, before any parsing, whether an upload is a safe .xlsx workbook.

The name and the browser's content type prove nothing: the zip signature, the package's
[Content_Types].xml and the declared member sizes are checked, so that macro workbooks,
renamed files and zip bombs never reach the parser (OWASP ASVS V12.1, V12.2).
"""

from __future__ import annotations

import io
import zipfile

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 200  # real sheet XML compresses 5-30×; a bomb compresses 1000×
RATIO_APPLIES_ABOVE = 1024 * 1024
MAX_MEMBERS = 2000
MAX_CONTENT_TYPES_BYTES = 256 * 1024

ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (BIFF) and encrypted xlsx
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"


class FileProblem(Exception):
    """A file-level problem; `code` is stable, `detail` is for the log only."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


def check_xlsx(data: bytes) -> None:
    """Raise FileProblem(code) unless data is a plain .xlsx workbook of sane size."""
    if not data:
        raise FileProblem("file_empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileProblem("file_too_large", str(len(data)))
    if data.startswith(OLE2_SIGNATURE):
        raise FileProblem("xls_not_supported")
    if not data.startswith(ZIP_SIGNATURE):
        raise FileProblem("not_xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise FileProblem("not_xlsx", type(exc).__name__) from exc
    if len(infos) > MAX_MEMBERS:
        raise FileProblem("zip_bomb", f"{len(infos)} members")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_APPLIES_ABOVE:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_MEMBER_RATIO:
                raise FileProblem("zip_bomb", f"{info.filename} ratio {ratio:.0f}")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileProblem("zip_bomb", f"{total} bytes uncompressed")
    names = {info.filename.lower(): info for info in infos}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise FileProblem("macro_enabled")
    content_types = names.get("[content_types].xml")
    if content_types is None or content_types.file_size > MAX_CONTENT_TYPES_BYTES:
        raise FileProblem("not_xlsx", "no [Content_Types].xml")
    # zipfile raises NotImplementedError for compression methods it cannot read: not an xlsx.
    try:
        text = archive.read(content_types).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise FileProblem("not_xlsx", type(exc).__name__) from exc
    if XLSM_MAIN in text or "macroEnabled" in text:
        raise FileProblem("macro_enabled")
    if XLSX_MAIN not in text and TEMPLATE_MAIN not in text:
        raise FileProblem("not_xlsx", "not a spreadsheet package")
