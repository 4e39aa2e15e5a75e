"""Banks' product eligibility packages (policies/financing, "financing.*") are loaded as
programs, but the calculator and the 免申即享 scan never list them: they are no award or
criteria for enterprises."""

from datetime import date

import pytest

from zjtx.core.errors import DomainError
from zjtx.policy.calculator import calculator_run
from zjtx.policy.models import Evaluation
from zjtx.policy.scan import scan_programs
from zjtx.policy.services import POLICIES_DIR, calculator_record, policies_load
from zjtx.policy.tests.test_api_workflows import caller

AS_OF = date(2026, 6, 1)


@pytest.fixture
def both_loaded(loaded_policies):
    policies_load(directory=POLICIES_DIR / "financing")


@pytest.fixture
def firm(make_enterprise, both_loaded):
    return make_enterprise(name="甲")


def _bank_ids(ids):
    return [pid for pid in ids if pid.startswith("financing.")]


def test_calculator_lists_no_bank_product_package(firm):
    report = calculator_run(enterprise=firm, as_of=AS_OF)
    ids = [row.package.id for row in report.rows]
    assert "wuhu.tech_upgrade" in ids and "gov.sme_size" in ids
    assert _bank_ids(ids) == []
    stored = calculator_record(enterprise=firm, as_of=AS_OF)
    assert stored and _bank_ids(e.program_id for e in stored) == []
    assert not Evaluation.objects.filter(program__id__startswith="financing.").exists()


def test_calculator_api_lists_no_bank_product_package(client, make_user, firm):
    me = caller(client, make_user("enterprise", enterprise=firm))
    body = me.get(f"/api/v1/policy/enterprises/{firm.credit_code}/calculator").json()
    ids = [r["program"] for r in body["results"]]
    assert "wuhu.tech_upgrade" in ids and _bank_ids(ids) == []


def test_scan_neither_lists_nor_accepts_a_bank_product_package(both_loaded):
    assert _bank_ids(p.id for p in scan_programs(as_of=AS_OF)) == []
    with pytest.raises(DomainError) as caught:
        scan_programs(as_of=AS_OF, program_ids=["financing.tax_loan"])
    assert caught.value.code == "unknown_program"


def test_a_debt_ratio_that_does_not_terminate_is_a_usable_fact(make_enterprise, both_loaded):
    """1/3 liabilities: the quotient is cut to the engine's 12 places, not refused."""
    from decimal import Decimal

    from zjtx.enterprises.models import AnnualFinancial, Enterprise
    from zjtx.policy.engine import evaluate
    from zjtx.policy.facts_from_registry import registry_facts
    from zjtx.policy.selectors import package_for, program_get

    firm = make_enterprise(name="乙")
    AnnualFinancial.objects.create(
        enterprise=firm,
        year=2025,
        total_assets=Decimal("3000000.00"),
        total_liabilities=Decimal("1000000.00"),
    )
    sheet = registry_facts(
        Enterprise.objects.filter(pk=firm.pk), as_of=AS_OF, names={"debt_asset_ratio_pct"}
    )[firm.pk]
    assert sheet.values["debt_asset_ratio_pct"] == Decimal("33.333333333333")
    version = program_get(program_id="financing.working_capital").current_version
    evaluate(package_for(version=version), sheet.values, AS_OF)  # raised FactError (too_precise)
