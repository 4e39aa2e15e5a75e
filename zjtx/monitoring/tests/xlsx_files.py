"""Real xlsx files for the tests, written by xlsxwriter (and zip tricks for the bad ones)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

import xlsxwriter

from zjtx.monitoring.catalogue import DEFAULT_INDICATORS


def headers(units: bool = True) -> list[str]:
    out = ["序号", "统一社会信用代码", "企业名称"]
    for _code, name, unit, kind, *_rest in DEFAULT_INDICATORS:
        out.append(name if kind == "text" or not units else f"{name}（{unit}）")
    return out


def blank_values() -> list[Any]:
    return [""] * len(DEFAULT_INDICATORS)


def row(
    code: str, name: str = "企业", values: Sequence[Any] | None = None, **by_name: Any
) -> list[Any]:
    """A data row; `by_name` sets indicator cells by Chinese name, e.g. 营业收入=123.45."""
    cells = (
        list(values)
        if values is not None
        else [1000.5, 900, 50, 12.3, 0, 100000, 85, 30, 200, 80, 150, 5000, 2000, ""]
    )
    names = [name for _c, name, *_r in DEFAULT_INDICATORS]
    for key, value in by_name.items():
        cells[names.index(key)] = value
    return ["", code, name, *cells]


def workbook(
    data_rows: Sequence[Sequence[Any]],
    header: Sequence[str] | None = None,
    title: bool = True,
    as_strings: bool = False,
) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("2026-09")
    r = 0
    if title:
        ws.write(0, 0, "芜湖市专精特新中小企业运行监测月报表")
        ws.write(1, 0, "填报单位（盖章）：镜湖区    单位：万元    期间：2026-09")
        r = 2
    ws.write_row(r, 0, list(header or headers()))
    for i, cells in enumerate(data_rows, start=1):
        for c, value in enumerate(cells):
            if value is None or value == "":
                continue
            if isinstance(value, str) or as_strings:
                ws.write_string(r + i, c, str(value))
            else:
                ws.write(r + i, c, value)
    wb.close()
    return buf.getvalue()


def rezip(
    data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """Copy an xlsx package, replacing or adding members."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = (replace or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, content)
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def xlsm(data: bytes) -> bytes:
    """The same workbook turned into a macro workbook (vbaProject.bin + macroEnabled type)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    types = src.read("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rezip(
        data, replace={"[Content_Types].xml": types}, add={"xl/vbaProject.bin": b"\x00" * 512}
    )


def zip_bomb(data: bytes, megabytes: int = 64) -> bytes:
    """A valid workbook plus a member that inflates 1000× (declared sizes tell)."""
    return rezip(data, add={"xl/media/padding.bin": b"\x00" * (megabytes * 1024 * 1024)})
