"""Publishing or withdrawing an annual report drops the portal's cached pages at once."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from zjtx.reports.models import AnnualReport
from zjtx.reports.services import annual_report_publication, annual_report_start

pytestmark = pytest.mark.django_db


def _get(client):
    response = client.get(reverse("portal:reports"))
    assert response.status_code == 200
    return response["X-Portal-Cache"], response.content.decode()


def test_publishing_and_withdrawing_update_the_cached_public_report_list(
    client, city_data, django_capture_on_commit_callbacks
):
    cache.clear()
    city = city_data["city"]
    report = annual_report_start(year=city_data["year"], actor=city)
    assert report.status == AnnualReport.Status.DONE, report.error
    state, html = _get(client)
    assert state == "miss" and reverse("reports:public-file", args=[report.pk, "docx"]) not in html
    assert _get(client)[0] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        annual_report_publication(report=report, action="publish", actor=city)
    state, html = _get(client)
    assert state == "miss" and reverse("reports:public-file", args=[report.pk, "docx"]) in html
    assert _get(client)[0] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        annual_report_publication(report=report, action="withdraw", actor=city, reason="数据更正")
    state, html = _get(client)
    assert state == "miss" and reverse("reports:public-file", args=[report.pk, "docx"]) not in html
