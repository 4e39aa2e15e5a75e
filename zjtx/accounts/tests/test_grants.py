"""Maker-checker for privileged accounts (三员分立, 等保2.0 8.1.7): the system administrator
proposes, the security administrator decides, and nobody but the user sees a password."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from zjtx.accounts.errors import AccountError
from zjtx.accounts.models import RoleGrantRequest, User
from zjtx.accounts.services import (
    grant_decide,
    user_create,
    user_password_reset,
    user_update,
)
from zjtx.core.errors import DomainError
from zjtx.core.workflow import WorkflowError

from .conftest import events

pytestmark = pytest.mark.django_db
Status = RoleGrantRequest.Status


def _link(mail: Any) -> str:
    return re.search(r"/accounts/activate/[^/\s]+/", mail.body).group(0)  # type: ignore[union-attr]


@pytest.mark.parametrize("role", ["auditor", "city_officer", "secadmin", "sysadmin"])
def test_privileged_account_is_only_a_request_until_approved(
    sysadmin: Any, role: str, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        change = user_create(actor=sysadmin, username="boss", role=role, email="b@example.com")
    assert change.pending and change.user is None
    assert not User.objects.filter(username="boss").exists()
    assert not mailoutbox
    [grant] = change.grants
    assert grant.status == Status.PENDING and grant.kind == RoleGrantRequest.Kind.CREATE
    assert events("role_grant.propose").get().actor_id == sysadmin.pk


def test_security_admin_approval_creates_the_account_and_mails_the_link(
    sysadmin: Any, secadmin: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    grant = user_create(
        actor=sysadmin, username="aud2", role="auditor", email="aud2@example.com"
    ).grants[0]
    with django_capture_on_commit_callbacks(execute=True):
        grant_decide(actor=secadmin, grant=grant, action="approve")
    grant.refresh_from_db()
    user = User.objects.get(username="aud2")
    assert grant.status == Status.APPROVED and grant.target == user
    assert grant.decided_by == secadmin
    assert user.role == "auditor" and not user.has_usable_password()
    assert [m.to for m in mailoutbox] == [["aud2@example.com"]]
    assert events("role_grant.approve").get().actor_id == secadmin.pk
    assert events("user.create").get().after["requested_by"] == sysadmin.username


def test_username_of_a_pending_request_is_taken(sysadmin: Any) -> None:
    user_create(actor=sysadmin, username="boss", role="auditor", email="b@example.com")
    with pytest.raises(AccountError) as caught:
        user_create(actor=sysadmin, username="BOSS", role="expert", email="c@example.com")
    assert caught.value.code == "username_taken"


def test_sysadmin_cannot_approve_its_own_request(sysadmin: Any) -> None:
    grant = user_create(actor=sysadmin, username="boss", role="auditor", email="b@e.com").grants[0]
    with pytest.raises(WorkflowError) as caught:
        grant_decide(actor=sysadmin, grant=grant, action="approve")
    assert caught.value.code == "role_not_allowed"
    assert not User.objects.filter(username="boss").exists()


def test_role_change_to_city_officer_waits_for_approval(
    sysadmin: Any, secadmin: Any, make_user: Any, units: Any
) -> None:
    user = make_user("unit_officer", unit=units["镜湖区"])
    change = user_update(actor=sysadmin, user=user, role="city_officer")
    user.refresh_from_db()
    assert change.pending and user.role == "unit_officer" and user.unit == units["镜湖区"]
    grant_decide(actor=secadmin, grant=change.grants[0], action="approve")
    user.refresh_from_db()
    assert user.role == "city_officer" and user.unit is None
    event = events("user.role_change").get()
    assert event.actor_id == secadmin.pk and event.before["role"] == "unit_officer"


def test_role_change_away_from_a_privileged_role_waits_too(
    sysadmin: Any, make_user: Any, units: Any
) -> None:
    user = make_user("city_officer")
    change = user_update(actor=sysadmin, user=user, role="unit_officer", unit=units["镜湖区"])
    user.refresh_from_db()
    assert change.pending and user.role == "city_officer"
    assert change.grants[0].unit == units["镜湖区"]


def test_approving_a_token_holder_into_a_second_factor_role_revokes_its_tokens(
    sysadmin: Any, secadmin: Any, make_user: Any
) -> None:
    from zjtx.accounts.services import token_create

    user = make_user("expert")
    token = token_create(user=user, name="x", actor=user).token
    grant = user_update(actor=sysadmin, user=user, role="city_officer").grants[0]
    grant_decide(actor=secadmin, grant=grant, action="approve")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_reset_of_a_privileged_account_is_pending_until_approved(
    sysadmin: Any,
    secadmin: Any,
    make_user: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer = make_user("city_officer")
    officer.email = "officer@example.com"
    officer.save()
    old_hash = officer.password
    with django_capture_on_commit_callbacks(execute=True):
        change = user_password_reset(actor=sysadmin, user=officer)
    officer.refresh_from_db()
    assert change.pending and officer.password == old_hash and not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        grant_decide(actor=secadmin, grant=change.grants[0], action="approve")
    assert [m.to for m in mailoutbox] == [["officer@example.com"]]
    assert events("user.password_reset").get().actor_id == secadmin.pk


def test_secadmin_cannot_approve_a_request_about_itself(
    sysadmin: Any, secadmin: Any, make_user: Any
) -> None:
    secadmin.email = "sec@example.com"
    secadmin.save()
    grant = user_password_reset(actor=sysadmin, user=secadmin).grants[0]
    with pytest.raises(WorkflowError) as caught:
        grant_decide(actor=secadmin, grant=grant, action="approve")
    assert caught.value.code == "own_account"
    other = make_user("secadmin")
    grant_decide(actor=other, grant=grant, action="approve")
    grant.refresh_from_db()
    assert grant.status == Status.APPROVED


def test_reject_needs_a_reason_and_changes_nothing(
    sysadmin: Any, secadmin: Any, make_user: Any
) -> None:
    user = make_user("expert")
    grant = user_update(actor=sysadmin, user=user, role="auditor").grants[0]
    with pytest.raises(WorkflowError) as caught:
        grant_decide(actor=secadmin, grant=grant, action="reject")
    assert caught.value.code == "reason_required"
    grant_decide(actor=secadmin, grant=grant, action="reject", reason="无审批单")
    grant.refresh_from_db()
    user.refresh_from_db()
    assert grant.status == Status.REJECTED and grant.reason == "无审批单"
    assert user.role == "expert"
    with pytest.raises(DomainError) as again:
        grant_decide(actor=secadmin, grant=grant, action="approve")
    assert again.value.code == "transition_not_allowed"


def test_only_the_proposer_cancels(sysadmin: Any, make_user: Any) -> None:
    grant = user_create(actor=sysadmin, username="boss", role="auditor", email="b@e.com").grants[0]
    with pytest.raises(WorkflowError) as caught:
        grant_decide(actor=make_user("sysadmin"), grant=grant, action="cancel")
    assert caught.value.code == "not_proposer"
    grant_decide(actor=sysadmin, grant=grant, action="cancel")
    grant.refresh_from_db()
    assert grant.status == Status.CANCELLED


def test_e_mail_change_waits_for_approval(sysadmin: Any, secadmin: Any, make_user: Any) -> None:
    user = make_user("expert")
    user.email = "old@example.com"
    user.save()
    change = user_update(actor=sysadmin, user=user, role="expert", email="admin@evil.example")
    user.refresh_from_db()
    assert change.pending and user.email == "old@example.com"
    grant_decide(actor=secadmin, grant=change.grants[0], action="approve")
    user.refresh_from_db()
    assert user.email == "admin@evil.example"


def test_a_second_request_of_the_same_kind_is_refused(sysadmin: Any, make_user: Any) -> None:
    user = make_user("expert")
    user_update(actor=sysadmin, user=user, role="auditor")
    with pytest.raises(AccountError) as caught:
        user_update(actor=sysadmin, user=user, role="secadmin")
    assert caught.value.code == "request_pending"


def test_request_pages_for_both_admins(
    sysadmin: Any,
    secadmin: Any,
    login: Any,
    client: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    c = login(sysadmin)
    response = c.post(
        reverse("accounts:user-create"),
        {"username": "boss", "email": "boss@example.com", "role": "auditor"},
        follow=True,
    )
    grant = RoleGrantRequest.objects.get()
    approve = reverse("accounts:grant-decide", args=[grant.pk, "approve"])
    page = response.content.decode()
    assert "boss" in page and approve not in page  # the proposer has no approve button
    assert reverse("accounts:grant-decide", args=[grant.pk, "cancel"]) in page
    client.logout()
    c = login(secadmin)
    page = c.get(reverse("accounts:grant-list")).content.decode()
    assert "账号变更申请" in page and approve in page
    with django_capture_on_commit_callbacks(execute=True):
        c.post(approve)
    grant.refresh_from_db()
    assert grant.status == Status.APPROVED
    # Neither administrator saw the link: it went only to the user's mailbox.
    link = _link(mailoutbox[0])
    assert link not in page


@pytest.mark.parametrize("role", ["auditor", "city_officer", "expert", "unit_officer"])
def test_other_roles_get_404_on_the_request_pages(
    make_user: Any, login: Any, role: str, units: Any
) -> None:
    scope = {"unit": units["镜湖区"]} if role == "unit_officer" else {}
    c = login(make_user(role, **scope))
    assert c.get(reverse("accounts:grant-list")).status_code == 404
