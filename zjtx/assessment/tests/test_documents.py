from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import timezone

from zjtx.assessment import services
from zjtx.assessment.errors import AssessmentErrorCode
from zjtx.core.errors import DomainError
from zjtx.core.models import IssuedDocumentNumber, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_run(computed, people):
    city = people["city"]
    services.run_transition(run=computed, action="publish", actor=city, today=date(2026, 3, 2))
    computed.refresh_from_db()
    later = date(2026, 3, 20)
    services.run_transition(run=computed, action="finalize", actor=city, today=later)
    computed.refresh_from_db()
    return computed


def _docx(content: bytes):
    from docx import Document

    return Document(io.BytesIO(content))


def _text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_yearly_bulletin_opens_in_word_on_a4_with_its_document_number(final_run, people):
    from docx.shared import Cm

    bulletin = services.bulletin_issue_annual(run=final_run, actor=people["city"])
    issued = IssuedDocumentNumber.objects.get(text=bulletin.number)
    year = timezone.localdate().year
    assert bulletin.number == f"芜经信〔{year}〕{issued.number}号"
    doc = _docx(bytes(bulletin.document))
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.01)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    assert abs(section.top_margin - Cm(3.7)) < Cm(0.01)
    text = _text(doc)
    assert bulletin.number in text
    assert "芜湖市经济和信息化局" in text  # 发文机关标志 and 落款
    head = next(p for p in doc.paragraphs if p.text.startswith("芜湖市经济和信息化局") and p.runs)
    assert str(head.runs[0].font.color.rgb) == "FF0000"  # the issuing mark in red
    for unit in ("镜湖区", "无为市", "经济技术开发区"):
        assert unit in text
    assert "亮点" in text and "不足" in text
    # The ranking table lists every unit with its score.
    table = doc.tables[0]
    assert len(table.rows) == 1 + final_run.scores.count()
    # Units are told, and a unit officer receives the notice.
    assert Notification.objects.filter(
        recipient=people["wuwei"], title__contains=bulletin.number
    ).exists()


def test_the_yearly_bulletin_needs_a_final_run_and_is_issued_once(computed, final_run, people):
    services.bulletin_issue_annual(run=final_run, actor=people["city"])
    with pytest.raises(DomainError) as exc:
        services.bulletin_issue_annual(run=final_run, actor=people["city"])
    assert exc.value.code == AssessmentErrorCode.BULLETIN_EXISTS


def test_a_bulletin_of_a_draft_is_refused(computed, people):
    with pytest.raises(DomainError) as exc:
        services.bulletin_issue_annual(run=computed, actor=people["city"])
    assert exc.value.code == AssessmentErrorCode.RUN_NOT_FINAL


def test_a_supervision_bulletin_names_the_units_with_the_city_text(scheme_loaded, people, units):
    first = services.bulletin_issue_supervision(
        year=2025,
        unit_ids=[units["无为市"].pk],
        title="关于部分县区专精特新政策落实不到位情况的通报",
        text="奖补资金拨付滞后三个月以上。\n限一个月内整改到位。",
        actor=people["city"],
    )
    second = services.bulletin_issue_supervision(
        year=2025,
        unit_ids=[units["镜湖区"].pk],
        title="关于预警跟进不及时情况的通报",
        text="预警未按时跟进。",
        actor=people["city"],
    )
    doc = _docx(bytes(first.document))
    text = _text(doc)
    assert "无为市" in text and "奖补资金拨付滞后三个月以上" in text and first.number in text
    # Numbers are gapless per issuer and year.
    n1 = IssuedDocumentNumber.objects.get(text=first.number).number
    n2 = IssuedDocumentNumber.objects.get(text=second.number).number
    assert n2 == n1 + 1


def test_a_supervision_bulletin_needs_units_and_text(scheme_loaded, people):
    with pytest.raises(DomainError) as exc:
        services.bulletin_issue_supervision(
            year=2025, unit_ids=[], title="标题", text="正文", actor=people["city"]
        )
    assert exc.value.code == AssessmentErrorCode.UNKNOWN_UNIT
    with pytest.raises(DomainError) as exc:
        services.bulletin_issue_supervision(
            year=2025, unit_ids=[1], title="标题", text=" ", actor=people["city"]
        )
    assert exc.value.code == AssessmentErrorCode.REASON_REQUIRED
