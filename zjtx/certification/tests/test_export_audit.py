"""Certification exports and bulk reads leave an audit trace (issue 16)."""

import pytest
from django.urls import reverse

from zjtx.core.models import AuditEvent

from .test_api import API, bearer

pytestmark = pytest.mark.django_db


def _last(action):
    return AuditEvent.objects.filter(action=action).latest("id")


def test_round_export_and_its_zip_are_audited(client, login, city, submitted):
    rnd = submitted.round
    login(city)
    url = reverse("certification:round-export", args=[rnd.pk])
    assert client.get(url).status_code == 200
    event = _last("certification.round_export")
    assert event.object_type == "certification.round" and event.object_id == str(rnd.pk)
    assert event.actor_id == city.pk and event.after["rows"] == 0
    assert client.get(url, {"format": "zip"}).status_code == 200
    assert _last("certification.round_export_zip").object_id == str(rnd.pk)


def test_approval_form_is_audited(client, login, city, submitted):
    login(city)
    assert (
        client.get(reverse("certification:approval-form", args=[submitted.pk])).status_code == 200
    )
    event = _last("certification.approval_form")
    assert event.object_type == "certification.application"
    assert event.object_id == str(submitted.pk)


def test_bulk_api_lists_are_audited(client, city, submitted):
    api = bearer(client, city)
    assert api.get(f"{API}/certification/applications").status_code == 200
    event = _last("certification.api_application_list")
    assert event.actor_id == city.pk and event.after["rows"] == 1
    assert api.get(f"{API}/certification/experts").status_code == 200
    assert _last("certification.api_expert_list").actor_id == city.pk
    assert api.get(f"{API}/certification/objections").status_code == 200
    assert _last("certification.api_objection_list").actor_id == city.pk
