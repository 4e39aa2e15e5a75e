"""The one place for who may see and act: unit scoping and require_role."""

from __future__ import annotations

import pytest
from django.http import Http404

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role, scope_unit_qs
from zjtx.core.errors import Forbidden, NotFound
from zjtx.reference.models import AssessmentUnit

pytestmark = pytest.mark.django_db


def test_unit_rows_follow_the_user_scope(units, make_user, make_enterprise):
    all_units = AssessmentUnit.objects.all()
    city = make_user(Role.CITY_OFFICER)
    officer = make_user(Role.UNIT_OFFICER, unit=units["无为市"])
    firm = make_user(Role.ENTERPRISE, enterprise=make_enterprise(unit=units["镜湖区"]))
    assert scope_unit_qs(all_units, city, "pk").count() == all_units.count()
    assert list(scope_unit_qs(all_units, officer, "pk")) == [units["无为市"]]
    assert scope_unit_qs(all_units, firm, "pk").count() == 0
    officer.is_active = False
    assert scope_unit_qs(all_units, officer, "pk").count() == 0


def test_require_role_refuses_other_roles_with_403_or_a_hidden_404(make_user, units):
    city = make_user(Role.CITY_OFFICER)
    officer = make_user(Role.UNIT_OFFICER, unit=units["镜湖区"])
    require_role(city, Role.CITY_OFFICER)
    with pytest.raises(Forbidden) as refused:
        require_role(officer, Role.CITY_OFFICER)
    assert refused.value.status == 403 and refused.value.code == "forbidden"
    with pytest.raises(NotFound) as hidden:
        require_role(officer, Role.CITY_OFFICER, hide=True)
    assert hidden.value.status == 404
    # A page view that lets it through answers the ordinary 404.
    assert isinstance(hidden.value, Http404)
    city.is_active = False
    with pytest.raises(Forbidden):
        require_role(city, Role.CITY_OFFICER)


def test_monitoring_report_lines_only_for_an_enterprise_in_scope(units, make_user, make_enterprise):
    from zjtx.monitoring.selectors import enterprise_report
    from zjtx.monitoring.services.periods import parse_period

    firm = make_enterprise(unit=units["镜湖区"])
    outsider = make_user(Role.UNIT_OFFICER, unit=units["无为市"])
    owner = make_user(Role.UNIT_OFFICER, unit=units["镜湖区"])
    ref = parse_period("2026-09")
    assert isinstance(enterprise_report(user=owner, enterprise=firm, ref=ref), list)
    with pytest.raises(NotFound):
        enterprise_report(user=outsider, enterprise=firm, ref=ref)
