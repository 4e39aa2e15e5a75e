"""Monitoring exports and bulk reads leave an audit trace (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from zjtx.core.models import AuditEvent

from .conftest import PERIOD
from .test_api import bearer

pytestmark = pytest.mark.django_db


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def test_template_download_is_audited_with_the_enterprise_count(
    client: Any, unit_officer: Any, firms: Any
) -> None:
    response = client.get(f"/api/v1/monitoring/template?period={PERIOD}", **bearer(unit_officer))
    assert response.status_code == 200
    event = _last("monitoring.template_download")
    assert event.actor_id == unit_officer.pk
    assert event.after == {"rows": 2, "filters": {"period": PERIOD}}


def test_template_page_download_is_audited(
    client: Any, login: Any, unit_officer: Any, firms: Any
) -> None:
    response = login(unit_officer).get(reverse("monitoring:template"), {"period": PERIOD})
    assert response.status_code == 200
    assert _last("monitoring.template_download").object_type == "enterprises.enterprise"


def test_catalogue_export_is_audited(login: Any, city_officer: Any) -> None:
    assert login(city_officer).get(reverse("monitoring:catalogue-export")).status_code == 200
    event = _last("monitoring.catalogue_export")
    assert event.actor_id == city_officer.pk and event.after["rows"] >= 1


def test_warning_list_api_is_audited(client: Any, city_officer: Any, unit_officer: Any) -> None:
    from zjtx.monitoring import services

    services.period_open(actor=city_officer, code="2026-09")
    url = "/api/v1/monitoring/warnings?period=2026-09&level=red"
    assert client.get(url, **bearer(unit_officer)).status_code == 200
    event = _last("monitoring.api_warning_list")
    assert event.after["filters"] == {"period": "2026-09", "level": "red"}
