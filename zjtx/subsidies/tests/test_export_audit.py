"""Exports and bulk reads of subsidy data leave an audit trace (issue 16)."""

import pytest
from django.urls import reverse

from zjtx.core.models import AuditEvent
from zjtx.subsidies.services import application_approve

from .test_api import API, caller

pytestmark = pytest.mark.django_db


def _last(action):
    return AuditEvent.objects.filter(action=action).latest("id")


def test_ledger_and_budget_xlsx_are_audited(client, login, people, forwarded):
    application_approve(application=forwarded(), actor=people["city"])
    login(people["city"])
    assert client.get(reverse("subsidies:ledger"), {"format": "xlsx"}).status_code == 200
    event = _last("subsidies.ledger_export")
    year = event.after["filters"]["year"]
    assert event.actor_id == people["city"].pk and event.after["rows"] == 1 and year
    assert event.object_type == "subsidies.payout"
    assert client.get(reverse("subsidies:budgets"), {"format": "xlsx"}).status_code == 200
    assert _last("subsidies.budget_export").object_type == "subsidies.budget"


def test_the_ledger_page_itself_is_not_an_export(client, login, people):
    login(people["city"])
    client.get(reverse("subsidies:ledger"))
    assert not AuditEvent.objects.filter(action="subsidies.ledger_export").exists()


def test_bulk_api_lists_are_audited(client, people, forwarded):
    application_approve(application=forwarded(), actor=people["city"])
    city = caller(client, people["city"])
    assert city.get(f"{API}/ledger").status_code == 200
    assert _last("subsidies.api_ledger").after["rows"] == 1
    assert city.get(f"{API}/budgets").status_code == 200
    assert _last("subsidies.api_budgets").actor_id == people["city"].pk
    assert city.get(f"{API}/applications", {"status": "approved"}).status_code == 200
    event = _last("subsidies.api_application_list")
    assert event.after["filters"] == {"status": "approved"}
