"""Zip bombs whose headers lie: the declared sizes say "small", the deflate stream says 1 GB.

calamine inflates a member until its deflate stream ends, whatever the zip directory
declares, so check_xlsx inflates (and counts) before the reader ever sees the file.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import pytest

from zjtx.monitoring import services
from zjtx.monitoring.imports import filecheck
from zjtx.monitoring.imports.filecheck import FileProblem, check_xlsx
from zjtx.monitoring.models import ImportRun, MonitoringValue

from . import xlsx_files as X
from .conftest import PERIOD

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


def deflate_zeros(megabytes: int) -> bytes:
    """A raw deflate stream of `megabytes` MB of zeros (about 1 KB per MB), built cheaply.

    A full flush on a fresh compressor makes a self-contained, byte-aligned run of blocks
    that may be repeated; an empty final block ends the stream.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    one_mb = compressor.compress(b"\0" * MB) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()
    return one_mb * megabytes + final


def lying_zip(good: bytes, name: str, stream: bytes, declared: int) -> bytes:
    """`good` with member `name` replaced by a raw deflate `stream` declared `declared` bytes.

    The member is written stored (so zipfile copies the stream verbatim), then its
    compression method and uncompressed size are patched in both the local header and the
    central directory entry.
    """
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                dst.writestr(name, stream, compress_type=zipfile.ZIP_STORED)
            else:
                dst.writestr(info.filename, src.read(info.filename))
    data = bytearray(out.getvalue())
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name).header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<H", data, local + 8, zipfile.ZIP_DEFLATED)  # method
    struct.pack_into("<I", data, local + 22, declared)  # uncompressed size
    central = data.rfind(name.encode()) - 46  # the name follows the 46-byte entry header
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<H", data, central + 10, zipfile.ZIP_DEFLATED)
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def good_workbook() -> bytes:
    return X.workbook([X.row("91340202MA2WLB001L")])


def bomb(declared: int | None = None, megabytes: int = 1024) -> bytes:
    stream = deflate_zeros(megabytes)
    return lying_zip(good_workbook(), SHEET, stream, declared or 4096)


@pytest.mark.parametrize(
    "declared",
    [4096, 5 * 1024 * 1024],
    ids=["declares-4KB", "declares-a-plausible-5x-ratio"],
)
def test_a_member_that_inflates_past_its_declared_size_is_a_zip_bomb(declared, monkeypatch):
    data = bomb(declared)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    assert (info.file_size, info.compress_type) == (declared, zipfile.ZIP_DEFLATED)
    assert info.compress_size < 1.1 * MB  # 1 GB inside: about 1 KB per MB
    started = time.perf_counter()
    with pytest.raises(FileProblem) as exc:
        check_xlsx(data)
    elapsed = time.perf_counter() - started
    assert exc.value.code == "zip_bomb"
    assert elapsed < 5, elapsed  # stops at the cap (~200 MB inflated), never the whole 1 GB
    # The declared sizes alone let it through: only inflating tells.
    monkeypatch.setattr(filecheck, "check_inflated_sizes", lambda data, infos: None)
    check_xlsx(data)


@pytest.mark.django_db
def test_a_lying_bomb_upload_is_rejected_and_nothing_is_stored(unit_officer):
    with pytest.raises(services.MonitoringError) as exc:
        services.import_upload(
            actor=unit_officer, period_code=PERIOD, data=bomb(), original_name="炸弹.xlsx"
        )
    assert exc.value.code == "zip_bomb"
    run = ImportRun.objects.get(pk=exc.value.fields["import_id"])
    assert run.status == "rejected" and run.error_code == "zip_bomb"
    assert [e["code"] for e in run.errors] == ["zip_bomb"]
    assert not run.file  # the file itself is not kept
    assert MonitoringValue.objects.count() == 0


def test_the_total_inflated_size_is_capped(monkeypatch):
    monkeypatch.setattr(filecheck, "MAX_MEMBER_RATIO", 10_000)
    monkeypatch.setattr(filecheck, "MAX_UNCOMPRESSED_BYTES", 32 * MB)
    with pytest.raises(FileProblem) as exc:
        check_xlsx(bomb(megabytes=64))
    assert exc.value.code == "zip_bomb" and "inflated" in exc.value.detail


def test_members_sharing_one_compressed_stream_are_a_zip_bomb():
    data = bytearray(X.rezip(good_workbook(), add={"xl/media/a.bin": b"x" * 1000}))
    # Point the last member's central directory entry at the first member's local header.
    central = data.rfind(b"xl/media/a.bin") - 46
    struct.pack_into("<I", data, central + 42, 0)
    with pytest.raises(FileProblem) as exc:
        check_xlsx(bytes(data))
    assert exc.value.code == "zip_bomb" and "overlaps" in exc.value.detail


def test_compression_other_than_stored_or_deflate_is_not_xlsx():
    src = zipfile.ZipFile(io.BytesIO(good_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            method = zipfile.ZIP_BZIP2 if info.filename == SHEET else zipfile.ZIP_DEFLATED
            dst.writestr(info.filename, src.read(info.filename), compress_type=method)
    with pytest.raises(FileProblem) as exc:
        check_xlsx(out.getvalue())
    assert exc.value.code == "not_xlsx"


@pytest.mark.django_db
def test_a_damaged_deflate_stream_is_left_to_the_reader(unit_officer):
    damaged = lying_zip(good_workbook(), SHEET, b"\xff" * 300, 4096)  # not valid deflate
    check_xlsx(damaged)  # no bomb: nothing inflates
    with pytest.raises(services.MonitoringError) as exc:
        services.import_upload(
            actor=unit_officer, period_code=PERIOD, data=damaged, original_name="坏.xlsx"
        )
    assert exc.value.code == "file_unreadable"


def test_honest_workbooks_pass_and_inflation_counts_every_byte():
    data = X.workbook([X.row("91340202MA2WLB001L")] * 2000)
    check_xlsx(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(SHEET)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    stream = memoryview(data)[start : start + info.compress_size]
    assert filecheck._inflated_size(stream, 10**9) == info.file_size == len(archive.read(SHEET))
