"""Nothing lost, nothing faked: adding a year on file, blanking stored figures, self-declared rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from zjtx.core.errors import DomainError
from zjtx.core.models import AuditEvent
from zjtx.enterprises import services
from zjtx.enterprises.models import AnnualFinancial

from .test_api import API, bearer

pytestmark = pytest.mark.django_db

LAST = timezone.localdate().year - 1


def stored(world, **values):
    defaults = {"operating_revenue": Decimal("10000000"), "employees": 80}
    return services.financial_upsert(
        actor=world.city, enterprise=world.a, year=LAST, **{**defaults, **values}
    )


def test_add_form_defaults_to_the_first_year_not_on_file(world, login):
    stored(world)
    form = login(world.city).get(reverse("enterprises:financial-add", args=[world.a.credit_code]))
    assert form.context["form"].initial["year"] == LAST - 1


def test_adding_a_year_on_file_is_refused_and_keeps_its_figures(world, login):
    stored(world)
    response = login(world.city).post(
        reverse("enterprises:financial-add", args=[world.a.credit_code]), {"year": LAST}
    )
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    row = AnnualFinancial.objects.get(enterprise=world.a, year=LAST)
    assert row.operating_revenue == Decimal("10000000") and row.employees == 80


def test_service_refuses_create_only_on_an_existing_year(world):
    stored(world)
    with pytest.raises(DomainError) as caught:
        services.financial_upsert(actor=world.city, enterprise=world.a, year=LAST, create_only=True)
    assert caught.value.code == "financial_year_exists" and caught.value.status == 409


def test_edit_that_blanks_figures_asks_before_clearing(world, login):
    stored(world)
    client = login(world.city)
    url = reverse("enterprises:financial-edit", args=[world.a.credit_code, LAST])
    response = client.post(url, {"year": LAST})
    assert response.status_code == 200
    content = response.content.decode()
    assert "营业收入：已有值 1000 万元，本次为空" in content
    assert "从业人员：已有值 80，本次为空" in content
    assert "确认清空" in content and 'name="confirm_clear"' in content
    row = AnnualFinancial.objects.get(enterprise=world.a, year=LAST)
    assert row.operating_revenue == Decimal("10000000") and row.employees == 80

    # Sent again without ticking the box: still nothing cleared, the box now in error.
    response = client.post(url, {"year": LAST, "clear_asked": "1"})
    assert response.status_code == 200
    assert "confirm_clear" in response.context["form"].errors
    assert AnnualFinancial.objects.get(enterprise=world.a, year=LAST).employees == 80

    response = client.post(url, {"year": LAST, "clear_asked": "1", "confirm_clear": "on"})
    assert response.status_code == 302
    row = AnnualFinancial.objects.get(enterprise=world.a, year=LAST)
    assert row.operating_revenue is None and row.employees is None


def test_edit_that_keeps_every_figure_saves_at_once(world, login):
    stored(world)
    response = login(world.city).post(
        reverse("enterprises:financial-edit", args=[world.a.credit_code, LAST]),
        {"year": LAST, "operating_revenue": "1200", "employees": "80"},
    )
    assert response.status_code == 302
    assert AnnualFinancial.objects.get(enterprise=world.a, year=LAST).operating_revenue == Decimal(
        "12000000"
    )


def test_api_put_that_blanks_figures_needs_confirm_clear(client, world):
    stored(world, rd_expense=Decimal("500000"))
    api = bearer(client, world.city)
    url = f"{API}/enterprises/{world.a.credit_code}/financials/{LAST}"
    r = api.put(url, {"operating_revenue": "10000000"})
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "clear_needs_confirmation"
    assert set(body["fields"]) == {"rd_expense", "employees"}
    assert AnnualFinancial.objects.get(enterprise=world.a, year=LAST).rd_expense == Decimal(
        "500000"
    )
    r = api.put(url, {"operating_revenue": "10000000", "confirm_clear": True})
    assert r.status_code == 200, r.content
    assert r.json()["rd_expense"] is None


def test_enterprise_figures_are_declared_until_an_officer_verifies(client, world, login):
    api = bearer(client, world.user_a)
    url = f"{API}/enterprises/{world.a.credit_code}/financials/{LAST}"
    r = api.put(url, {"operating_revenue": "5000000"})
    assert r.status_code == 200 and r.json()["declared_by_enterprise"] is True
    # The enterprise cannot verify its own figures, nor can another unit's officer.
    assert api.post(f"{url}/verify", {}).status_code == 404
    assert bearer(client, world.unit_b).post(f"{url}/verify", {}).status_code == 404

    r = bearer(client, world.unit_a).post(f"{url}/verify", {})
    assert r.status_code == 200 and r.json()["declared_by_enterprise"] is False
    row = AnnualFinancial.objects.get(enterprise=world.a, year=LAST)
    assert row.verified_by == world.unit_a and row.verified_at is not None
    assert AuditEvent.objects.filter(action="enterprise.financial_verify").count() == 1

    # A later change by the enterprise makes the row its declaration again.
    r = api.put(url, {"operating_revenue": "6000000"})
    assert r.json()["declared_by_enterprise"] is True and r.json()["verified_at"] is None


def test_verify_button_on_the_page(world, login):
    services.financial_upsert(
        actor=world.user_a, enterprise=world.a, year=LAST, operating_revenue=Decimal("1")
    )
    client = login(world.unit_a)
    page = client.get(reverse("enterprises:detail", args=[world.a.credit_code])).content.decode()
    assert "企业自报（未核实）" in page and "核实" in page
    response = client.post(
        reverse("enterprises:financial-verify", args=[world.a.credit_code, LAST])
    )
    assert response.status_code == 302
    assert not AnnualFinancial.objects.get(enterprise=world.a, year=LAST).declared_by_enterprise


def test_certification_prefill_labels_declared_figures(world):
    from zjtx.certification.services.applications import registry_prefill

    schema = {"fields": [{"name": "operating_revenue_y1_yuan", "type": "decimal"}]}
    services.financial_upsert(
        actor=world.user_a, enterprise=world.a, year=LAST, operating_revenue=Decimal("100")
    )
    entry = registry_prefill(world.a, LAST + 1, schema)["operating_revenue_y1_yuan"]
    assert entry["unverified"] is True and entry["detail"].startswith("企业自报（未核实）")

    services.financial_verify(
        actor=world.city, financial=AnnualFinancial.objects.get(enterprise=world.a, year=LAST)
    )
    entry = registry_prefill(world.a, LAST + 1, schema)["operating_revenue_y1_yuan"]
    assert "unverified" not in entry and entry["detail"].startswith("企业库")
