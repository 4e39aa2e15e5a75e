from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from zjtx.accounts.models import Role, User
from zjtx.core.credit_code import make_valid_code
from zjtx.core.errors import DomainError
from zjtx.core.models import AuditEvent
from zjtx.enterprises import services
from zjtx.enterprises.models import AnnualFinancial, Enterprise, UnitAssignment

BAD_CHECKSUM = "91340202MA2W000180"
STRONG = "Qiye#2026wuhu"


def _create(actor, unit, **kw):
    data = {
        "credit_code": make_valid_code("91340202MA2X0001" + str(kw.pop("n", 1))),
        "name": "芜湖示例科技有限公司",
        "unit": unit,
    }
    data.update(kw)
    return services.enterprise_create(actor=actor, **data)


# ---------------------------------------------------------------- create


def test_create_normalises_the_code_and_computes_pinyin(world):
    e = _create(
        world.city,
        world.units["镜湖区"],
        credit_code=" ９１３４０２０２ｍａ２ｗ０００１８１",
        name="奇瑞新能源汽车",
    )
    assert e.credit_code == "91340202MA2W000181"
    assert e.name_initials == "qrxnyqc"
    assert e.name_pinyin == "qiruixinnengyuanqiche"
    assert e.unit_assignments.count() == 1


def test_pinyin_initials_keep_latin_letters_and_digits():
    assert services.pinyin_for("奇瑞汽车") == ("qiruiqiche", "qrqc")
    assert services.pinyin_for("3M中国（芜湖）ABC") == ("3mzhongguowuhuabc", "3mzgwhabc")


def test_create_rejects_an_invalid_code_with_its_specific_error(world):
    with pytest.raises(DomainError) as exc:
        _create(world.city, world.units["镜湖区"], credit_code="91340202MA2W00018")
    assert exc.value.code == "wrong_length"
    assert "credit_code" in exc.value.fields


def test_checksum_override_needs_a_reason(world):
    with pytest.raises(DomainError) as exc:
        _create(world.city, world.units["镜湖区"], credit_code=BAD_CHECKSUM)
    assert exc.value.code == "checksum_mismatch"


def test_staff_may_override_a_checksum_mismatch_with_a_reason(world):
    e = _create(
        world.unit_a,
        world.units["镜湖区"],
        credit_code=BAD_CHECKSUM,
        checksum_override_reason="已核对营业执照原件",
    )
    assert e.checksum_override_reason == "已核对营业执照原件"


def test_override_cannot_fix_other_errors(world):
    with pytest.raises(DomainError) as exc:
        _create(
            world.city,
            world.units["镜湖区"],
            credit_code="91340202MA2W00018O",
            checksum_override_reason="x",
        )
    assert exc.value.code == "invalid_characters"


def test_non_staff_cannot_create_or_override(world):
    with pytest.raises(DomainError) as exc:
        _create(world.user_a, world.units["镜湖区"])
    assert exc.value.status == 404
    with pytest.raises(DomainError) as exc:
        services.enterprise_register(
            credit_code=BAD_CHECKSUM,
            name="甲",
            unit="340202",
            contact_name="张",
            contact_phone="1",
            contact_email="",
            username="zhang01",
            password=STRONG,
        )
    assert exc.value.code == "checksum_mismatch"


def test_duplicate_code_is_rejected(world):
    with pytest.raises(DomainError) as exc:
        _create(world.city, world.units["镜湖区"], credit_code=world.a.credit_code)
    assert exc.value.code == "duplicate_credit_code"
    assert exc.value.status == 409


def test_unit_officer_creates_only_in_own_unit(world):
    with pytest.raises(DomainError) as exc:
        _create(world.unit_a, world.units["无为市"])
    assert exc.value.code == "unit_outside_scope"


def test_create_writes_an_audit_event(world):
    e = _create(world.city, world.units["镜湖区"])
    event = AuditEvent.objects.get(action="enterprise.create", object_id=str(e.pk))
    assert event.after["credit_code"] == e.credit_code
    assert event.actor_id == world.city.pk


# ---------------------------------------------------------------- update


def test_update_recomputes_pinyin_and_audits_before_after(world):
    services.enterprise_update(
        actor=world.unit_a, enterprise=world.a, changes={"name": "埃夫特智能装备"}
    )
    world.a.refresh_from_db()
    assert world.a.name_initials == "aftznzb"
    event = AuditEvent.objects.filter(action="enterprise.update").latest("id")
    assert event.before["name"] == "奇瑞汽车股份有限公司"
    assert event.after["name"] == "埃夫特智能装备"


def test_unit_officer_cannot_edit_another_units_enterprise(world):
    with pytest.raises(DomainError) as exc:
        services.enterprise_update(actor=world.unit_b, enterprise=world.a, changes={"name": "x"})
    assert exc.value.status == 404


def test_update_rejects_duplicate_code(world):
    with pytest.raises(DomainError) as exc:
        services.enterprise_update(
            actor=world.city, enterprise=world.a, changes={"credit_code": world.b.credit_code}
        )
    assert exc.value.code == "duplicate_credit_code"


def test_enterprise_user_edits_only_contacts(world):
    services.enterprise_update(
        actor=world.user_a, enterprise=world.a, changes={"contact_phone": "0553-1234567"}
    )
    with pytest.raises(DomainError) as exc:
        services.enterprise_update(actor=world.user_a, enterprise=world.a, changes={"name": "x"})
    assert exc.value.code == "field_not_editable"


def test_pending_enterprise_user_cannot_edit(world):
    world.a.status = Enterprise.Status.PENDING
    world.a.save()
    with pytest.raises(DomainError) as exc:
        services.enterprise_update(
            actor=world.user_a, enterprise=world.a, changes={"contact_phone": "1"}
        )
    assert exc.value.code == "enterprise_not_verified"
    with pytest.raises(DomainError) as exc:
        services.financial_upsert(actor=world.user_a, enterprise=world.a, year=2024)
    assert exc.value.code == "enterprise_not_verified"


# ---------------------------------------------------------------- unit assignment


def test_assignment_closes_the_previous_period(world):
    _create(world.city, world.units["镜湖区"])
    e = Enterprise.objects.get(name="芜湖示例科技有限公司")
    services.enterprise_assign_unit(
        actor=world.city,
        enterprise=e,
        unit=world.units["经济技术开发区"],
        reason="由开发区管委会管理",
    )
    e.refresh_from_db()
    assert e.unit == world.units["经济技术开发区"]
    history = list(UnitAssignment.objects.filter(enterprise=e).order_by("id"))
    assert len(history) == 2
    assert history[0].valid_to == timezone.localdate()
    assert history[1].valid_to is None
    assert history[1].reason == "由开发区管委会管理"
    assert AuditEvent.objects.filter(action="enterprise.assign_unit", object_id=str(e.pk)).exists()


def test_assignment_needs_city_officer_and_reason(world):
    with pytest.raises(DomainError) as exc:
        services.enterprise_assign_unit(
            actor=world.unit_a, enterprise=world.a, unit="340281", reason="x"
        )
    assert exc.value.status == 404
    with pytest.raises(DomainError) as exc:
        services.enterprise_assign_unit(
            actor=world.city, enterprise=world.a, unit="340281", reason=" "
        )
    assert exc.value.code == "reason_required"
    with pytest.raises(DomainError) as exc:
        services.enterprise_assign_unit(
            actor=world.city, enterprise=world.a, unit="340202", reason="x"
        )
    assert exc.value.code == "same_unit"


# ---------------------------------------------------------------- self-registration and verification


def _register(**kw):
    data = {
        "credit_code": "91340207MA2TNE078R",
        "name": "芜湖自注册科技有限公司",
        "unit": "340202",
        "contact_name": "李四",
        "contact_phone": "13800000000",
        "contact_email": "li@example.com",
        "username": "zizhuce",
        "password": STRONG,
    }
    data.update(kw)
    return services.enterprise_register(**data)


def test_register_creates_pending_enterprise_and_bound_user(world):
    e, user = _register()
    assert e.status == Enterprise.Status.PENDING
    assert user.role == Role.ENTERPRISE and user.enterprise == e
    assert user.check_password(STRONG)
    assert AuditEvent.objects.filter(action="enterprise.register").exists()


def test_register_rejects_weak_password_and_taken_username(world):
    with pytest.raises(DomainError) as exc:
        _register(password="12345678")
    assert exc.value.code == "password_too_weak"
    assert "password" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        _register(username=world.city.username)
    assert exc.value.code == "username_taken"
    assert not Enterprise.objects.filter(credit_code="91340207MA2TNE078R").exists()


def test_verify_by_own_unit_officer(world):
    e, _ = _register()
    with pytest.raises(DomainError) as exc:
        services.enterprise_verify(actor=world.unit_b, enterprise=e)
    assert exc.value.status == 404
    services.enterprise_verify(actor=world.unit_a, enterprise=e)
    e.refresh_from_db()
    assert e.status == Enterprise.Status.VERIFIED and e.verified_by == world.unit_a
    with pytest.raises(DomainError) as exc:
        services.enterprise_verify(actor=world.city, enterprise=e)
    assert exc.value.code == "transition_not_allowed" and exc.value.status == 409
    assert AuditEvent.objects.filter(action="enterprise.verify").count() == 1


def test_reject_needs_a_reason(world):
    e, _ = _register()
    with pytest.raises(DomainError) as exc:
        services.enterprise_reject(actor=world.city, enterprise=e, reason="")
    assert exc.value.code == "reason_required"
    services.enterprise_reject(actor=world.city, enterprise=e, reason="名称与营业执照不符")
    e.refresh_from_db()
    assert e.status == Enterprise.Status.REJECTED and e.status_reason == "名称与营业执照不符"
    event = AuditEvent.objects.get(action="enterprise.reject")
    assert event.after["reason"] == "名称与营业执照不符"


def test_registration_fields_are_named_in_errors(world):
    with pytest.raises(DomainError) as exc:
        _register(contact_name="")
    assert exc.value.code == "contact_name_required"
    assert "contact_name" in exc.value.fields


# ---------------------------------------------------------------- financials


def test_financial_upsert_keeps_none_and_decimal(world):
    f = services.financial_upsert(
        actor=world.unit_a,
        enterprise=world.a,
        year=2024,
        operating_revenue=Decimal("123456789.12"),
        net_profit=Decimal("-5000.00"),
        employees=120,
    )
    f.refresh_from_db()
    assert f.operating_revenue == Decimal("123456789.12")
    assert f.rd_expense is None
    services.financial_upsert(
        actor=world.unit_a,
        enterprise=world.a,
        year=2024,
        operating_revenue=Decimal("1"),
        confirm_clear=True,  # net profit and employees become blank on purpose
    )
    assert AnnualFinancial.objects.filter(enterprise=world.a).count() == 1
    event = AuditEvent.objects.filter(action="enterprise.financial_update").latest("id")
    assert event.before["operating_revenue"] == "123456789.12"
    assert event.after["operating_revenue"] == "1.00" or event.after["operating_revenue"] == "1"


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"year": timezone.localdate().year + 1}, "year_in_future", "year"),
        ({"total_assets": Decimal("-1")}, "negative_amount", "total_assets"),
        (
            {"operating_revenue": Decimal("10"), "main_business_revenue": Decimal("11")},
            "main_revenue_exceeds_operating",
            "main_business_revenue",
        ),
        ({"employees": 10, "rd_staff": 11}, "rd_staff_exceeds_employees", "rd_staff"),
        ({"rd_expense": Decimal("1.234")}, "amount_invalid", "rd_expense"),
    ],
)
def test_financial_sanity_checks(world, kwargs, code, field):
    kwargs.setdefault("year", 2024)
    with pytest.raises(DomainError) as exc:
        services.financial_upsert(actor=world.city, enterprise=world.a, **kwargs)
    assert exc.value.code == code
    assert field in exc.value.fields


def test_outsiders_cannot_write_financials(world, outsiders):
    for user in outsiders:
        with pytest.raises(DomainError) as exc:
            services.financial_upsert(actor=user, enterprise=world.a, year=2024)
        assert exc.value.status == 404


# ---------------------------------------------------------------- IP and honours


def test_ip_asset_add_and_delete_are_audited(world):
    asset = services.ip_asset_add(
        actor=world.user_a,
        enterprise=world.a,
        ip_class="I",
        kind="invention",
        number="ZL 2020 1 0000001.2",
    )
    assert asset.number == "ZL202010000001.2"
    with pytest.raises(DomainError) as exc:
        services.ip_asset_add(
            actor=world.user_a,
            enterprise=world.a,
            ip_class="I",
            kind="invention",
            number="ZL202010000001.2",
        )
    assert exc.value.code == "duplicate_ip_number"
    services.ip_asset_delete(actor=world.user_a, ip_asset=asset)
    assert AuditEvent.objects.filter(action="enterprise.ip_delete").exists()


def test_honour_validity_must_follow_award(world):
    with pytest.raises(DomainError) as exc:
        services.honour_add(
            actor=world.city,
            enterprise=world.a,
            kind="high_tech",
            name="高新技术企业",
            level="national",
            awarded_on=date(2024, 1, 1),
            valid_until=date(2023, 1, 1),
        )
    assert exc.value.code == "validity_before_award"
    h = services.honour_add(
        actor=world.city,
        enterprise=world.a,
        kind="high_tech",
        name="高新技术企业",
        level="national",
        awarded_on=date(2024, 1, 1),
        valid_until=date(2026, 12, 31),
    )
    services.honour_delete(actor=world.city, honour=h)
    assert AuditEvent.objects.filter(action="enterprise.honour_delete").exists()


def test_other_enterprise_user_cannot_touch_ip(world):
    asset = services.ip_asset_add(
        actor=world.city, enterprise=world.a, ip_class="II", kind="software", number="2024SR000001"
    )
    with pytest.raises(DomainError) as exc:
        services.ip_asset_delete(actor=world.user_b, ip_asset=asset)
    assert exc.value.status == 404


def test_registration_opens_the_first_unit_period(world):
    e, user = _register()
    assert User.objects.get(pk=user.pk).role == "enterprise"
    period = e.unit_assignments.get()
    assert period.valid_from == timezone.localdate() and period.valid_to is None
