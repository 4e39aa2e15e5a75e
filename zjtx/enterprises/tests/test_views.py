import io
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zjtx.core.models import AuditEvent
from zjtx.enterprises import services
from zjtx.enterprises.models import AnnualFinancial, Enterprise, Honour, IPAsset


def _object_urls(world):
    code = world.a.credit_code
    ip = services.ip_asset_add(
        actor=world.city, enterprise=world.a, ip_class="I", kind="invention", number="ZL1"
    )
    honour = services.honour_add(actor=world.city, enterprise=world.a, kind="other", name="荣誉")
    services.financial_upsert(
        actor=world.city, enterprise=world.a, year=2024, operating_revenue=Decimal("1")
    )
    return [
        ("get", reverse("enterprises:detail", args=[code])),
        ("get", reverse("enterprises:edit", args=[code])),
        ("post", reverse("enterprises:edit", args=[code])),
        ("get", reverse("enterprises:assign", args=[code])),
        ("post", reverse("enterprises:verify", args=[code])),
        ("post", reverse("enterprises:reject", args=[code])),
        ("get", reverse("enterprises:financial-add", args=[code])),
        ("get", reverse("enterprises:financial-edit", args=[code, 2024])),
        ("post", reverse("enterprises:financial-delete", args=[code, 2024])),
        ("get", reverse("enterprises:ip-add", args=[code])),
        ("post", reverse("enterprises:ip-delete", args=[code, ip.pk])),
        ("get", reverse("enterprises:honour-add", args=[code])),
        ("post", reverse("enterprises:honour-delete", args=[code, honour.pk])),
    ]


@pytest.mark.parametrize("who", ["unit_b", "user_b", "bank", "sysadmin"])
def test_every_object_page_is_404_outside_scope(world, login, who):
    client = login(getattr(world, who))
    for method, url in _object_urls(world):
        response = getattr(client, method)(url, {"reason": "x"} if method == "post" else None)
        assert response.status_code == 404, (who, method, url)
    assert IPAsset.objects.filter(enterprise=world.a).exists()
    assert Honour.objects.filter(enterprise=world.a).exists()
    assert AnnualFinancial.objects.filter(enterprise=world.a).exists()


@pytest.mark.parametrize("who", ["user_a", "bank", "sysadmin"])
def test_staff_pages_are_404_for_other_roles(world, login, who):
    client = login(getattr(world, who))
    for name in ("list", "pending", "create", "export"):
        assert client.get(reverse(f"enterprises:{name}")).status_code == 404, name


def test_assign_page_is_404_for_unit_officer(world, login):
    client = login(world.unit_a)
    assert client.get(reverse("enterprises:assign", args=[world.a.credit_code])).status_code == 404


def test_mine_is_404_for_staff(world, login):
    assert login(world.unit_a).get(reverse("enterprises:mine")).status_code == 404


def test_list_page_renders_chinese(world, login):
    client = login(world.city)
    response = client.get(reverse("enterprises:list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "企业名录" in content or "企业库" in content
    assert "单位：万元" in content
    assert "奇瑞汽车股份有限公司" in content


def test_list_htmx_search_by_initials_returns_the_partial(world, login):
    services.enterprise_update(
        actor=world.city, enterprise=world.a, changes={"name": "奇瑞汽车股份有限公司"}
    )
    Enterprise.objects.filter(pk=world.a.pk).update(name_initials="qrqcgfyxgs")
    client = login(world.city)
    response = client.get(reverse("enterprises:list"), {"q": "qr"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="results"' in content
    assert "奇瑞汽车股份有限公司" in content
    assert "无为电缆有限公司" not in content


def test_unit_officer_list_shows_only_own_unit(world, login):
    content = login(world.unit_a).get(reverse("enterprises:list")).content.decode()
    assert "奇瑞汽车股份有限公司" in content
    assert "无为电缆有限公司" not in content


def test_detail_shows_wan_amounts_ratios_and_sections(world, login):
    services.financial_upsert(
        actor=world.city,
        enterprise=world.a,
        year=2024,
        operating_revenue=Decimal("123456789.00"),
        rd_expense=Decimal("6172839.45"),
        total_assets=Decimal("200000000"),
        total_liabilities=Decimal("50000000"),
    )
    client = login(world.unit_a)
    content = client.get(reverse("enterprises:detail", args=[world.a.credit_code])).content.decode()
    assert "12,345.68" in content
    assert "（万元）" in content
    assert "5.00%" in content and "25.00%" in content
    for heading in ("基本信息", "知识产权", "荣誉", "企业规模"):
        assert heading in content


def test_create_form_shows_chinese_field_errors_and_accepts_an_override(world, login):
    client = login(world.city)
    response = client.post(
        reverse("enterprises:create"),
        {"credit_code": "91340202MA2W000180", "name": "甲公司", "unit": "340202"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "统一社会信用代码校验位不正确" in content
    response = client.post(
        reverse("enterprises:create"),
        {
            "credit_code": "91340202MA2W000180",
            "name": "甲公司",
            "unit": "340202",
            "checksum_override_reason": "已核验营业执照",
        },
    )
    assert response.status_code == 302
    assert (
        Enterprise.objects.get(credit_code="91340202MA2W000180").checksum_override_reason
        == "已核验营业执照"
    )


def test_financial_form_converts_wan_to_yuan_exactly(world, login):
    client = login(world.user_a)
    response = client.post(
        reverse("enterprises:financial-add", args=[world.a.credit_code]),
        {
            "year": 2024,
            "operating_revenue": "1234.56",
            "main_business_revenue": "1000.005",
            "employees": "80",
            "rd_staff": "12",
        },
    )
    assert response.status_code == 302
    f = AnnualFinancial.objects.get(enterprise=world.a, year=2024)
    assert f.operating_revenue == Decimal("12345600.00")
    assert f.main_business_revenue == Decimal("10000050.00")
    assert f.rd_expense is None


def test_financial_form_shows_sanity_error_on_the_field(world, login):
    client = login(world.city)
    response = client.post(
        reverse("enterprises:financial-add", args=[world.a.credit_code]),
        {"year": 2024, "operating_revenue": "10", "main_business_revenue": "20"},
    )
    assert response.status_code == 200
    assert "主营业务收入不能超过营业收入" in response.content.decode()


def test_pending_enterprise_user_sees_notice_and_cannot_edit(world, login):
    Enterprise.objects.filter(pk=world.a.pk).update(status="pending")
    client = login(world.user_a)
    content = client.get(reverse("enterprises:mine")).content.decode()
    assert "待审核" in content or "等待" in content
    response = client.get(reverse("enterprises:financial-add", args=[world.a.credit_code]))
    assert response.status_code == 302


def test_register_page_is_public_and_creates_pending_enterprise(db, units, client):
    page = client.get(reverse("enterprises:register"))
    assert page.status_code == 200
    assert "企业注册" in page.content.decode()
    response = client.post(
        reverse("enterprises:register"),
        {
            "credit_code": "91340207ma2tne078r",
            "name": "芜湖新注册有限公司",
            "unit": "340202",
            "contact_name": "王五",
            "contact_phone": "13900000000",
            "contact_email": "",
            "username": "xinzhuce",
            "password": "Qiye#2026wuhu",
            "password2": "Qiye#2026wuhu",
        },
    )
    assert response.status_code == 302
    assert Enterprise.objects.get(credit_code="91340207MA2TNE078R").status == "pending"
    done = client.get(response["Location"])
    assert "芜湖新注册有限公司" in done.content.decode()


def test_register_weak_password_shows_chinese_error(db, units, client):
    response = client.post(
        reverse("enterprises:register"),
        {
            "credit_code": "91340207MA2TNE078R",
            "name": "芜湖新注册有限公司",
            "unit": "340202",
            "contact_name": "王五",
            "contact_phone": "139",
            "username": "xinzhuce",
            "password": "abcdefgh",
            "password2": "abcdefgh",
        },
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    assert not Enterprise.objects.filter(credit_code="91340207MA2TNE078R").exists()


def test_verify_and_reject_from_the_queue(world, login):
    Enterprise.objects.filter(pk__in=[world.a.pk]).update(status="pending")
    client = login(world.unit_a)
    page = client.get(reverse("enterprises:pending")).content.decode()
    assert "奇瑞汽车股份有限公司" in page and "无为电缆有限公司" not in page
    response = client.post(
        reverse("enterprises:reject", args=[world.a.credit_code]), {"reason": ""}
    )
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.status == "pending"
    client.post(reverse("enterprises:verify", args=[world.a.credit_code]))
    world.a.refresh_from_db()
    assert world.a.status == "verified"


def test_assign_unit_page_for_city_officer(world, login):
    client = login(world.city)
    response = client.post(
        reverse("enterprises:assign", args=[world.a.credit_code]),
        {"unit": "ZONE-JK", "reason": "划归开发区"},
    )
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.unit.code == "ZONE-JK"
    content = client.get(reverse("enterprises:detail", args=[world.a.credit_code])).content.decode()
    assert "划归开发区" in content


def test_export_is_scoped_titled_and_audited(world, login):
    services.financial_upsert(
        actor=world.city, enterprise=world.a, year=2024, operating_revenue=Decimal("123456789")
    )
    client = login(world.unit_a)
    response = client.get(reverse("enterprises:export"), {"q": "奇瑞"})
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][0] == "专精特新企业名录"
    assert "单位：万元" in rows[1][0]
    assert rows[2][:3] == ["序号", "统一社会信用代码", "企业名称"]
    assert "营业收入（万元）" in rows[2]
    body, total = rows[3:-1], rows[-1]
    assert len(body) == 1
    assert body[0][2] == "奇瑞汽车股份有限公司"
    assert body[0][rows[2].index("营业收入（万元）")] == pytest.approx(12345.68)
    # A total row sums the amounts and headcounts.
    assert total[0] == "合计"
    assert total[rows[2].index("营业收入（万元）")] == pytest.approx(12345.68)
    assert AuditEvent.objects.filter(action="enterprise.export", actor=world.unit_a).exists()


def test_enterprise_user_edits_contacts_on_its_own_page(world, login):
    client = login(world.user_a)
    page = client.get(reverse("enterprises:edit", args=[world.a.credit_code])).content.decode()
    assert "联系电话" in page and "企业名称" not in page.split("<form")[1]
    response = client.post(
        reverse("enterprises:edit", args=[world.a.credit_code]),
        {
            "contact_name": "赵六",
            "contact_phone": "0553-5840000",
            "contact_email": "bad",
            "main_products": "",
        },
    )
    assert response.status_code == 200
    assert "请输入有效的电子邮箱地址" in response.content.decode()
    response = client.post(
        reverse("enterprises:edit", args=[world.a.credit_code]),
        {
            "contact_name": "赵六",
            "contact_phone": "0553-5840000",
            "contact_email": "",
            "main_products": "汽车",
        },
    )
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.contact_phone == "0553-5840000"


def test_staff_edit_form_saves_and_audits(world, login):
    client = login(world.unit_a)
    url = reverse("enterprises:edit", args=[world.a.credit_code])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "credit_code": world.a.credit_code,
            "name": "奇瑞汽车股份有限公司",
            "legal_representative": "尹同跃",
            "industry": "X9999",
        },
    )
    assert response.status_code == 200
    assert "不在《国民经济行业分类》" in response.content.decode()
    response = client.post(
        url,
        {
            "credit_code": world.a.credit_code,
            "name": "奇瑞汽车股份有限公司",
            "legal_representative": "尹同跃",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="enterprise.update", object_id=str(world.a.pk)).exists()


def test_mine_page_renders_own_enterprise_in_chinese(world, login):
    content = login(world.user_a).get(reverse("enterprises:mine")).content.decode()
    assert "奇瑞汽车股份有限公司" in content
    assert "基本信息" in content and "年度财务数据" in content


def test_ip_and_honour_forms(world, login):
    client = login(world.user_a)
    r = client.post(
        reverse("enterprises:ip-add", args=[world.a.credit_code]),
        {"ip_class": "I", "kind": "invention", "number": "ZL2021"},
    )
    assert r.status_code == 302
    r = client.post(
        reverse("enterprises:ip-add", args=[world.a.credit_code]),
        {"ip_class": "I", "kind": "invention", "number": "ZL2021"},
    )
    assert r.status_code == 200 and "该知识产权已登记" in r.content.decode()
    r = client.post(
        reverse("enterprises:honour-add", args=[world.a.credit_code]),
        {"kind": "high_tech", "level": "national", "name": "高新技术企业"},
    )
    assert r.status_code == 302
    asset = IPAsset.objects.get(enterprise=world.a)
    honour = Honour.objects.get(enterprise=world.a)
    assert (
        client.post(
            reverse("enterprises:ip-delete", args=[world.a.credit_code, asset.pk])
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("enterprises:honour-delete", args=[world.a.credit_code, honour.pk])
        ).status_code
        == 302
    )
    assert not IPAsset.objects.exists() and not Honour.objects.exists()


def test_anonymous_is_sent_to_login(db, client, world):
    response = client.get(reverse("enterprises:detail", args=[world.a.credit_code]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_changing_the_credit_code_redirects_to_the_new_address(world, login):
    client = login(world.city)
    response = client.post(
        reverse("enterprises:edit", args=[world.a.credit_code]),
        {"credit_code": "91340202MA2W000181", "name": world.a.name},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:detail", args=["91340202MA2W000181"])
    assert client.get(response["Location"]).status_code == 200
