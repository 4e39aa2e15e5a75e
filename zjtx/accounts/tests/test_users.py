"""The system administrator's account management (等保2.0 8.1.4.2, 8.1.5.1)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from zjtx.accounts.models import User

from .conftest import events

pytestmark = pytest.mark.django_db

NEW = reverse("accounts:user-create")


def _form(**values: Any) -> dict[str, Any]:
    data = {
        "username": "newuser",
        "email": "newuser@example.com",
        "full_name": "新用户",
        "phone": "",
        "role": "expert",
        "unit": "",
        "enterprise_credit_code": "",
        "institution": "",
        "provider": "",
    }
    data.update(values)
    return data


def test_user_list_filters_and_searches(
    sysadmin: Any, login: Any, make_user: Any, units: Any
) -> None:
    make_user("unit_officer", username="jh_officer", unit=units["镜湖区"], full_name="陈明")
    make_user("expert", username="expert_a")
    c = login(sysadmin)
    page = c.get(reverse("accounts:user-list"), {"role": "unit_officer"}).content.decode()
    assert "jh_officer" in page and "expert_a" not in page
    page = c.get(reverse("accounts:user-list"), {"q": "陈明"}).content.decode()
    assert "jh_officer" in page and "expert_a" not in page


def test_create_user_mails_an_activation_link_and_shows_no_password(
    sysadmin: Any, login: Any, units: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = login(sysadmin)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(NEW, _form(role="unit_officer", unit=units["无为市"].pk), follow=True)
    assert response.status_code == 200
    user = User.objects.get(username="newuser")
    assert user.unit == units["无为市"] and not user.has_usable_password()
    assert "secret" not in response.context
    page = response.content.decode()
    assert "n***@example.com" in page
    [mail] = mailoutbox
    assert mail.to == ["newuser@example.com"]
    raw = re.search(r"/activate/([^/\s]+)/", mail.body).group(1)  # type: ignore[union-attr]
    assert raw not in page
    event = events("user.create").get()
    assert event.after["role"] == "unit_officer" and event.after["unit"] == "无为市"
    assert raw not in str(events("user.activation_link").get().after)


def test_create_user_needs_an_e_mail(sysadmin: Any, login: Any) -> None:
    response = login(sysadmin).post(NEW, _form(email=""))
    assert "email" in response.context["form"].errors
    assert not User.objects.filter(username="newuser").exists()


@pytest.mark.parametrize(
    ("role", "field"),
    [
        ("unit_officer", "unit"),
        ("enterprise", "enterprise_credit_code"),
        ("bank", "institution"),
        ("provider", "provider"),
    ],
)
def test_missing_scope_is_a_chinese_form_error(
    sysadmin: Any, login: Any, role: str, field: str
) -> None:
    c = login(sysadmin)
    response = c.post(NEW, _form(role=role))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "必须" in response.content.decode()
    assert not User.objects.filter(username="newuser").exists()


def test_enterprise_user_is_chosen_by_credit_code(
    sysadmin: Any, login: Any, make_enterprise: Any
) -> None:
    enterprise = make_enterprise()
    c = login(sysadmin)
    unknown = c.post(NEW, _form(role="enterprise", enterprise_credit_code="91340200MA2W00000X"))
    assert "enterprise_credit_code" in unknown.context["form"].errors
    ok = c.post(
        NEW, _form(role="enterprise", enterprise_credit_code=enterprise.credit_code.lower())
    )
    assert ok.status_code == 302
    assert User.objects.get(username="newuser").enterprise == enterprise


def test_scope_of_another_role_is_dropped(sysadmin: Any, login: Any, units: Any) -> None:
    c = login(sysadmin)
    c.post(NEW, _form(role="expert", unit=units["镜湖区"].pk))
    assert User.objects.get(username="newuser").unit is None


def test_duplicate_username_is_a_form_error(sysadmin: Any, login: Any, make_user: Any) -> None:
    make_user("expert", username="newuser")
    response = login(sysadmin).post(NEW, _form())
    assert "username" in response.context["form"].errors


def test_role_change_is_audited_with_before_and_after(
    sysadmin: Any, login: Any, make_user: Any, units: Any
) -> None:
    user = make_user("unit_officer", username="moving", unit=units["镜湖区"])
    c = login(sysadmin)
    user.email = "newuser@example.com"
    user.save()
    response = c.post(
        reverse("accounts:user-edit", args=[user.pk]), _form(username="moving", role="expert")
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role == "expert" and user.unit is None
    event = events("user.role_change").get()
    assert event.before["role"] == "unit_officer" and event.before["unit"] == "镜湖区"
    assert event.after["role"] == "expert" and event.after["unit"] is None
    assert event.actor_id == sysadmin.pk


def test_sysadmin_cannot_change_its_own_role(sysadmin: Any, login: Any) -> None:
    c = login(sysadmin)
    response = c.post(
        reverse("accounts:user-edit", args=[sysadmin.pk]), _form(username="sys1", role="auditor")
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    sysadmin.refresh_from_db()
    assert sysadmin.role == "sysadmin"


def test_superusers_are_out_of_reach(sysadmin: Any, login: Any) -> None:
    root = User.objects.create_superuser("root", password="x", role="sysadmin")
    c = login(sysadmin)
    assert c.get(reverse("accounts:user-edit", args=[root.pk])).status_code == 404
    assert "root" not in c.get(reverse("accounts:user-list")).content.decode()
    c.post(NEW, _form(is_superuser="on", is_staff="on"))
    created = User.objects.get(username="newuser")
    assert not created.is_superuser and not created.is_staff


def test_deactivate_and_reactivate_are_audited(sysadmin: Any, login: Any, make_user: Any) -> None:
    from zjtx.accounts.services import token_create

    user = make_user("expert")
    token = token_create(user=user, name="x", actor=user).token
    c = login(sysadmin)
    url = reverse("accounts:user-set-active", args=[user.pk])
    c.post(url, {"active": "0"})
    user.refresh_from_db()
    token.refresh_from_db()
    assert not user.is_active and token.revoked_at is not None
    c.post(url, {"active": "1"})
    user.refresh_from_db()
    assert user.is_active
    assert events("user.deactivate").count() == 1 and events("user.reactivate").count() == 1


def test_sysadmin_cannot_deactivate_itself(sysadmin: Any, login: Any) -> None:
    c = login(sysadmin)
    response = c.post(
        reverse("accounts:user-set-active", args=[sysadmin.pk]), {"active": "0"}, follow=True
    )
    assert "不能停用自己的账号" in response.content.decode()
    sysadmin.refresh_from_db()
    assert sysadmin.is_active


def test_password_reset_mails_a_link_and_keeps_the_password_from_the_admin(
    sysadmin: Any,
    login: Any,
    make_user: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = make_user("expert")
    user.email = "expert@example.com"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(sysadmin).post(
            reverse("accounts:user-password-reset", args=[user.pk]), follow=True
        )
    assert response.status_code == 200
    assert "e***@example.com" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["expert@example.com"]]
    assert events("user.password_reset").get().object_id == str(user.pk)


def test_password_reset_without_e_mail_is_refused(
    sysadmin: Any, make_user: Any, mailoutbox: Any
) -> None:
    from zjtx.accounts.errors import AccountError
    from zjtx.accounts.services import user_password_reset

    user = make_user("expert")
    with pytest.raises(AccountError) as caught:
        user_password_reset(actor=sysadmin, user=user)
    assert caught.value.code == "email_required"
    assert not events("user.password_reset").exists() and not mailoutbox


def test_integrity_error_becomes_a_form_error(sysadmin: Any, login: Any, monkeypatch: Any) -> None:
    from zjtx.accounts import services

    monkeypatch.setattr(services, "_scope_clean", lambda role, scope: dict.fromkeys(scope))
    response = login(sysadmin).post(NEW, _form(role="unit_officer"))
    assert response.status_code == 200
    assert "角色与范围不匹配" in response.content.decode()


def test_user_pages_render_in_chinese(sysadmin: Any, login: Any, make_user: Any) -> None:
    c = login(sysadmin)
    assert "新建用户" in c.get(reverse("accounts:user-list")).content.decode()
    assert "统一社会信用代码" in c.get(NEW).content.decode()
    user = make_user("expert")
    assert "重置密码" in c.get(reverse("accounts:user-edit", args=[user.pk])).content.decode()
