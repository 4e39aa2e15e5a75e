"""The enterprise verification workflow: its table (pure) and its run through the engine."""

from __future__ import annotations

from unittest import mock

import pytest

from zjtx.core.errors import DomainError
from zjtx.core.models import AuditEvent, Notification
from zjtx.core.tests.workflow_table import refusal
from zjtx.core.workflow import WorkflowError, WorkflowErrorCode
from zjtx.enterprises import services
from zjtx.enterprises.models import Enterprise
from zjtx.enterprises.workflow import ENTERPRISE_VERIFICATION

from .test_services import _register

WF = ENTERPRISE_VERIFICATION
E = WorkflowErrorCode

CASES = [
    ("pending", "verify", "unit_officer", "", None),
    ("pending", "verify", "city_officer", "", None),
    ("pending", "verify", "enterprise", "", E.ROLE_NOT_ALLOWED),
    ("verified", "verify", "city_officer", "", E.TRANSITION_NOT_ALLOWED),
    ("pending", "reject", "unit_officer", "", E.REASON_REQUIRED),
    ("pending", "reject", "unit_officer", "名称不符", None),
    ("rejected", "reject", "city_officer", "名称不符", E.TRANSITION_NOT_ALLOWED),
    ("pending", "suspend", "city_officer", "", E.UNKNOWN_ACTION),
]


@pytest.mark.parametrize(("state", "action", "role", "reason", "expected"), CASES)
def test_the_table_decides_who_moves_what_from_where(state, action, role, reason, expected):
    assert refusal(WF, state, action, role, reason) == expected


def test_verify_is_locked_audited_stamped_and_tells_the_registrant_after_commit(
    world, django_capture_on_commit_callbacks
):
    e, user = _register()
    manager = type(Enterprise._default_manager)
    with (
        mock.patch.object(
            manager, "select_for_update", autospec=True, side_effect=manager.select_for_update
        ) as locked,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        services.enterprise_verify(actor=world.unit_a, enterprise=e)
    assert locked.called
    e.refresh_from_db()
    assert e.status == "verified" and e.verified_by == world.unit_a and e.verified_at
    event = AuditEvent.objects.get(action="enterprise.verify")
    assert event.before["status"] == "pending" and event.after["status"] == "verified"
    assert not Notification.objects.filter(recipient=user).exists()
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(recipient=user).count() == 1


def test_out_of_scope_staff_get_404_and_nothing_changes(world):
    e, _user = _register()
    for outsider in (world.unit_b, world.user_a, world.bank):
        with pytest.raises(DomainError) as err:
            services.enterprise_reject(actor=outsider, enterprise=e, reason="名称不符")
        assert err.value.status == 404
    e.refresh_from_db()
    assert e.status == "pending"
    assert not AuditEvent.objects.filter(action="enterprise.reject").exists()


def test_reject_keeps_a_reason_that_fits_its_column(world):
    e, _user = _register()
    with pytest.raises(WorkflowError) as err:
        services.enterprise_reject(actor=world.city, enterprise=e, reason="长" * 256)
    assert err.value.code == "too_long" and "reason" in err.value.fields
    services.enterprise_reject(actor=world.city, enterprise=e, reason="  名称与营业执照不符 ")
    e.refresh_from_db()
    assert e.status == "rejected" and e.status_reason == "名称与营业执照不符"
    event = AuditEvent.objects.get(action="enterprise.reject")
    assert event.before == {"status": "pending", "status_reason": ""}
    assert event.after["status_reason"] == "名称与营业执照不符"
