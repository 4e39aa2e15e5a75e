"""Subsidy pages in Chinese: an evidence file's kind, not its MIME type; facts by their labels."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zjtx.subsidies.templatetags.subsidy_text import fact_label, file_kind

from .conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_fact_label_and_file_kind(loaded_policies):
    assert fact_label("developer_in_city", "wuhu.first_set") == "申报企业为芜湖市内的研制单位"
    assert fact_label("no_such_fact", "wuhu.first_set") == "—"
    assert file_kind("application/pdf") == "PDF"
    assert file_kind("image/jpeg") == "JPEG"
    assert file_kind("application/x-msdownload") == "—"


def test_the_detail_page_shows_the_evidence_kind(client, login, people, make_application):
    application = make_application()
    login(people["ent"])
    upload = SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf")
    client.post(reverse("subsidies:evidence-upload", args=[application.pk]), {"file": upload})
    page = client.get(
        reverse("subsidies:detail", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "发票.pdf" in page and "PDF ·" in page and "application/pdf" not in page
