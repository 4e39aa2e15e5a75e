"""Uploads are served as typed attachments, never as pages or scripts (issue 16 item 1).

A body that starts with a PDF or JPEG signature passes the content check whatever it is
named; the name must not decide how it is served or where it is stored.
"""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zjtx.certification import documents, services
from zjtx.certification.models import Objection
from zjtx.core.models import AuditEvent

from .conftest import PDF

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<script>alert(1)</script>" * 4
POLYGLOT_PDF = PDF + b"<html><script src='/media/x.js'></script></html>"
BODIES = [(POLYGLOT_PDF, "application/pdf", "pdf"), (JPEG, "image/jpeg", "jpg")]
HOSTILE_NAMES = ["x.html", "x.js", "x.svg", "../../x.html", "a\\b.htm"]
NEVER = ("text/html", "application/javascript", "text/javascript", "image/svg+xml")


def assert_safe_download(response, content_type: str, extension: str, body: bytes) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert not response["Content-Type"].startswith(NEVER)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    match = re.search(r'filename="([^"]+)"', disposition)
    assert match and match.group(1).endswith(f".{extension}")
    assert re.fullmatch(r"[a-z0-9-]+\.[a-z]+", match.group(1))  # generated, not the uploader's
    assert b"".join(response.streaming_content) == body


@pytest.fixture
def notice(rnd, city, make_applicant, submit_ready, advance):
    user = make_applicant()
    app = submit_ready(rnd, user)
    services.application_transition(application=app, action="submit", actor=user)
    advance(app)
    services.applications_decide(
        round=rnd, actor=city, decisions=[services.Decision(app.pk, "approve")]
    )
    return services.notice_publish(round=rnd, actor=city), app


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize(("body", "content_type", "extension"), BODIES)
def test_objection_evidence_is_an_attachment_typed_by_content(
    client, login, city, notice, name, body, content_type, extension
):
    found, app = notice
    client.post(
        reverse("certification_public:notice", args=[found.pk]),
        {
            "application": app.pk,
            "name": "王五",
            "phone": "13900000000",
            "text": "请核实该企业研发投入数据是否真实。",
            "evidence": SimpleUploadedFile(name, body, content_type="text/html"),
        },
    )
    objection = Objection.objects.get()
    stored = objection.evidence.name
    assert stored.endswith(f".{extension}")
    assert name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] not in stored
    assert ".." not in stored and "\\" not in stored
    login(city)
    response = client.get(reverse("certification:objection-evidence", args=[objection.pk]))
    assert_safe_download(response, content_type, extension, body)
    assert AuditEvent.objects.filter(
        action="certification.objection_evidence_download", object_id=str(objection.pk)
    ).exists()


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize(("body", "content_type", "extension"), BODIES)
def test_material_is_an_attachment_typed_by_content(
    client, login, rnd, ent_user, name, body, content_type, extension
):
    app = services.application_create(round=rnd, actor=ent_user)
    kind = app.form_schema["materials"][0]["code"]
    login(ent_user)
    client.post(
        reverse("certification:material-upload", args=[app.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, body, content_type="text/html")},
    )
    material = app.materials.get()
    assert material.file.name.endswith(f".{extension}")
    assert name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] not in material.file.name
    response = client.get(reverse("certification:material-download", args=[app.pk, material.pk]))
    assert_safe_download(response, content_type, extension, body)
    assert AuditEvent.objects.filter(action="certification.material_download").exists()


def test_stored_content_of_an_unknown_kind_is_served_as_octet_stream(
    client, login, submitted, ent_user
):
    """Should a stored file ever hold something else, it still cannot render."""
    material = submitted.materials.first()
    material.file.storage.delete(material.file.name)
    material.file.storage.save(material.file.name, io.BytesIO(b"<svg onload=alert(1)>"))
    login(ent_user)
    response = client.get(
        reverse("certification:material-download", args=[submitted.pk, material.pk])
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.bin"')


def test_public_api_stores_the_evidence(client, notice):
    found, app = notice
    r = client.post(
        "/api/v1/public/objections",
        {
            "notice": found.pk,
            "application": app.pk,
            "name": "张三",
            "phone": "13800000000",
            "text": "该企业研发费用存在虚报嫌疑，请核查。",
            "evidence": SimpleUploadedFile("x.html", POLYGLOT_PDF, content_type="text/html"),
        },
    )
    assert r.status_code == 201, r.content
    objection = Objection.objects.get(pk=r.json()["id"])
    assert objection.evidence.name.endswith(".pdf") and "x.html" not in objection.evidence.name
    assert objection.evidence_name == "x.html"  # kept for display only
    with objection.evidence.open("rb") as handle:
        assert handle.read() == POLYGLOT_PDF


def test_public_api_refuses_evidence_that_is_not_a_document(client, notice):
    found, app = notice
    r = client.post(
        "/api/v1/public/objections",
        {
            "notice": found.pk,
            "application": app.pk,
            "name": "张三",
            "phone": "13800000000",
            "text": "该企业研发费用存在虚报嫌疑，请核查。",
            "evidence": SimpleUploadedFile("x.pdf", b"<html>%PDF-</html>"),
        },
    )
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_objection" and "evidence" in r.json()["fields"]
    assert not Objection.objects.exists()


def test_public_api_documents_evidence_as_a_multipart_file():
    from config.api import api

    operation = api.get_openapi_schema()["paths"]["/api/v1/public/objections"]["post"]
    assert not [p for p in operation.get("parameters", []) if p["name"] == "evidence"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "evidence" in body["properties"]


def test_zip_member_names_carry_no_separators_from_uploads(rnd, ent_user):
    app = services.application_create(round=rnd, actor=ent_user)
    names = ["..\\..\\Windows\\evil.exe", "../../etc/passwd", "C:\\x.pdf", "正常/材料.pdf"]
    kinds = [m["code"] for m in app.form_schema["materials"]]
    for kind, name in zip(kinds, names, strict=False):
        services.material_upload(application=app, kind=kind, name=name, content=PDF, actor=ent_user)
    data = documents.provincial_package_zip([app], "镜湖区", 2026)
    members = zipfile.ZipFile(io.BytesIO(data)).namelist()
    materials = [m for m in members if not m.endswith(".xlsx")]
    assert len(materials) == min(len(kinds), len(names))
    for member in members:
        assert "\\" not in member and ".." not in member and ":" not in member
        assert not member.startswith("/")
    for member in materials:
        folder, _sep, leaf = member.partition("/")
        assert folder and "/" not in leaf and leaf.endswith(".pdf")
