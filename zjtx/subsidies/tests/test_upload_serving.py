"""Subsidy evidence is served as a typed attachment, never as a page or script (issue 16)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zjtx.core.models import AuditEvent

from .conftest import PDF

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<script>alert(1)</script>"


@pytest.mark.parametrize("name", ["x.html", "x.js", "x.svg"])
@pytest.mark.parametrize(
    ("body", "content_type", "extension"),
    [
        (PDF + b"<html><script>alert(1)</script>", "application/pdf", "pdf"),
        (JPEG, "image/jpeg", "jpg"),
    ],
)
def test_evidence_is_an_attachment_typed_by_content(
    client, login, people, make_application, name, body, content_type, extension
):
    application = make_application(evidence=False)
    login(people["ent"])
    client.post(
        reverse("subsidies:evidence-upload", args=[application.pk]),
        {"file": SimpleUploadedFile(name, body, content_type="text/html")},
    )
    evidence = application.evidence.get()
    assert evidence.file.name.endswith(f".{extension}") and name not in evidence.file.name
    assert evidence.original_name == name  # display only
    response = client.get(reverse("subsidies:evidence", args=[application.pk, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and name not in disposition
    assert re.search(rf'filename="[a-z0-9-]+\.{extension}"', disposition)
    assert b"".join(response.streaming_content) == body
    assert AuditEvent.objects.filter(action="subsidies.evidence_download").exists()
