"""The product card (bank maker, city checker), receivables and the listing pipeline pages."""

import pytest
from django.utils import timezone

from zjtx.financing.models import ListingCandidate, Product, Receivable

pytestmark = pytest.mark.django_db

FORM = {
    "name": "新型政银担",
    "kind": "gov_bank_guarantee",
    "amount_min_wan": "50",
    "amount_max_wan": "1000",
    "term_min_months": "6",
    "term_max_months": "36",
    "rate_min_pct": "3.2",
    "rate_max_pct": "4.5",
    "guarantees": ["guarantor"],
    "purposes": ["working_capital"],
    "risk_guarantor": "40",
    "risk_reguarantor": "30",
    "risk_bank": "20",
    "risk_government": "10",
    "eligibility_program": "financing.gov_bank_guarantee",
}


def test_bank_drafts_city_returns_with_reason_then_publishes(client, fin, fin_packages, login):
    login(fin["bank_hs"])
    r = client.post("/financing/products/new/", FORM)
    product = Product.objects.get(name="新型政银担")
    assert r.status_code == 302 and product.amount_max_yuan == 10_000_000
    assert product.risk_split == {"guarantor": 40, "reguarantor": 30, "bank": 20, "government": 10}
    page = client.get(f"/financing/products/{product.pk}/").content.decode()
    assert "提交" in page
    client.post(f"/financing/products/{product.pk}/act/", {"action": "submit"})
    login(fin["city"])
    page = client.get(f"/financing/products/{product.pk}/").content.decode()
    assert "40:30:20:10" in page and 'value="publish"' in page and 'value="return"' in page
    client.post(f"/financing/products/{product.pk}/act/", {"action": "return", "reason": ""})
    product.refresh_from_db()
    assert product.status == Product.Status.SUBMITTED  # a return needs its reason
    client.post(
        f"/financing/products/{product.pk}/act/", {"action": "return", "reason": "利率上限过高"}
    )
    product.refresh_from_db()
    assert product.status == Product.Status.RETURNED
    login(fin["bank_hs"])
    assert "利率上限过高" in client.get(f"/financing/products/{product.pk}/").content.decode()
    client.post(f"/financing/products/{product.pk}/", {**FORM, "rate_max_pct": "4.2"})
    client.post(f"/financing/products/{product.pk}/act/", {"action": "submit"})
    login(fin["city"])
    client.post(f"/financing/products/{product.pk}/act/", {"action": "publish"})
    product.refresh_from_db()
    assert product.status == Product.Status.PUBLISHED and str(product.rate_max_pct) == "4.200"


def test_another_bank_cannot_open_or_edit_the_product(client, fin, fin_packages, login):
    login(fin["bank_hs"])
    client.post("/financing/products/new/", FORM)
    product = Product.objects.get(name="新型政银担")
    login(fin["bank_yz"])
    assert client.get(f"/financing/products/{product.pk}/").status_code == 404
    assert client.post(f"/financing/products/{product.pk}/", FORM).status_code == 404


def test_supplier_records_by_credit_code_and_only_the_debtor_answers(client, fin, login, make_user):
    login(fin["ent"])
    due = timezone.localdate().replace(year=timezone.localdate().year + 1).isoformat()
    form = {"amount_wan": "80", "invoice_no": "HT-001", "due_on": due}
    client.post("/financing/receivables/", {**form, "debtor_credit_code": "91340200XXXXXXXXXX"})
    assert not Receivable.objects.exists()  # unknown credit code: nothing recorded
    client.post(
        "/financing/receivables/",
        {**form, "debtor_credit_code": fin["other_firm"].credit_code},
    )
    receivable = Receivable.objects.get()
    assert receivable.amount_yuan == 800_000 and receivable.debtor == fin["other_firm"]
    page = client.get("/financing/receivables/").content.decode()
    assert 'value="confirm"' not in page  # the supplier cannot confirm its own
    client.post(f"/financing/receivables/{receivable.pk}/act/", {"action": "confirm"})
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.RECORDED
    login(fin["other_ent"])
    page = client.get("/financing/receivables/").content.decode()
    assert 'value="confirm"' in page and 'value="dispute"' in page
    client.post(f"/financing/receivables/{receivable.pk}/act/", {"action": "dispute", "reason": ""})
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.RECORDED  # a dispute needs its reason
    client.post(f"/financing/receivables/{receivable.pk}/act/", {"action": "confirm"})
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.CONFIRMED


def test_listing_pipeline_stages_and_recommendations(client, fin, login):
    login(fin["city"])
    client.post(
        "/financing/listing/", {"credit_code": fin["firm"].credit_code, "board": "anhui_zjtx"}
    )
    candidate = ListingCandidate.objects.get()
    assert candidate.status == ListingCandidate.Stage.CULTIVATING
    client.post(f"/financing/listing/{candidate.pk}/act/", {"action": "coach"})
    client.post(f"/financing/listing/{candidate.pk}/act/", {"action": "recommend", "reason": ""})
    candidate.refresh_from_db()
    assert candidate.status == ListingCandidate.Stage.COACHING
    assert candidate.recommended_year is None  # a recommendation needs its reason
    client.post(
        f"/financing/listing/{candidate.pk}/act/",
        {"action": "recommend", "reason": "营收连续三年增长20%以上"},
    )
    candidate.refresh_from_db()
    assert candidate.recommended_year == timezone.localdate().year
    page = client.get("/financing/listing/").content.decode()
    assert "营收连续三年增长20%以上" in page and "辅导" in page
    login(fin["ent"])
    page = client.get("/financing/").content.decode()
    assert 'id="listing-stage"' in page and "辅导" in page
    assert client.get("/financing/listing/").status_code == 404
    login(fin["unit"])
    assert (
        client.post(f"/financing/listing/{candidate.pk}/act/", {"action": "file"}).status_code
        == 404
    )
    login(fin["other_unit"])
    assert "芜湖甲科技" not in client.get("/financing/listing/").content.decode()


def test_listing_api_adds_moves_and_recommends_with_coded_errors(client, fin, login):
    login(fin["city"])
    url = "/api/v1/financing/listing"
    r = client.post(url, {"credit_code": "X", "board": "neeq"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    r = client.post(
        url,
        {"credit_code": fin["firm"].credit_code, "board": "neeq"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["stage"] == "cultivating"
    pk = r.json()["id"]
    r = client.post(f"{url}/{pk}/transitions", {"action": "file"}, content_type="application/json")
    assert r.status_code == 409
    r = client.post(
        f"{url}/{pk}/transitions", {"action": "recommend"}, content_type="application/json"
    )
    assert r.json()["code"] == "recommendation_reason_required"
    r = client.post(f"{url}/{pk}/transitions", {"action": "coach"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["stage"] == "coaching"
    login(fin["ent"])
    assert [c["stage"] for c in client.get(url).json()] == ["coaching"]
    assert (
        client.post(
            f"{url}/{pk}/transitions", {"action": "file"}, content_type="application/json"
        ).status_code
        == 404
    )
