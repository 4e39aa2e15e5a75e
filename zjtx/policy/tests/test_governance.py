"""Governance: cases must pass, what-if shows gains/losses and budget, maker-checker, audit."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from zjtx.core.errors import DomainError
from zjtx.core.models import AuditEvent
from zjtx.policy.governance import change_approve, change_propose, change_reject
from zjtx.policy.models import DeclaredFact, ParameterChange, PolicyProgram
from zjtx.policy.selectors import package_for, programs_evaluate
from zjtx.policy.services import policies_load

AS_OF = date(2026, 6, 1)


@pytest.fixture
def officers(make_user, loaded_policies):
    return make_user("city_officer"), make_user("city_officer")


@pytest.fixture
def firms(make_enterprise):
    rich, poor = make_enterprise(name="甲"), make_enterprise(name="乙")
    for ent, amount in ((rich, "5000000.00"), (poor, "2500000.00")):
        DeclaredFact.objects.create(
            enterprise=ent, name="tech_upgrade_equipment_investment_yuan", value=amount, source="t"
        )
        DeclaredFact.objects.create(
            enterprise=ent, name="tech_upgrade_completed_year", value=2025, source="t"
        )
    return rich, poor


def propose(officer, **kw):
    args = {
        "program_id": "wuhu.tech_upgrade",
        "parameter": "min_investment_yuan",
        "value": "2000000",
        "effective_from": date(2027, 1, 1),
        "reason": "市政府常务会议纪要（假设）",
        "actor": officer,
        "whatif_as_of": AS_OF,
    }
    args.update(kw)
    return change_propose(**args)


def test_a_change_that_breaks_the_cases_is_refused_with_the_cases_named(officers):
    with pytest.raises(DomainError) as info:
        propose(officers[0], effective_from=date(2019, 1, 1))
    assert info.value.code == "cases_failed"
    assert any(key.startswith("case.") for key in info.value.fields)
    assert not ParameterChange.objects.exists()


def test_whatif_shows_gainers_losers_and_budget_effect(officers, firms):
    _rich, poor = firms
    change = propose(officers[0])
    whatif = change.whatif
    assert whatif["gainers"] == 1 and whatif["losers"] == 0
    assert whatif["gains"][0]["id"] == poor.pk
    assert whatif["budget_effect_yuan"] == "250000.00"
    lower = propose(officers[0], parameter="award_rate", value="0.05")
    assert lower.whatif["losers"] == 1
    assert lower.whatif["budget_effect_yuan"] == "-250000.00"


def test_maker_checker_creates_a_new_version_in_force_from_the_date(officers, firms):
    maker, checker = officers
    change = propose(maker)
    with pytest.raises(DomainError) as info:
        change_approve(change=change, actor=maker)
    assert info.value.code == "same_officer"
    version = change_approve(change=change, actor=checker)
    program = PolicyProgram.objects.get(pk="wuhu.tech_upgrade")
    assert program.current_version == version and version.version == 2
    facts = {
        "tech_upgrade_equipment_investment_yuan": "2500000",
        "tech_upgrade_completed_year": 2026,
    }
    assert programs_evaluate(
        as_of=date(2027, 3, 1), facts=facts, program_ids=["wuhu.tech_upgrade"]
    )[0].amount_yuan == Decimal("250000.00")
    facts["tech_upgrade_completed_year"] = 2025
    assert (
        programs_evaluate(as_of=date(2026, 3, 1), facts=facts, program_ids=["wuhu.tech_upgrade"])[
            0
        ].eligible
        is False
    )
    assert (
        package_for(version=version).parameters["min_investment_yuan"].values[-1].source
        == "市政府常务会议纪要（假设）"
    )
    # Reloading the unchanged files does not undo the approved change.
    policies_load()
    program.refresh_from_db()
    assert program.current_version == version
    actions = set(
        AuditEvent.objects.filter(action__startswith="policy.parameter_").values_list(
            "action", flat=True
        )
    )
    assert actions == {"policy.parameter_propose", "policy.parameter_change.approve"}
    with pytest.raises(DomainError) as info:
        change_approve(change=change, actor=checker)
    assert info.value.code == "transition_not_allowed"


def test_reject_needs_a_reason(officers):
    change = propose(officers[0])
    with pytest.raises(DomainError):
        change_reject(change=change, actor=officers[1], reason="")
    change_reject(change=change, actor=officers[1], reason="依据不足")
    change.refresh_from_db()
    assert change.status == "rejected"


def test_only_city_officers_govern(make_user, units, loaded_policies):
    with pytest.raises(DomainError):
        propose(make_user("unit_officer", unit=units["镜湖区"]))


def test_governance_pages(client, login, officers, firms, make_user, units):
    maker, checker = officers
    login(maker)
    assert client.get(reverse("policy:governance")).status_code == 200
    response = client.post(
        reverse("policy:governance"),
        {
            "program": "wuhu.tech_upgrade",
            "parameter": "min_investment_yuan",
            "value": "200",
            "effective_from": "2027-01-01",
            "reason": "测试",
            "whatif_as_of": "2026-06-01",
        },
    )
    change = ParameterChange.objects.get()
    assert change.value == "2000000.00"  # typed in 万元
    assert response.url == reverse("policy:change-detail", args=[change.pk])
    page = client.get(response.url).content.decode()
    assert "乙" in page and "25.00" in page
    assert client.post(reverse("policy:change-approve", args=[change.pk])).status_code == 302
    change.refresh_from_db()
    assert change.status == "proposed"  # the maker cannot approve
    login(checker)
    client.post(reverse("policy:change-approve", args=[change.pk]))
    change.refresh_from_db()
    assert change.status == "approved"
    login(make_user("unit_officer", unit=units["镜湖区"]))
    assert client.get(reverse("policy:governance")).status_code == 404
    assert client.get(reverse("policy:change-detail", args=[change.pk])).status_code == 404
