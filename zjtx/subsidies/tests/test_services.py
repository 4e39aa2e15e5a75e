"""Subsidy workflow: evidence by content, reasons, computed amount and override, budget, once only."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from zjtx.core.errors import DomainError
from zjtx.core.models import AuditEvent
from zjtx.policy.models import DeclaredFact
from zjtx.subsidies.models import Application, Payout
from zjtx.subsidies.services import (
    application_approve,
    application_transition,
    budget_set,
    evidence_add,
)

from .conftest import PDF, PNG


def code_of(call):
    with pytest.raises(DomainError) as info:
        call()
    return info.value.code


def test_create_computes_the_amount_by_the_rules(make_application):
    app = make_application(program="wuhu.tech_upgrade")
    assert app.status == Application.Status.DRAFT
    assert app.computed_eligible is True
    assert app.computed_amount_yuan == Decimal("400000.01")
    assert app.evaluation.facts["tech_upgrade_equipment_investment_yuan"] == "4000000.05"


def test_evidence_is_checked_by_content_and_size(people, make_application, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app = make_application(evidence=False)
    ent = people["ent"]
    assert (
        evidence_add(application=app, name="a.png", data=PNG, actor=ent).content_type == "image/png"
    )
    assert (
        code_of(
            lambda: evidence_add(application=app, name="x.pdf", data=b"MZ\x90\x00fake", actor=ent)
        )
        == "file_type_not_allowed"
    )
    big = b"%PDF-" + b"0" * (10 * 1024 * 1024)
    assert (
        code_of(lambda: evidence_add(application=app, name="big.pdf", data=big, actor=ent))
        == "file_too_large"
    )
    assert (
        code_of(
            lambda: evidence_add(application=app, name="a.pdf", data=PDF, actor=people["other_ent"])
        )
        == "not_found"
    )


def test_submit_needs_evidence_and_eligibility_and_declares_the_facts(people, make_application):
    app = make_application(evidence=False)
    assert (
        code_of(
            lambda: application_transition(application=app, action="submit", actor=people["ent"])
        )
        == "evidence_required"
    )
    evidence_add(application=app, name="a.pdf", data=PDF, actor=people["ent"])
    application_transition(application=app, action="submit", actor=people["ent"])
    assert DeclaredFact.objects.filter(
        enterprise=people["firm"], name="municipal_zjtx_newly_certified"
    ).exists()
    bad = make_application(
        facts={"municipal_zjtx_newly_certified": False, "municipal_zjtx_award_received": False}
    )
    assert (
        code_of(
            lambda: application_transition(application=bad, action="submit", actor=people["ent"])
        )
        == "not_eligible"
    )


def test_transitions_follow_the_table_and_returns_need_a_reason(people, make_application):
    app = make_application()
    # A draft is not yet the unit's to see.
    assert (
        code_of(
            lambda: application_transition(application=app, action="forward", actor=people["unit"])
        )
        == "not_found"
    )
    application_transition(application=app, action="submit", actor=people["ent"])
    for action, who, code in (
        ("submit", "ent", "transition_not_allowed"),
        ("forward", "ent", "role_not_allowed"),
        ("reject", "unit", "role_not_allowed"),
        ("fly", "unit", "unknown_action"),
    ):
        assert (
            code_of(
                lambda a=action, w=who: application_transition(
                    application=app, action=a, actor=people[w], reason="x"
                )
            )
            == code
        )
    assert (
        code_of(
            lambda: application_transition(
                application=app, action="unit_return", actor=people["unit"]
            )
        )
        == "reason_required"
    )
    assert (
        code_of(
            lambda: application_transition(
                application=app, action="forward", actor=people["other_unit"]
            )
        )
        == "not_found"
    )
    application_transition(
        application=app, action="unit_return", actor=people["unit"], reason="证明材料不清晰"
    )
    app.refresh_from_db()
    assert app.status == "returned" and app.last_reason == "证明材料不清晰"
    application_transition(application=app, action="submit", actor=people["ent"])
    application_transition(application=app, action="forward", actor=people["unit"])
    assert (
        code_of(
            lambda: application_transition(application=app, action="reject", actor=people["city"])
        )
        == "reason_required"
    )
    application_transition(
        application=app, action="reject", actor=people["city"], reason="不符合条件"
    )
    assert [e.action for e in app.events.all()] == [
        "create",
        "submit",
        "unit_return",
        "submit",
        "forward",
        "reject",
    ]
    assert AuditEvent.objects.filter(action__startswith="subsidies.application.").count() == 5


def test_approval_records_the_computed_amount_in_the_ledger(people, forwarded):
    app = forwarded()
    payout = application_approve(application=app, actor=people["city"])
    assert payout.amount_yuan == Decimal("100000.00")
    assert payout.once_only is True
    app.refresh_from_db()
    assert app.status == "approved" and app.approved_amount_yuan == Decimal("100000.00")


def test_a_different_amount_needs_a_reason_which_is_recorded(people, forwarded):
    app = forwarded(program="wuhu.tech_upgrade")
    assert (
        code_of(
            lambda: application_approve(
                application=app, actor=people["city"], amount_yuan=Decimal("300000")
            )
        )
        == "override_reason_required"
    )
    application_approve(
        application=app,
        actor=people["city"],
        amount_yuan=Decimal("300000.00"),
        override_reason="按预算调减",
    )
    app.refresh_from_db()
    assert app.override_reason == "按预算调减"
    event = AuditEvent.objects.filter(action="subsidies.application.approve").latest("id")
    assert event.after["override_reason"] == "按预算调减"


def test_approval_is_refused_beyond_the_budget(people, forwarded):
    app = forwarded(program="wuhu.tech_upgrade")
    budget_set(
        program_id="wuhu.tech_upgrade",
        year=timezone.localdate().year,
        amount_yuan=Decimal("400000.00"),
        actor=people["city"],
    )
    with pytest.raises(DomainError) as info:
        application_approve(application=app, actor=people["city"])
    assert info.value.code == "budget_exceeded"
    assert "万元" in info.value.message
    assert Payout.objects.count() == 0


def test_budget_cannot_go_below_what_was_approved(people, forwarded):
    application_approve(application=forwarded(), actor=people["city"])
    year = timezone.localdate().year
    assert (
        code_of(
            lambda: budget_set(
                program_id="wuhu.municipal_zjtx",
                year=year,
                amount_yuan=Decimal("50000"),
                actor=people["city"],
            )
        )
        == "budget_below_spent"
    )
    assert (
        code_of(
            lambda: budget_set(
                program_id="wuhu.municipal_zjtx",
                year=year,
                amount_yuan=Decimal("1"),
                actor=people["unit"],
            )
        )
        == "forbidden"
    )


def test_a_once_only_award_cannot_be_approved_twice(people, forwarded):
    first, second = forwarded(), forwarded()
    application_approve(application=first, actor=people["city"])
    assert (
        code_of(lambda: application_approve(application=second, actor=people["city"]))
        == "already_awarded"
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_a_once_only_award_pay_once(people, forwarded):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are tested on PostgreSQL")
    first, second = forwarded(), forwarded()
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(app):
        from django.db import connections

        try:
            barrier.wait()
            application_approve(application=app, actor=people["city"])
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(a,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_awarded", "ok"]
    assert (
        Payout.objects.filter(enterprise=people["firm"], program_id="wuhu.municipal_zjtx").count()
        == 1
    )


def test_the_database_refuses_a_second_once_only_payout(people, forwarded):
    from django.db import IntegrityError, transaction

    payout = application_approve(application=forwarded(), actor=people["city"])
    other = forwarded()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.create(
            application=other,
            enterprise=payout.enterprise,
            program=payout.program,
            budget=payout.budget,
            year=payout.year,
            amount_yuan=Decimal("1"),
            once_only=True,
        )
