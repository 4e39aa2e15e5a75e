"""The monitoring workflows (period, early warning): tables (pure) and runs through the engine."""

from __future__ import annotations

from unittest import mock

import pytest

from zjtx.core.errors import NotFound
from zjtx.core.models import AuditEvent, Notification
from zjtx.core.tests.workflow_table import refusal
from zjtx.core.workflow import WorkflowError, WorkflowErrorCode
from zjtx.monitoring import services
from zjtx.monitoring.models import (
    MonitoringWarning,
    ReportingPeriod,
    UnitPeriodConfirmation,
    WarningRule,
)
from zjtx.monitoring.workflow import REPORTING_PERIOD, WARNING

from .conftest import PERIOD

WF = REPORTING_PERIOD
E = WorkflowErrorCode

CASES = [
    ("open", "lock", "city_officer", "", None),
    ("open", "lock", "unit_officer", "", E.ROLE_NOT_ALLOWED),
    ("locked", "lock", "city_officer", "", E.TRANSITION_NOT_ALLOWED),
    ("locked", "unlock", "city_officer", "", E.REASON_REQUIRED),
    ("locked", "unlock", "city_officer", "企业更正数据", None),
    ("open", "unlock", "city_officer", "企业更正数据", E.TRANSITION_NOT_ALLOWED),
    ("open", "confirm", "unit_officer", "", E.UNKNOWN_ACTION),
]


@pytest.mark.parametrize(("state", "action", "role", "reason", "expected"), CASES)
def test_the_table_decides_who_moves_what_from_where(state, action, role, reason, expected):
    assert refusal(WF, state, action, role, reason) == expected


@pytest.fixture
def city(make_user):
    return make_user("city_officer")


def test_lock_is_row_locked_audited_and_stamped(city):
    period = services.period_open(actor=city, code=PERIOD)
    manager = type(ReportingPeriod._default_manager)
    with mock.patch.object(
        manager, "select_for_update", autospec=True, side_effect=manager.select_for_update
    ) as locked:
        services.period_lock(actor=city, period=period)
    assert locked.called
    period.refresh_from_db()
    assert period.is_locked and period.locked_by == city and period.locked_at
    event = AuditEvent.objects.get(action="monitoring.period.lock")
    assert event.before["status"] == "open" and event.after["status"] == "locked"
    with pytest.raises(WorkflowError) as err:
        services.period_lock(actor=city, period=period)
    assert err.value.code == "transition_not_allowed" and err.value.status == 409


def test_only_the_city_locks(city, unit_officer):
    period = services.period_open(actor=city, code=PERIOD)
    with pytest.raises(WorkflowError) as err:
        services.period_lock(actor=unit_officer, period=period)
    assert err.value.code == "role_not_allowed"


def test_unlock_needs_a_real_reason_drops_confirmations_and_tells_the_units_after_commit(
    city, unit_officer, django_capture_on_commit_callbacks
):
    period = services.period_open(actor=city, code=PERIOD)
    services.unit_confirm(actor=unit_officer, period=period)
    services.period_lock(actor=city, period=period)
    for reason in ("", "改"):
        with pytest.raises(WorkflowError) as err:
            services.period_unlock(actor=city, period=period, reason=reason)
        assert err.value.code == "reason_required"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.period_unlock(actor=city, period=period, reason="企业更正数据")
    period.refresh_from_db()
    assert not period.is_locked and period.locked_by is None
    assert not UnitPeriodConfirmation.objects.filter(period=period).exists()
    event = AuditEvent.objects.get(action="monitoring.period.unlock")
    assert event.before["status"] == "locked"
    assert event.after == {"status": "open", "reason": "企业更正数据", "confirmations_dropped": 1}
    assert not Notification.objects.filter(recipient=unit_officer).exists()
    for callback in callbacks:
        callback()
    assert Notification.objects.get(recipient=unit_officer).body == "企业更正数据"


# ------------------------------------------------------------------ early-warning follow-up

WARNING_CASES = [
    ("open", "close", "unit_officer", "已走访企业", None),
    ("open", "close", "city_officer", "已走访企业", None),
    ("open", "close", "enterprise", "已走访企业", E.ROLE_NOT_ALLOWED),
    ("closed", "close", "unit_officer", "已走访企业", E.TRANSITION_NOT_ALLOWED),
    ("open", "reopen", "city_officer", "", E.TRANSITION_NOT_ALLOWED),
    ("open", "withdraw", "city_officer", "", None),
    ("open", "withdraw", "unit_officer", "", E.ROLE_NOT_ALLOWED),
    ("withdrawn", "reopen", "city_officer", "", None),
    ("withdrawn", "close", "unit_officer", "已走访企业", E.TRANSITION_NOT_ALLOWED),
    ("open", "delete", "unit_officer", "", E.UNKNOWN_ACTION),
]


@pytest.mark.parametrize(("state", "action", "role", "reason", "expected"), WARNING_CASES)
def test_the_warning_table(state, action, role, reason, expected):
    assert refusal(WARNING, state, action, role, reason) == expected


def test_closing_a_warning_runs_through_the_engine(city, unit_officer, other_unit_officer, firms):
    from datetime import date

    period = services.period_open(actor=city, code=PERIOD)
    rule = WarningRule.objects.create(
        code="revenue_yoy", yellow=10, orange=20, red=40, valid_from=date(2020, 1, 1)
    )
    firm = firms["a"]
    warning = MonitoringWarning.objects.create(
        enterprise=firm, unit=firm.unit, period=period, rule=rule, level="orange", explanation="x"
    )
    with pytest.raises(NotFound):
        services.warning_close(actor=other_unit_officer, warning=warning, note="已走访企业")
    with pytest.raises(WorkflowError) as err:
        services.warning_close(actor=unit_officer, warning=warning, note=" 已 ")
    assert err.value.code == "note_required"
    services.warning_close(actor=unit_officer, warning=warning, note="已走访企业，系季节性")
    row = MonitoringWarning.objects.get(pk=warning.pk)
    assert (row.status, row.closed_by, row.note) == ("closed", unit_officer, "已走访企业，系季节性")
    assert row.closed_at is not None
    event = AuditEvent.objects.get(action="monitoring.warning.close")
    assert event.before == {"status": "open", "note": ""}
    assert (event.after["status"], event.after["note"]) == ("closed", "已走访企业，系季节性")
    with pytest.raises(WorkflowError) as err:
        services.warning_close(actor=city, warning=warning, note="再次关闭")
    assert err.value.code == "transition_not_allowed" and err.value.status == 409
