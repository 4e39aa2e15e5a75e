"""An objector's phone is SM4-encrypted at rest, masked in the list and the API, and revealed to
the city officer only, with an audit event (issue 15 item 6, ADR 0017)."""

import pytest
from django.db import connection
from django.urls import reverse

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken
from zjtx.certification.models import Objection
from zjtx.core.models import AuditEvent

from .test_upload_serving import notice  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
PHONE = "13900001234"


@pytest.fixture
def objection(client, notice):  # noqa: F811
    found, app = notice
    client.post(
        reverse("certification_public:notice", args=[found.pk]),
        {
            "application": app.pk,
            "name": "王五",
            "phone": PHONE,
            "text": "请核实该企业研发投入数据是否真实。",
        },
    )
    return Objection.objects.get()


def test_the_phone_is_not_stored_in_plaintext(objection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM certification_objection WHERE id = %s", [objection.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("SM4.") and PHONE not in raw
    assert objection.phone == PHONE
    lodged = AuditEvent.objects.get(action="certification.objection_lodge")
    assert PHONE not in str(lodged.after)


def test_the_list_and_api_are_masked(objection, client, login, city):
    page = login(city).get(reverse("certification:objections")).content.decode()
    assert "139****1234" in page and PHONE not in page
    raw = token_generate()
    ApiToken.objects.create(user=city, name="t", prefix=raw[:8], digest=token_digest(raw))
    client.logout()
    body = client.get("/api/v1/certification/objections", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert [o["phone"] for o in body] == ["139****1234"]


def test_the_city_officer_reveals_with_an_audit_event(objection, login, city):
    url = reverse("certification:objection-reveal", args=[objection.pk])
    response = login(city).post(url, {"reason": "回访异议人"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and PHONE in response.content.decode()
    event = AuditEvent.objects.get(action="pii.reveal")
    assert event.actor_id == city.pk and event.object_type == "certification.objection"
    assert event.after == {"field": "phone", "reason": "回访异议人"}


def test_a_unit_officer_cannot_reveal(objection, login, unit_officer):
    url = reverse("certification:objection-reveal", args=[objection.pk])
    response = login(unit_officer).post(url, {"reason": "x"})
    assert response.status_code in (403, 404)
    assert PHONE not in response.content.decode()
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()
