"""Loading packages into the database (idempotent, refusing broken ones) and recording results."""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zjtx.core.errors import DomainError, NotFound
from zjtx.core.models import AuditEvent
from zjtx.policy.errors import PolicyLoadError
from zjtx.policy.models import Evaluation, PolicyPackageVersion, PolicyProgram
from zjtx.policy.services import evaluation_record, policies_load

POLICIES = Path(__file__).resolve().parents[3] / "policies"


@pytest.fixture
def policy_dir(tmp_path):
    target = tmp_path / "policies"
    shutil.copytree(POLICIES, target)
    return target


def test_load_creates_one_version_per_package(loaded_policies):
    assert len(loaded_policies.created) == len(list(POLICIES.glob("*.yaml")))
    assert loaded_policies.cases > 100
    program = PolicyProgram.objects.get(pk="wuhu.first_set")
    assert program.current_version.version == 1
    assert program.source == "芜湖实施意见 三(二)"
    assert program.current_version.content["facts"]["first_set_category"]["type"] == "enum"
    assert program.current_version.effective_from == date(2019, 1, 1)
    assert AuditEvent.objects.filter(action="policy.package_load").count() == len(
        loaded_policies.created
    )


def test_loading_again_changes_nothing(loaded_policies):
    versions = PolicyPackageVersion.objects.count()
    report = policies_load()
    assert report.created == []
    assert len(report.unchanged) == versions
    assert PolicyPackageVersion.objects.count() == versions


def test_a_changed_package_gets_a_new_version_and_comments_do_not_count(db, policy_dir):
    policies_load(directory=policy_dir)
    path = policy_dir / "wuhu.municipal_zjtx.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment only\n", encoding="utf-8")
    assert policies_load(directory=policy_dir).created == []

    text = path.read_text(encoding="utf-8").replace(
        "      - {from: 2019-01-01, value: 100000, source: 芜湖实施意见 三(二)}",
        "      - {from: 2019-01-01, value: 100000, source: 芜湖实施意见 三(二)}\n"
        "      - {from: 2027-01-01, value: 150000, source: 假设的新文件}",
    )
    path.write_text(text, encoding="utf-8")
    report = policies_load(directory=policy_dir)
    assert report.created == ["wuhu.municipal_zjtx v2"]
    program = PolicyProgram.objects.get(pk="wuhu.municipal_zjtx")
    assert program.current_version.version == 2
    assert program.versions.count() == 2


def test_a_package_with_a_failing_case_is_refused_and_the_others_load(db, policy_dir):
    tests = policy_dir / "tests" / "wuhu.municipal_zjtx.yaml"
    tests.write_text(
        tests.read_text(encoding="utf-8").replace(
            'amount_yuan: "100000.00"', 'amount_yuan: "99.00"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(PolicyLoadError) as info:
        policies_load(directory=policy_dir)
    problems = info.value.problems["wuhu.municipal_zjtx.yaml"]
    assert "amount_yuan: expected 99.00, got 100000.00" in problems[0]
    assert not PolicyProgram.objects.filter(pk="wuhu.municipal_zjtx").exists()
    assert PolicyProgram.objects.filter(pk="wuhu.first_set").exists()


def test_a_malformed_package_is_refused_with_the_path(db, policy_dir):
    path = policy_dir / "wuhu.first_set.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "when: developer_in_city", "when: developer_in_city.x"
        ),
        encoding="utf-8",
    )
    (policy_dir / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyLoadError) as info:
        policies_load(directory=policy_dir)
    assert any("conditions[1].when" in p for p in info.value.problems["wuhu.first_set.yaml"])
    assert "broken.yaml" in info.value.problems


def test_a_fact_declared_with_two_types_is_refused(db, policy_dir):
    path = policy_dir / "wuhu.provincial_zjtx.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "  municipal_zjtx_award_received:\n    type: bool",
            "  municipal_zjtx_award_received:\n    type: int",
        ),
        encoding="utf-8",
    )
    with pytest.raises(PolicyLoadError) as info:
        policies_load(directory=policy_dir)
    assert "wuhu.provincial_zjtx.yaml" in info.value.problems
    assert "municipal_zjtx_award_received" in info.value.problems["wuhu.provincial_zjtx.yaml"][0]


def test_the_command_loads_and_is_idempotent(db, capsys):
    call_command("load_policies")
    first = capsys.readouterr().out
    assert "13 new version(s)" in first
    call_command("load_policies")
    assert "0 new version(s), 13 unchanged" in capsys.readouterr().out


def test_the_command_fails_with_a_clear_message(db, policy_dir, capsys):
    (policy_dir / "tests" / "wuhu.tech_upgrade.yaml").write_text("[]\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_policies", dir=str(policy_dir))
    out = capsys.readouterr().out
    assert "wuhu.tech_upgrade.yaml" in out
    assert "at least one test case is required" in out


def test_evaluation_record_keeps_version_facts_and_trace(
    loaded_policies, make_enterprise, city_officer
):
    enterprise = make_enterprise()
    facts = {
        "first_set_province_certified": True,
        "first_set_category": "single_unit",
        "first_set_sale_price_yuan": "8000000",
        "developer_in_city": True,
    }
    evaluation = evaluation_record(
        program_id="wuhu.first_set",
        as_of=date(2026, 3, 1),
        facts=facts,
        enterprise=enterprise,
        actor=city_officer,
    )
    evaluation.refresh_from_db()
    assert evaluation.version == 1
    assert evaluation.package_version.program_id == "wuhu.first_set"
    assert evaluation.facts == facts
    assert evaluation.eligible is True
    assert evaluation.amount_yuan == Decimal("500000.00")
    assert evaluation.result["amount_yuan"] == "500000.00"
    assert evaluation.result["trace"][-1] == {
        "text": "奖补金额：500,000.00元",
        "source": "芜湖实施意见 三(二)",
    }
    assert evaluation.actor == city_officer
    assert AuditEvent.objects.filter(action="policy.evaluation_record").count() == 1


def test_evaluation_record_stores_insufficient_data(loaded_policies):
    evaluation = evaluation_record(
        program_id="wuhu.tech_upgrade",
        as_of=date(2026, 3, 1),
        facts={"tech_upgrade_completed_year": 2025},
    )
    assert evaluation.eligible is None
    assert evaluation.amount_yuan is None
    assert evaluation.result["missing"] == ["tech_upgrade_equipment_investment_yuan"]
    assert Evaluation.objects.count() == 1


def test_evaluation_record_refuses_unknown_programs_and_bad_facts(loaded_policies):
    with pytest.raises(NotFound):
        evaluation_record(program_id="wuhu.nothing", as_of=date(2026, 3, 1), facts={})
    with pytest.raises(DomainError) as info:
        evaluation_record(
            program_id="wuhu.first_set", as_of=date(2026, 3, 1), facts={"developer_in_city": "yes"}
        )
    assert info.value.code == "invalid_facts"
    assert "facts.developer_in_city" in info.value.fields
