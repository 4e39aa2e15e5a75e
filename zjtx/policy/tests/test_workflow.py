"""The parameter change workflow: its table (pure) and its run through the engine."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest

from zjtx.core.models import AuditEvent, Notification
from zjtx.core.tests.workflow_table import refusal
from zjtx.core.workflow import WorkflowError, WorkflowErrorCode
from zjtx.policy.governance import change_approve, change_propose, change_reject
from zjtx.policy.models import ParameterChange
from zjtx.policy.workflow import PARAMETER_CHANGE, can_decide

WF = PARAMETER_CHANGE
E = WorkflowErrorCode

CASES = [
    ("proposed", "approve", "city_officer", "", None),
    ("proposed", "reject", "city_officer", "依据不足", None),
    ("proposed", "reject", "city_officer", "  ", E.REASON_REQUIRED),
    ("proposed", "approve", "unit_officer", "", E.ROLE_NOT_ALLOWED),
    ("approved", "approve", "city_officer", "", E.TRANSITION_NOT_ALLOWED),
    ("rejected", "reject", "city_officer", "x", E.TRANSITION_NOT_ALLOWED),
    ("proposed", "withdraw", "city_officer", "", E.UNKNOWN_ACTION),
]


@pytest.mark.parametrize(("state", "action", "role", "reason", "expected"), CASES)
def test_the_table_decides_who_moves_what_from_where(state, action, role, reason, expected):
    assert refusal(WF, state, action, role, reason) == expected


@pytest.fixture
def officers(make_user, loaded_policies):
    return make_user("city_officer"), make_user("city_officer")


def propose(officer):
    return change_propose(
        program_id="wuhu.tech_upgrade",
        parameter="award_rate",
        value="0.12",
        effective_from=date(2027, 1, 1),
        reason="假设的新文件",
        actor=officer,
        whatif_as_of=date(2026, 6, 1),
    )


def test_the_proposer_is_not_offered_the_decision(officers, make_user, units):
    maker, checker = officers
    change = propose(maker)
    assert not can_decide(change, maker)
    assert can_decide(change, checker)
    assert not can_decide(change, make_user("unit_officer", unit=units["镜湖区"]))


def test_the_proposer_cannot_approve_and_nothing_changes(officers):
    maker, _checker = officers
    change = propose(maker)
    with pytest.raises(WorkflowError) as err:
        change_approve(change=change, actor=maker)
    assert err.value.code == "same_officer"
    change.refresh_from_db()
    assert change.status == "proposed" and change.new_version is None


def test_approval_is_locked_audited_and_tells_the_proposer_after_commit(
    officers, django_capture_on_commit_callbacks
):
    maker, checker = officers
    change = propose(maker)
    manager = type(ParameterChange._default_manager)
    with (
        mock.patch.object(
            manager, "select_for_update", autospec=True, side_effect=manager.select_for_update
        ) as locked,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        version = change_approve(change=change, actor=checker)
    assert locked.called
    event = AuditEvent.objects.get(action="policy.parameter_change.approve")
    assert event.before["status"] == "proposed"
    assert event.after["status"] == "approved"
    assert event.after["version"] == version.version == 2
    assert event.after["base_version"] == 1
    assert not Notification.objects.filter(recipient=maker).exists()
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(recipient=maker).count() == 1


def test_rejection_keeps_the_reason_and_refuses_a_second_decision(officers):
    maker, checker = officers
    change = propose(maker)
    with pytest.raises(WorkflowError) as err:
        change_reject(change=change, actor=checker, reason=" ")
    assert err.value.code == "reason_required"
    change_reject(change=change, actor=checker, reason="依据不足")
    change.refresh_from_db()
    assert change.status == "rejected" and change.decision_reason == "依据不足"
    assert change.decided_by == checker
    event = AuditEvent.objects.get(action="policy.parameter_change.reject")
    assert event.after["reason"] == "依据不足"
    with pytest.raises(WorkflowError) as err:
        change_approve(change=change, actor=checker)
    assert err.value.code == "transition_not_allowed" and err.value.status == 409
