"""Talent from Excel: the template, every row checked as on the page, all or nothing, every
faulty row named by its Excel row and column, scope, the page and the API."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zjtx.core.models import AuditEvent
from zjtx.cultivation.models import TalentRecord
from zjtx.cultivation.talent_import import HEADERS

pytestmark = pytest.mark.django_db
API = "/api/v1/cultivation/talent/import"
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def ident(body17: str) -> str:
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, _W, strict=True)) % 11]


A = ident("34020219800101123")
B = ident("34020219850202234")
C = ident("34028119900303345")


def xlsx(rows: list[list[Any]], header: tuple[str, ...] = HEADERS) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, list(header))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                ws.write_datetime(r, c, value, day)
            elif value is not None:
                ws.write(r, c, value)
    wb.close()
    return buf.getvalue()


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("人才.xlsx", data, content_type="application/octet-stream")


def test_template_has_the_columns_and_instructions(client, login, people):
    c = login(people["ent"])
    r = c.get(reverse("cultivation:talent-template"))
    assert r.status_code == 200
    wb = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    assert wb.sheet_names == ["技能人才", "填写说明"]
    assert wb.get_sheet_by_index(0).to_python()[0] == list(HEADERS)
    assert login(people["other_ent"]).get(reverse("cultivation:talent-template")).status_code == 200


def test_enterprise_imports_its_people(client, login, people):
    c = login(people["ent"])
    data = xlsx(
        [
            ["技师", "张三", A, "JS-2026-001", date(2026, 3, 1), "", ""],
            ["首席技师", "李四", B, "", "2026年4月2日", None, None],
            [None, None, None, None, None, None, None],  # a blank row is skipped
        ]
    )
    r = c.post(reverse("cultivation:talent-import"), {"file": upload(data)})
    assert r.status_code == 302
    records = TalentRecord.objects.order_by("person_name")
    assert [(t.person_name, t.kind, t.enterprise_id) for t in records] == [
        ("张三", "technician", people["firm"].pk),
        ("李四", "chief_technician", people["firm"].pk),
    ]
    assert records[1].awarded_on == date(2026, 4, 2)
    assert A not in str(records[0].id_masked) and records[0].id_masked.endswith(A[-2:])
    assert AuditEvent.objects.filter(action="cultivation.talent.import").count() == 1
    assert AuditEvent.objects.filter(action="cultivation.talent.add").count() == 2
    # the same file again: both people are already recorded, nothing more is written
    r = c.post(reverse("cultivation:talent-import"), {"file": upload(data)})
    assert r.status_code == 400
    text = r.content.decode()
    assert "第2行，公民身份号码" in text and "第3行，公民身份号码" in text
    assert TalentRecord.objects.count() == 2


def test_a_faulty_file_is_refused_whole_with_every_row_named(client, login, people):
    c = login(people["unit"])
    tomorrow = timezone.localdate() + timedelta(days=30)
    data = xlsx(
        [
            ["技师", "王五", A, "JS-1", date(2026, 1, 5), people["firm"].credit_code, ""],  # ok
            ["工程师", "赵六", B, "X", date(2026, 1, 5), "", ""],  # kind
            ["技师", "钱七", "340202198001011230", "JS-2", date(2026, 1, 5), "", ""],  # check
            ["技师", "孙八", C, "", date(2026, 1, 5), "", ""],  # no certificate
            ["高级技师", "周九", C, "GJ-1", tomorrow, "", ""],  # future date
            ["技师", "吴十", float(B), "JS-3", date(2026, 1, 5), "", ""],  # ID as a number
            ["技师", "郑一", B, "JS-4", date(2026, 1, 5), people["other_firm"].credit_code, ""],
            ["技师", "王五", A, "JS-1", date(2026, 1, 5), "", ""],  # same person twice
            ["技师", "冯二", B, "JS-5", "下周", "", ""],  # date
        ]
    )
    r = c.post(reverse("cultivation:talent-import"), {"file": upload(data)})
    assert r.status_code == 400
    text = r.content.decode()
    assert "8 行不符合要求，未导入任何数据。" in text
    for where in (
        "第3行，类别",
        "第4行，公民身份号码",
        "第5行，证书编号",
        "第6行，取得日期",
        "第7行，公民身份号码",
        "第8行，企业统一社会信用代码",
        "第9行，公民身份号码",
        "第10行，取得日期",
    ):
        assert where in text, where
    assert "第2行" not in text
    assert TalentRecord.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="cultivation.talent").exists()


def test_unreadable_and_wrong_files(client, login, people):
    c = login(people["city"])
    r = c.post(reverse("cultivation:talent-import"), {"file": upload(b"not a workbook")})
    assert r.status_code == 400 and "无法作为 Excel 工作簿读取" in r.content.decode()
    r = c.post(reverse("cultivation:talent-import"), {"file": upload(xlsx([], ("甲", "乙")))})
    assert (
        r.status_code == 400
        and "缺少：类别、姓名、公民身份号码、证书编号、取得日期" in r.content.decode()
    )
    r = c.post(reverse("cultivation:talent-import"), {"file": upload(xlsx([]))})
    assert r.status_code == 400 and "没有可导入的行" in r.content.decode()
    # the city names a unit for a person without an enterprise
    r = c.post(
        reverse("cultivation:talent-import"),
        {"file": upload(xlsx([["首席技师", "陈三", A, "", date(2026, 2, 1), "", "无为市"]]))},
    )
    assert r.status_code == 302
    assert TalentRecord.objects.get().unit.name == "无为市"


def test_api_import(client, login, people):
    c = login(people["ent"])
    r = c.post(API, {"file": upload(xlsx([["技师", "张三", A, "JS-9", "2026-03-01", "", ""]]))})
    assert r.status_code == 201 and r.json() == {"created": 1}
    r = c.post(API, {"file": upload(xlsx([["技师", "张三", A, "JS-9", "2026-03-01", "", ""]]))})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid_input" and "第2行，公民身份号码" in body["fields"]
    assert login(people["other_ent"]).get(reverse("cultivation:talent")).status_code == 200
    # experts, banks and visitors do not reach it
    assert client.logout() is None
    assert client.post(API, {"file": upload(b"x")}).status_code in (401, 403, 404)
