import pytest

from zjtx.core.nav import navigation_for

pytestmark = pytest.mark.django_db


def _labels(user, path="/"):
    user.is_verified = lambda: True  # what OTPMiddleware sets after the second factor
    return {item["url"] for s in navigation_for(user, path) for item in s["items"]}


def test_unit_officer_sees_registry_but_no_admin_pages(make_user, units):
    urls = _labels(make_user("unit_officer", unit=units["镜湖区"]))
    assert "/enterprises/" in urls
    assert "/audit/" not in urls and "/accounts/users/" not in urls


def test_auditor_sees_only_the_audit_log_and_home(make_user):
    urls = _labels(make_user("auditor"))
    assert "/audit/" in urls
    assert "/enterprises/" not in urls


def test_no_menu_before_the_second_factor(make_user):
    officer = make_user("city_officer")
    officer.is_verified = lambda: False
    assert navigation_for(officer, "/") == []


def test_only_the_longest_matching_entry_is_active(make_user, units):
    officer = make_user("unit_officer", unit=units["镜湖区"])
    active = [
        i["url"]
        for s in navigation_for(officer, "/enterprises/new/")
        for i in s["items"]
        if i["active"]
    ]
    assert active == ["/enterprises/new/"]


def test_every_role_sees_home(make_user, units):
    for role in ("enterprise", "expert", "bank", "provider", "sysadmin", "secadmin"):
        assert "/" in _labels(
            make_user(role)
            if role in ("expert", "sysadmin", "secadmin")
            else _scoped(make_user, role, units)
        )


def _scoped(make_user, role, units):
    from zjtx.partners.models import FinancialInstitution, ServiceProvider

    if role == "enterprise":
        from zjtx.core.credit_code import make_valid_code
        from zjtx.enterprises.models import Enterprise

        ent = Enterprise.objects.create(
            credit_code=make_valid_code("91340202MA2W00990"),
            name="导航测试企业",
            unit=units["镜湖区"],
        )
        return make_user(role, enterprise=ent)
    if role == "bank":
        return make_user(role, institution=FinancialInstitution.objects.create(name="测试银行"))
    return make_user(
        role, provider=ServiceProvider.objects.create(name="测试机构", platform="technology")
    )
