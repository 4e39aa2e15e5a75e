"""Published annual reports: listed and downloadable without login; nothing else is."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from zjtx.reports.models import AnnualReport
from zjtx.reports.selectors import published_reports

pytestmark = pytest.mark.django_db


def _report(year: int, publication: str, status: str = AnnualReport.Status.DONE) -> AnnualReport:
    report = AnnualReport.objects.create(year=year, status=status, publication=publication)
    report.docx.save("r.docx", ContentFile(b"PK\x03\x04docx"), save=False)
    report.pdf.save("r.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
    if publication == AnnualReport.Publication.PUBLISHED:
        report.published_at = timezone.now()
    report.save()
    return report


def test_only_published_finished_reports_are_listed():
    shown = _report(2025, AnnualReport.Publication.PUBLISHED)
    _report(2024, AnnualReport.Publication.DRAFT)
    _report(2023, AnnualReport.Publication.WITHDRAWN)
    _report(2022, AnnualReport.Publication.PUBLISHED, status=AnnualReport.Status.FAILED)
    rows = published_reports()
    assert [r.pk for r in rows] == [shown.pk]
    assert rows[0].year == 2025
    assert rows[0].docx_url.endswith(f"/{shown.pk}/docx/")
    assert rows[0].docx_size > 0


def test_public_download_without_login(client):
    shown = _report(2025, AnnualReport.Publication.PUBLISHED)
    hidden = _report(2024, AnnualReport.Publication.DRAFT)
    response = client.get(f"/reports/public/{shown.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert client.get(f"/reports/public/{shown.pk}/pdf/").status_code == 200
    assert client.get(f"/reports/public/{shown.pk}/exe/").status_code == 404
    assert client.get(f"/reports/public/{hidden.pk}/docx/").status_code == 404
