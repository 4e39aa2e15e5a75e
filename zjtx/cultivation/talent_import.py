"""Talent records from Excel (芜湖实施意见 二(八)): the bureau's template, read with calamine,
every row checked by the same rules as one record entered on the page, all or nothing.

Columns: 类别 (技师 / 高级技师 / 首席技师), 姓名, 公民身份号码, 证书编号, 取得日期,
企业统一社会信用代码, 所属县市区（无企业时填写）. A refused file lists every faulty row with its
Excel row number and column, and writes nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import xlsxwriter
from django.db import transaction
from django.http import Http404
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role, User
from zjtx.core.audit import audit_record
from zjtx.core.errors import DomainError
from zjtx.enterprises import selectors as enterprise_selectors
from zjtx.reference.models import AssessmentUnit

from . import services
from .errors import CultivationError, CultivationErrorCode
from .models import TalentKind

HEADERS = (
    "类别",
    "姓名",
    "公民身份号码",
    "证书编号",
    "取得日期",
    "企业统一社会信用代码",
    "所属县市区（无企业时填写）",
)
KIND_OF = {
    "技师": TalentKind.TECHNICIAN,
    "高级技师": TalentKind.SENIOR_TECHNICIAN,
    "首席技师": TalentKind.CHIEF_TECHNICIAN,
    "市首席技师": TalentKind.CHIEF_TECHNICIAN,
    **{k.value: k for k in TalentKind},
}
MAX_ROWS = 3000
MAX_BYTES = 5 * 1024 * 1024
MAX_ERRORS_SHOWN = 200


@dataclass
class ImportReport:
    created: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # "第N行 列名" -> message


def template_xlsx() -> bytes:
    """The blank template: headers, the ID and code columns as text, a list for 类别, and a
    sheet of instructions."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet("技能人才")
    head = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center"})
    text = wb.add_format({"num_format": "@"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, HEADERS, head)
    for col, width in enumerate((12, 12, 22, 20, 14, 24, 26)):
        ws.set_column(col, col, width, text if col in (2, 3, 5, 6) else day if col == 4 else None)
    ws.data_validation(
        1, 0, MAX_ROWS, 0, {"validate": "list", "source": ["技师", "高级技师", "首席技师"]}
    )
    ws.freeze_panes(1, 0)
    notes = wb.add_worksheet("填写说明")
    lines = [
        "填写说明",
        "1. 每行一人一个类别：技师、高级技师或首席技师（市首席技师）。",
        "2. 公民身份号码填写18位，末位可为X；请保持本列为文本格式，以免位数丢失。",
        "3. 技师、高级技师须填写职业资格（技能等级）证书编号；首席技师可不填。",
        "4. 取得日期为证书取得或首席技师选拔日期，格式 2026-03-01，不得晚于今天。",
        "5. 企业填写本企业统一社会信用代码或留空；县市区、开发区可填写辖区内企业，"
        "无所属企业的人员留空代码并填写所属县市区（市级用户须填写）。",
        "6. 同一人同一类别已登记的，整份文件不予导入，并列出重复的行。",
        "7. 有任何一行不符合要求时整份文件不导入，请按提示修改后重新上传。",
        f"8. 每个文件最多 {MAX_ROWS} 行。",
    ]
    for n, line in enumerate(lines):
        notes.write(n, 0, line)
    notes.set_column(0, 0, 100)
    wb.close()
    return buf.getvalue()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value).replace("/", "-").replace(".", "-")
    text = text.replace("年", "-").replace("月", "-").replace("日", "")
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        text = f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    try:
        return parse_date(text)
    except ValueError:
        return None


def read_sheet(data: bytes) -> list[list[Any]]:
    """The first visible worksheet's rows; a file that is not a readable workbook is refused."""
    from zjtx.monitoring.imports.filecheck import FileProblem
    from zjtx.monitoring.imports.reader import read_first_sheet

    if len(data) > MAX_BYTES:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT,
            _("The file is larger than 5 MB."),
            {"file": _("Too large")},
        )
    try:
        return read_first_sheet(data)
    except FileProblem as problem:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT,
            _("The file cannot be read as an Excel workbook (.xlsx)."),
            {"file": str(problem)},
        ) from problem


def talent_import(*, actor: User, data: bytes) -> ImportReport:
    """Import every row or none: each row is entered as on the page (scope, ID check, duplicate
    by ID number), inside one transaction that is rolled back when any row is refused."""
    rows = read_sheet(data)
    header = [_cell_text(c) for c in (rows[0] if rows else [])]
    missing = [h for h in HEADERS[:5] if h not in header]
    if missing:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT,
            _("The first row must hold the template's column names; missing: %(cols)s.")
            % {"cols": "、".join(missing)},
            {"file": _("Use the template.")},
        )
    col = {h: header.index(h) for h in HEADERS if h in header}
    body = [
        (n, r)
        for n, r in enumerate(rows[1:], start=2)
        if any(_cell_text(c) for c in r)  # blank rows are skipped
    ]
    if not body:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT,
            _("The file has no rows to import."),
            {"file": _("Empty")},
        )
    if len(body) > MAX_ROWS:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT,
            _("A file holds at most %(n)s rows; this one has %(m)s.")
            % {"n": MAX_ROWS, "m": len(body)},
            {"file": _("Too many rows")},
        )
    units = {u.name: u for u in AssessmentUnit.objects.all()}
    units.update({u.short_name: u for u in units.values() if u.short_name})
    report = ImportReport()
    firms: dict[str, Any] = {}

    def get(row: list[Any], name: str) -> Any:
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else None

    def refuse(n: int, column: str, message: str) -> None:
        report.errors[_("Row %(n)s, %(col)s") % {"n": n, "col": column}] = message

    with transaction.atomic():
        for n, row in body:
            kind_text = _cell_text(get(row, "类别"))
            kind = KIND_OF.get(kind_text)
            if kind is None:
                refuse(n, "类别", _("Write 技师, 高级技师 or 首席技师."))
                continue
            raw_id = get(row, "公民身份号码")
            if isinstance(raw_id, float) and raw_id >= 1e15:
                refuse(
                    n,
                    "公民身份号码",
                    _("Stored as a number, its digits are lost: format the column as text."),
                )
                continue
            awarded = _cell_date(get(row, "取得日期"))
            if awarded is None:
                refuse(n, "取得日期", _("Give a date as YYYY-MM-DD."))
                continue
            enterprise = None
            unit = None
            code = _cell_text(get(row, "企业统一社会信用代码"))
            if code:
                try:
                    if code not in firms:  # a file usually lists many people of one firm
                        firms[code] = enterprise_selectors.enterprise_get_for(
                            user=actor, credit_code=code
                        )
                    enterprise = firms[code]
                except Http404:
                    refuse(
                        n,
                        "企业统一社会信用代码",
                        _("No enterprise with this credit code in your jurisdiction."),
                    )
                    continue
            elif actor.role == Role.ENTERPRISE:
                enterprise = enterprise_selectors.enterprise_for_user(user=actor)
            else:
                unit_name = _cell_text(get(row, "所属县市区（无企业时填写）"))
                if unit_name:
                    unit = units.get(unit_name)
                    if unit is None:
                        refuse(n, "所属县市区（无企业时填写）", _("Unknown assessment unit."))
                        continue
            try:
                with transaction.atomic():
                    services.talent_add(
                        actor=actor,
                        kind=kind,
                        person_name=_cell_text(get(row, "姓名")),
                        id_number=_cell_text(raw_id),
                        certificate_number=_cell_text(get(row, "证书编号")),
                        awarded_on=awarded,
                        enterprise=enterprise,
                        unit=unit,
                    )
            except DomainError as error:
                message = str(error.message)
                # A refusal without a field is the scope check: the unit named on the row.
                for name, detail in error.fields.items() or [("enterprise", message)]:
                    # the ID number's own detail is its masked value: show the message instead
                    text = message if name in ("id_number", "enterprise") else detail
                    refuse(n, _column_of(name), text)
            else:
                report.created += 1
        if report.errors:
            shown = dict(list(report.errors.items())[:MAX_ERRORS_SHOWN])
            raise CultivationError(
                CultivationErrorCode.INVALID_INPUT,
                _("%(n)s rows are refused; nothing was imported.") % {"n": len(report.errors)},
                shown,
            )
        audit_record(
            actor=actor,
            action="cultivation.talent.import",
            object_type="cultivation.talentrecord",
            after={"rows": report.created},
        )
    return report


def _column_of(field_name: str) -> str:
    return {
        "kind": "类别",
        "person_name": "姓名",
        "id_number": "公民身份号码",
        "certificate_number": "证书编号",
        "awarded_on": "取得日期",
        "enterprise": "所属县市区（无企业时填写）",
    }.get(field_name, field_name or "类别")
