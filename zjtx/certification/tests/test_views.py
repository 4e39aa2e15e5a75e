"""Pages for every role: one round walked from opening to certificate, scope 404s, Chinese."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zjtx.certification.models import Application, Notice, Objection, Round

from .conftest import PDF

pytestmark = pytest.mark.django_db


def _ok(response, status=200):
    assert response.status_code == status, response.content[:500]
    return response


def test_a_round_from_opening_to_certificate_through_the_pages(
    client,
    django_user_model,
    login,
    policies,
    city,
    unit_officer,
    make_applicant,
    make_expert,
    units,
    travel,
):
    today = timezone.localdate()
    # City officer opens the round.
    login(city)
    r = client.post(
        reverse("certification:round-create"),
        {
            "year": today.year,
            "title": f"{today.year}年度市级专精特新中小企业认定",
            "program_id": "miit2026.zjtx_sme",
            "quota": "50",
            "opens_on": str(today - timedelta(days=1)),
            "closes_on": str(today + timedelta(days=20)),
            "required_materials": "business_licence|营业执照|1",
            "announcement": "请符合条件的企业申报。",
        },
    )
    rnd = Round.objects.get()
    assert r.url == reverse("certification:round-detail", args=[rnd.pk])
    client.post(
        reverse("certification:round-action", args=[rnd.pk]), {"op": "status", "status": "open"}
    )
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.OPEN
    client.logout()

    # Enterprise applies, uploads, submits.
    ent = make_applicant()
    client.force_login(ent)
    _ok(client.get(reverse("certification:round-detail", args=[rnd.pk])))
    r = client.post(reverse("certification:application-create", args=[rnd.pk]))
    app = Application.objects.get()
    assert r.url == reverse("certification:application-detail", args=[app.pk])
    page = _ok(client.get(r.url)).content.decode()
    assert "营业执照" in page
    _ok(
        client.post(
            reverse("certification:application-edit", args=[app.pk]), {"credit_compliant": "true"}
        ),
        302,
    )
    for code in ("business_licence", "commitment_letter"):
        client.post(
            reverse("certification:material-upload", args=[app.pk]),
            {"kind": code, "file": SimpleUploadedFile(f"{code}.pdf", PDF)},
        )
    material = app.materials.first()
    download = client.get(reverse("certification:material-download", args=[app.pk, material.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.post(
        reverse("certification:application-transition", args=[app.pk]), {"action": "submit"}
    )
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED
    client.logout()

    # Unit officer: queue, then a return without a reason fails, with one succeeds.
    client.force_login(unit_officer)
    queue = _ok(client.get(reverse("certification:home"))).content.decode()
    assert app.enterprise.name in queue
    client.post(
        reverse("certification:application-transition", args=[app.pk]), {"action": "return"}
    )
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED
    client.post(
        reverse("certification:application-transition", args=[app.pk]),
        {"action": "recommend", "rank": "1", "opinion": "材料真实完整"},
    )
    app.refresh_from_db()
    assert app.status == Application.Status.RECOMMENDED
    client.logout()

    # City officer assigns two experts and starts the review.
    experts = [make_expert(), make_expert()]
    login(city)
    # Before the round closes, expert review cannot start, and the page says why.
    response = client.post(
        reverse("certification:round-action", args=[rnd.pk]), {"op": "start_review"}, follow=True
    )
    assert "申报尚未截止" in response.content.decode()
    app.refresh_from_db()
    assert app.status == Application.Status.RECOMMENDED
    client.post(
        reverse("certification:round-action", args=[rnd.pk]), {"op": "status", "status": "closed"}
    )
    client.post(reverse("certification:round-action", args=[rnd.pk]), {"op": "assign"})
    assert app.assignments.count() == 2
    _ok(client.get(reverse("certification:application-detail", args=[app.pk])))
    client.post(reverse("certification:round-action", args=[rnd.pk]), {"op": "start_review"})
    client.logout()

    # Two experts score.
    for e in experts:
        client.force_login(e.user)
        assert app.enterprise.name in client.get(reverse("certification:home")).content.decode()
        data = {"undertaking": "1"}
        for item in app.form_schema["rubric"]:
            data[f"score_{item['id']}"] = "18"
            data[f"comment_{item['id']}"] = "较好"
        client.post(reverse("certification:scores-submit", args=[app.pk]), data)
        client.logout()
    assert app.assignments.filter(status="submitted").count() == 2

    # City officer closes the review, decides, publishes.
    login(city)
    client.post(reverse("certification:round-action", args=[rnd.pk]), {"op": "complete_review"})
    page = _ok(client.get(reverse("certification:round-detail", args=[rnd.pk]))).content.decode()
    assert "quota-line" not in page  # one application, inside the quota
    client.post(
        reverse("certification:round-action", args=[rnd.pk]),
        {"op": "decide", f"decision_{app.pk}": "approve"},
    )
    client.post(
        reverse("certification:round-action", args=[rnd.pk]),
        {"op": "publish", "contact": "0553-1234567"},
    )
    notice = Notice.objects.get()
    app.refresh_from_db()
    assert app.status == Application.Status.IN_NOTICE
    client.logout()

    # An objector uses the public page (no login); the officer dismisses the objection.
    page = _ok(
        client.get(reverse("certification_public:notice", args=[notice.pk]))
    ).content.decode()
    assert app.enterprise.name in page and 'id="countdown"' in page
    client.post(
        reverse("certification_public:notice", args=[notice.pk]),
        {
            "application": app.pk,
            "name": "王五",
            "phone": "13900000000",
            "text": "请核实该企业研发投入数据是否真实。",
            "evidence": SimpleUploadedFile("e.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10),
        },
    )
    objection = Objection.objects.get()
    login(city)
    assert "王五" in client.get(reverse("certification:objections")).content.decode()
    client.post(
        reverse("certification:objection-handle", args=[objection.pk]),
        {"outcome_kind": "dismissed", "outcome": "经核实研发投入属实"},
    )
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED

    # After the notice ends: certify, certificate page, DOCX, public verification, export.
    notice.refresh_from_db()
    travel(notice.ends_on + timedelta(days=1))
    today = timezone.localdate()
    login(city)  # days later: the idle session has timed out
    client.post(reverse("certification:round-action", args=[rnd.pk]), {"op": "certify"})
    app.refresh_from_db()
    assert app.status == Application.Status.CERTIFIED
    assert app.decision_document.number == f"芜经信〔{today.year}〕1号"
    page = _ok(client.get(reverse("certification:certificate", args=[app.pk]))).content.decode()
    assert "data:image/png;base64," in page and app.certificate_number in page
    docx = _ok(client.get(reverse("certification:certificate", args=[app.pk]), {"format": "docx"}))
    from docx import Document

    certificate = Document(BytesIO(docx.content))
    text = "\n".join(p.text for p in certificate.paragraphs)
    assert app.enterprise.name in text and app.certificate_number in text
    # A4 landscape like the PDF, never python-docx's US Letter default.
    from docx.shared import Mm

    assert abs(certificate.sections[0].page_width - Mm(297)) < Mm(1)
    assert abs(certificate.sections[0].page_height - Mm(210)) < Mm(1)
    # The decision document is a 公文 in the GB/T 9704 layout: masthead, 发文字号, 成文日期.
    decision = _ok(
        client.get(
            reverse("certification_public:decision", args=[app.decision_document.pk]),
            {"format": "docx"},
        )
    )
    paper = Document(BytesIO(decision.content))
    lines = [p.text for p in paper.paragraphs]
    assert lines[0].endswith("文件") and app.decision_document.number in lines
    issued = app.decision_document.issued_on
    assert lines[-1] == f"{issued.year}年{issued.month}月{issued.day}日"
    assert abs(paper.sections[0].page_width - Mm(210)) < Mm(1)
    assert app.enterprise.name in paper.tables[0].rows[1].cells[1].text
    pdf = _ok(client.get(reverse("certification:certificate", args=[app.pk]), {"format": "pdf"}))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")
    assert b"STSong-Light" in pdf.content  # Chinese text uses the CJK CID font
    export = _ok(client.get(reverse("certification:round-export", args=[rnd.pk])))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(BytesIO(export.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert "推荐" in str(rows[0][0]) and rows[2][0] == "序号"
    assert rows[3][1] == app.enterprise.name
    package = _ok(
        client.get(reverse("certification:round-export", args=[rnd.pk]), {"format": "zip"})
    )
    import zipfile

    archive = zipfile.ZipFile(BytesIO(package.content))
    names = archive.namelist()
    assert any(n.endswith(f"推荐名单-{rnd.year}.xlsx") for n in names)
    assert any(app.enterprise.name in n for n in names)
    # Chinese member names carry the UTF-8 flag, so every unzip shows them as written.
    assert all(info.flag_bits & 0x800 for info in archive.infolist())
    assert any(n.startswith(app.certificate_number) and n.endswith(".pdf") for n in names)
    client.logout()
    public = _ok(
        client.get(reverse("certification_public:certificate", args=[app.certificate_number]))
    )
    assert app.enterprise.name in public.content.decode()


def test_pages_are_404_outside_scope(
    client, submitted, make_applicant, other_unit_officer, make_expert, make_user, login
):
    app = submitted
    material = app.materials.first()
    urls = [
        reverse("certification:application-detail", args=[app.pk]),
        reverse("certification:material-download", args=[app.pk, material.pk]),
        reverse("certification:certificate", args=[app.pk]),
    ]
    for user in (make_applicant(), other_unit_officer, make_expert().user):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.role, url)
        r = client.post(
            reverse("certification:application-transition", args=[app.pk]),
            {"action": "recommend", "rank": "1"},
        )
        assert r.status_code == 404
    login(make_user("sysadmin"))
    for url in [*urls, reverse("certification:home"), reverse("certification:rounds")]:
        assert client.get(url).status_code == 404


def test_city_only_pages_are_404_for_others(client, unit_officer, ent_user, rnd):
    for user in (unit_officer, ent_user):
        client.force_login(user)
        for name in (
            "certification:experts",
            "certification:objections",
            "certification:round-create",
        ):
            assert client.get(reverse(name)).status_code == 404
        assert client.get(reverse("certification:calendar")).status_code == 404


def test_draft_rounds_are_hidden_from_enterprises(client, make_round, ent_user):
    draft = make_round(status="draft")
    client.force_login(ent_user)
    assert client.get(reverse("certification:round-detail", args=[draft.pk])).status_code == 404


def test_sysadmin_maintains_the_calendar(client, make_user, login):
    admin = make_user("sysadmin")
    login(admin)
    r = client.post(
        reverse("certification:calendar"),
        {"day": "2031-10-01", "kind": "holiday", "name": "国庆节"},
    )
    assert r.status_code == 302
    page = _ok(client.get(reverse("certification:calendar"), {"year": 2031})).content.decode()
    assert ("国庆节" in page and "假日" in page) or "休" in page


@pytest.mark.parametrize(
    ("name", "needle"),
    [("certification:home", "我的待办"), ("certification:rounds", "认定批次")],
)
def test_pages_render_in_chinese(client, ent_user, rnd, name, needle):
    client.force_login(ent_user)
    page = _ok(client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans")).content.decode()
    assert needle in page


def test_application_page_renders_in_chinese(client, submitted, unit_officer):
    client.force_login(unit_officer)
    page = _ok(
        client.get(reverse("certification:application-detail", args=[submitted.pk]))
    ).content.decode()
    for text in ("退回补正", "推荐", "申报数据", "自评结果", "企业库"):
        assert text in page, text


def test_public_notices_page_needs_no_login(client):
    page = _ok(client.get(reverse("certification_public:notices"))).content.decode()
    assert "公示" in page


def test_unknown_certificate_number_is_404(client):
    r = client.get(reverse("certification_public:certificate", args=["ZJTX20260999"]))
    assert r.status_code == 404


def test_management_page_lists_certified_enterprises(
    client, login, city, unit_officer, other_unit_officer
):
    login(city)
    page = _ok(client.get(reverse("certification:management"))).content.decode()
    assert "动态管理" in page
    client.force_login(unit_officer)
    _ok(client.get(reverse("certification:management")))


def test_expert_declares_a_relation_and_is_then_excluded(client, submitted, make_expert):
    from zjtx.certification import selectors

    expert = make_expert()
    client.force_login(expert.user)
    page = _ok(client.get(reverse("certification:home"))).content.decode()
    assert "申报的关联关系" in page
    client.post(
        reverse("certification:relation-declare"),
        {"credit_code": submitted.enterprise.credit_code, "kind": "professional", "note": "顾问"},
    )
    assert "declared_relation" in selectors.expert_conflicts(expert=expert, application=submitted)


def test_printable_approval_form_has_an_opinion_box_per_level(
    client, login, submitted, advance, city, unit_officer, other_unit_officer
):
    app = advance(submitted)
    from zjtx.certification import services

    services.application_transition(application=app, action="approve", actor=city)
    login(city)
    page = _ok(client.get(reverse("certification:approval-form", args=[app.pk]))).content.decode()
    for box in ("县区初审意见", "专家评审意见", "市局审核意见", "专家1"):
        assert box in page, box
    client.force_login(unit_officer)
    _ok(client.get(reverse("certification:approval-form", args=[app.pk])))
    client.force_login(other_unit_officer)
    assert client.get(reverse("certification:approval-form", args=[app.pk])).status_code == 404
