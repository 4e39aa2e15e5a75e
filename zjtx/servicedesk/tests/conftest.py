import pytest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(make_enterprise, make_user, units):
    from zjtx.partners.models import ServiceProvider

    firm = make_enterprise(name="芜湖甲科技有限公司", unit=units["镜湖区"])
    other_firm = make_enterprise(name="无为乙制造有限公司", unit=units["无为市"])
    prov = ServiceProvider.objects.create(name="芜湖科创服务中心", platform="technology")
    other_prov = ServiceProvider.objects.create(name="江城人才服务公司", platform="talent")
    return {
        "firm": firm,
        "other_firm": other_firm,
        "prov": prov,
        "other_prov": other_prov,
        "ent": make_user("enterprise", enterprise=firm),
        "other_ent": make_user("enterprise", enterprise=other_firm),
        "unit": make_user("unit_officer", unit=units["镜湖区"]),
        "other_unit": make_user("unit_officer", unit=units["无为市"]),
        "city": make_user("city_officer"),
        "provider": make_user("provider", provider=prov),
        "other_provider": make_user("provider", provider=other_prov),
    }


@pytest.fixture
def file_request(people):
    from zjtx.servicedesk.services import request_file

    def make(today=None, category="financing", who="ent", firm="firm", **kwargs):
        return request_file(
            enterprise=people[firm],
            category=category,
            title=kwargs.pop("title", "设备贷款咨询"),
            text=kwargs.pop("text", "想了解技改设备的贷款贴息政策。"),
            actor=people[who],
            today=today,
            **kwargs,
        )

    return make
