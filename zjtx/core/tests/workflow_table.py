"""A helper for each workflow's table-driven test: what `check` says, as a code or None."""

from __future__ import annotations

from zjtx.core.workflow import Workflow, WorkflowError, check


def refusal(
    workflow: Workflow, state: str, action: str, role: str, reason: str = "", reason_code: str = ""
) -> str | None:
    """The code `check` refuses the step with, or None when the table allows it."""
    try:
        check(
            workflow,
            state=state,
            action=action,
            role=role,
            reason_code=reason_code,
            reason=reason,
        )
    except WorkflowError as err:
        return err.code
    return None
