"""Money beyond what a column stores exactly, NaN and Infinity are refused, never stored or 500."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from zjtx.subsidies.errors import SubsidyError
from zjtx.subsidies.models import Budget
from zjtx.subsidies.services import budget_set

from .test_api import API, caller

HUGE_WAN = "99999999999999999999.999999"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("amount", [HUGE_WAN, "NaN", "Infinity", "1e999999", "-5"])
def test_budget_page_refuses_an_amount_it_cannot_store(client, login, people, amount):
    login(people["city"])
    before = list(Budget.objects.values_list("pk", "amount_yuan"))
    response = client.post(
        reverse("subsidies:budgets"),
        {"program": "wuhu.municipal_zjtx", "year": "2026", "amount_wan": amount, "note": ""},
    )
    assert response.status_code in (200, 400)
    assert list(Budget.objects.values_list("pk", "amount_yuan")) == before
    assert client.get(reverse("subsidies:budgets")).status_code == 200


@pytest.mark.parametrize("amount", ["1e24", "NaN", "Infinity", "1E+999999", "0.001"])
def test_budget_service_refuses_unstorable_amounts(people, amount):
    with pytest.raises(SubsidyError) as caught:
        budget_set(
            program_id="wuhu.municipal_zjtx",
            year=timezone.localdate().year,
            amount_yuan=Decimal(amount),
            actor=people["city"],
        )
    assert caught.value.code == "invalid_amount"


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e999999", "1e30", "abc"])
def test_api_approve_refuses_non_finite_or_huge_amounts(client, people, forwarded, amount):
    application = forwarded()
    r = caller(client, people["city"]).post(
        f"{API}/applications/{application.pk}/approve",
        {"amount_yuan": amount, "override_reason": "核减"},
    )
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_input"
    assert "amount_yuan" in r.json()["fields"]


def test_budgets_api_answers_after_a_refused_huge_budget(client, people):
    with pytest.raises(SubsidyError):
        budget_set(
            program_id="wuhu.municipal_zjtx",
            year=timezone.localdate().year,
            amount_yuan=Decimal("999999999999999999999999.99"),
            actor=people["city"],
        )
    assert caller(client, people["city"]).get(f"{API}/budgets").status_code == 200


def test_approve_page_refuses_a_huge_amount(client, login, people, forwarded):
    application = forwarded()
    login(people["city"])
    response = client.post(
        reverse("subsidies:approve", args=[application.pk]),
        {"amount_wan": HUGE_WAN, "override_reason": "核减"},
    )
    assert response.status_code in (200, 302, 400)
    application.refresh_from_db()
    assert application.approved_amount_yuan is None


def test_unknown_fields_in_an_approval_are_refused_naming_them(client, people, forwarded):
    application = forwarded()
    r = caller(client, people["city"]).post(
        f"{API}/applications/{application.pk}/approve", {"amount": "100"}
    )
    assert r.status_code == 400
    assert "amount" in r.json()["fields"]
