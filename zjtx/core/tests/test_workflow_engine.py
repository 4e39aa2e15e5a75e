"""The workflow engine's pure checks, table-driven, without a database."""

from __future__ import annotations

import pytest
from django.db import models

from zjtx.core.workflow import (
    Clock,
    Transition,
    TransitionConflict,
    Workflow,
    WorkflowError,
    WorkflowErrorCode,
    actions_for,
    blocked_actions,
    check,
)

REASONS = {"missing": "材料缺失", "other": "其他"}

WF = Workflow(
    name="test.case",
    model=models.Model,
    states={"draft": "草稿", "submitted": "已提交", "returned": "已退回", "done": "办结"},
    transitions={
        "submit": Transition(
            frozenset({"draft", "returned"}), "submitted", frozenset({"ent"}), "提交"
        ),
        "return": Transition(
            frozenset({"submitted"}),
            "returned",
            frozenset({"unit"}),
            "退回",
            needs_reason=True,
            reasons=REASONS,
        ),
        "close": Transition(
            frozenset({"submitted"}), "done", frozenset({"unit"}), "办结", needs_reason=True
        ),
        "auto": Transition(
            frozenset({"submitted"}), "done", frozenset({"unit"}), "系统", manual=False
        ),
    },
    waiting_for={"draft": "ent", "submitted": "unit", "returned": "ent"},
    clocks=(
        Clock(
            "review", "初审", 5, frozenset({"submitted"}), "unit", paused_in=frozenset({"returned"})
        ),
    ),
)

CASES = [
    # state, action, role, reason_code, reason, expected code (None = allowed)
    ("draft", "submit", "ent", "", "", None),
    ("returned", "submit", "ent", "", "", None),
    ("submitted", "submit", "ent", "", "", WorkflowErrorCode.TRANSITION_NOT_ALLOWED),
    ("draft", "submit", "unit", "", "", WorkflowErrorCode.ROLE_NOT_ALLOWED),
    ("draft", "fly", "ent", "", "", WorkflowErrorCode.UNKNOWN_ACTION),
    ("submitted", "return", "unit", "", "", WorkflowErrorCode.REASON_REQUIRED),
    ("submitted", "return", "unit", "nope", "", WorkflowErrorCode.REASON_UNKNOWN),
    ("submitted", "return", "unit", "other", "  ", WorkflowErrorCode.REASON_REQUIRED),
    ("submitted", "return", "unit", "other", "盖章不清", None),
    ("submitted", "return", "unit", "missing", "", None),
    ("submitted", "close", "unit", "", "", WorkflowErrorCode.REASON_REQUIRED),
    ("submitted", "close", "unit", "", "已解决", None),
    ("done", "close", "unit", "", "已解决", WorkflowErrorCode.TRANSITION_NOT_ALLOWED),
]


@pytest.mark.parametrize(("state", "action", "role", "code", "reason", "expected"), CASES)
def test_check_follows_the_table(state, action, role, code, reason, expected):
    if expected is None:
        assert check(WF, state=state, action=action, role=role, reason_code=code, reason=reason)
    else:
        with pytest.raises(WorkflowError) as err:
            check(WF, state=state, action=action, role=role, reason_code=code, reason=reason)
        assert err.value.code == expected


def test_a_wrong_state_is_a_conflict_and_names_the_status():
    with pytest.raises(TransitionConflict) as err:
        check(WF, state="done", action="submit", role="ent")
    assert err.value.status == 409
    assert "办结" in err.value.message


def test_actions_for_offers_only_manual_actions_of_the_role_in_the_state():
    assert [name for name, _ in actions_for(WF, state="submitted", role="unit")] == [
        "return",
        "close",
    ]
    assert [
        name for name, _ in actions_for(WF, state="submitted", role="unit", manual_only=False)
    ] == [
        "return",
        "close",
        "auto",
    ]
    assert actions_for(WF, state="submitted", role="ent") == []


def test_blocked_actions_say_when_they_become_possible():
    blocked = blocked_actions(WF, state="submitted", role="ent")
    assert [name for name, _, _ in blocked] == ["submit"]
    assert "草稿" in blocked[0][2] and "已退回" in blocked[0][2]


def test_a_table_naming_an_unknown_state_is_refused_at_import():
    with pytest.raises(ValueError):
        Workflow(
            name="bad",
            model=models.Model,
            states={"a": "A"},
            transitions={"go": Transition(frozenset({"a"}), "b", frozenset({"x"}), "go")},
        )


def test_reasons_without_needs_reason_are_refused():
    with pytest.raises(ValueError):
        Workflow(
            name="bad",
            model=models.Model,
            states={"a": "A", "b": "B"},
            transitions={
                "go": Transition(frozenset({"a"}), "b", frozenset({"x"}), "go", reasons=REASONS)
            },
        )
