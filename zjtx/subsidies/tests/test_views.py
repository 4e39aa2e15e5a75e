"""Subsidy pages: the flow in the browser's terms, scoping (404), exports in bureau shape."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zjtx.subsidies.models import Application, Payout
from zjtx.subsidies.services import application_approve

from .conftest import PDF


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_enterprise_applies_with_prefilled_form_and_uploads_evidence(client, login, people):
    login(people["ent"])
    page = client.get(reverse("subsidies:create"), {"program": "wuhu.tech_upgrade"})
    assert page.status_code == 200
    assert "技术改造设备投资奖补" in page.content.decode()
    response = client.post(
        reverse("subsidies:create"),
        {
            "program": "wuhu.tech_upgrade",
            "fact__tech_upgrade_equipment_investment_yuan": "400",
            "fact__tech_upgrade_completed_year": "2025",
        },
    )
    application = Application.objects.get()
    assert response.url == reverse("subsidies:detail", args=[application.pk])
    upload = SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf")
    client.post(reverse("subsidies:evidence-upload", args=[application.pk]), {"file": upload})
    assert application.evidence.count() == 1
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    client.post(reverse("subsidies:evidence-upload", args=[application.pk]), {"file": fake})
    assert application.evidence.count() == 1
    client.post(reverse("subsidies:transition", args=[application.pk, "submit"]))
    application.refresh_from_db()
    assert application.status == "submitted"
    page = client.get(reverse("subsidies:detail", args=[application.pk])).content.decode()
    assert "待单位审核" in page or "Awaiting unit check" in page


def test_unit_forwards_city_approves_and_the_ledger_shows_it(
    client, login, people, make_application
):
    application = make_application()
    login(people["ent"])
    client.post(reverse("subsidies:transition", args=[application.pk, "submit"]))
    login(people["unit"])
    assert client.get(reverse("subsidies:list")).status_code == 200
    client.post(reverse("subsidies:transition", args=[application.pk, "forward"]))
    login(people["city"])
    response = client.post(
        reverse("subsidies:approve", args=[application.pk]),
        {"amount_wan": "8", "override_reason": ""},
    )
    assert response.status_code == 200  # refused: a different amount needs a reason
    assert not Payout.objects.exists()
    client.post(reverse("subsidies:approve", args=[application.pk]), {})
    assert Payout.objects.get().amount_yuan == Decimal("100000.00")
    ledger = client.get(reverse("subsidies:ledger")).content.decode()
    assert "芜湖甲科技有限公司" in ledger and "10.00" in ledger


def test_exports_have_title_unit_row_and_chinese_headers(client, login, people, forwarded):
    application_approve(application=forwarded(), actor=people["city"])
    login(people["city"])
    for url in (reverse("subsidies:ledger"), reverse("subsidies:budgets")):
        response = client.get(url, {"format": "xlsx"})
        assert response.status_code == 200
        rows = _rows(response.content)
        assert rows[0][0]  # the title row
        assert "单位：万元" in str(rows[1][0])
        assert rows[2][0] == "序号"
        assert "政策项目" in rows[2]
    rows = _rows(client.get(reverse("subsidies:ledger"), {"format": "xlsx"}).content)
    assert rows[3][5] == 10  # 100,000 元 = 10.00 万元


def _rows(content):
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_budget_page_sets_a_budget(client, login, people):
    login(people["city"])
    response = client.post(
        reverse("subsidies:budgets"),
        {"program": "wuhu.first_set", "year": "2026", "amount_wan": "500", "note": ""},
    )
    assert response.status_code == 302
    login(people["unit"])
    assert client.post(reverse("subsidies:budgets"), {}).status_code == 404


def test_scoping_gives_404_outside_the_jurisdiction(client, login, people, make_application):
    application = make_application()
    detail = reverse("subsidies:detail", args=[application.pk])
    for who in ("other_ent", "other_unit"):
        login(people[who])
        assert client.get(detail).status_code == 404
        assert (
            client.post(
                reverse("subsidies:transition", args=[application.pk, "forward"])
            ).status_code
            == 404
        )
        assert (
            client.get(reverse("subsidies:evidence", args=[application.pk, 1])).status_code == 404
        )
    for who in ("city", "unit"):
        login(people[who])
        assert client.get(detail).status_code == 404  # a draft is the enterprise's own
    login(people["other_ent"])
    assert client.get(reverse("subsidies:ledger")).status_code == 404
    login(people["ent"])
    assert client.get(detail).status_code == 200
    assert (
        client.get(
            reverse("subsidies:evidence", args=[application.pk, application.evidence.get().pk])
        ).status_code
        == 200
    )
