"""Contact phones and legal representatives' ID numbers are SM4-encrypted at rest, masked on
pages, exports and the API, found through the blind index, and revealed to officers with an
audit event (issue 15, ADR 0017)."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zjtx.core.crypto import blind_index, key_id_of, rotate_model
from zjtx.core.models import AuditEvent
from zjtx.enterprises import selectors, services
from zjtx.enterprises.errors import EnterpriseError
from zjtx.enterprises.models import Enterprise

from .test_api import API, bearer

pytestmark = pytest.mark.django_db

PHONE = "13955301234"
ID_NUMBER = "34020219900307018X"  # valid GB 11643 check character
K1 = "k1:" + "11" * 16
K2 = "k2:" + "22" * 16


def raw_columns(enterprise: Enterprise) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_phone, legal_rep_id_number FROM enterprises_enterprise WHERE id = %s",
            [enterprise.pk],
        )
        return cursor.fetchone()


@pytest.fixture
def person(world):
    services.enterprise_update(
        actor=world.city,
        enterprise=world.a,
        changes={"contact_phone": PHONE, "legal_rep_id_number": ID_NUMBER.lower()},
    )
    world.a.refresh_from_db()
    return world


def test_no_plaintext_in_the_database_columns(person):
    phone, id_number = raw_columns(person.a)
    assert phone.startswith("SM4.") and id_number.startswith("SM4.")
    assert PHONE not in phone and "19900307" not in id_number
    assert person.a.contact_phone == PHONE
    assert person.a.legal_rep_id_number == ID_NUMBER  # normalised: the check letter upper case


def test_the_audit_trail_holds_only_masked_values(person):
    event = AuditEvent.objects.filter(action="enterprise.update").latest("id")
    assert event.after["contact_phone"] == "139****1234"
    assert event.after["legal_rep_id_number"] == "3402**********018X"
    assert PHONE not in str(event.after) + str(event.before)


def test_an_invalid_id_number_is_refused(world):
    with pytest.raises(EnterpriseError) as caught:
        services.enterprise_update(
            actor=world.city,
            enterprise=world.a,
            changes={"legal_rep_id_number": "340202199003070021"},
        )
    assert caught.value.code == "id_number_invalid"
    assert "legal_rep_id_number" in caught.value.fields


def test_lookup_and_duplicates_through_the_blind_index(person, make_enterprise, units):
    other = make_enterprise(unit=units["镜湖区"], legal_rep_id_number=ID_NUMBER)
    # The same person as legal representative of two enterprises: equal indexes.
    assert (
        other.legal_rep_id_bidx == person.a.legal_rep_id_bidx == blind_index(ID_NUMBER, "id_number")
    )
    found = selectors.enterprise_list_for(user=person.city, q=" 34020219900307018x ")
    assert {e.pk for e in found} == {person.a.pk, other.pk}
    by_phone = selectors.enterprise_list_for(user=person.city, q="139-5530-1234")
    assert [e.pk for e in by_phone] == [person.a.pk]
    # Out of scope stays out of scope.
    assert not selectors.enterprise_list_for(user=person.unit_b, q=PHONE).exists()
    # Comparing the encrypted column itself is refused rather than silently matching nothing.
    with pytest.raises(TypeError):
        list(Enterprise.objects.filter(contact_phone=PHONE))


def test_pages_show_masked_values_and_the_reveal_form_only_to_officers(person, login, client):
    url = reverse("enterprises:detail", args=[person.a.credit_code])
    page = login(person.user_a).get(reverse("enterprises:mine")).content.decode()
    assert "139****1234" in page and PHONE not in page and "reason" not in page
    page = login(person.unit_a).get(url).content.decode()
    assert "139****1234" in page and "3402**********018X" in page
    assert PHONE not in page and ID_NUMBER not in page
    assert reverse("enterprises:reveal", args=[person.a.credit_code, "contact_phone"]) in page


def test_reveal_is_audited_and_needs_a_reason(person, login):
    client = login(person.unit_a)
    url = reverse("enterprises:reveal", args=[person.a.credit_code, "legal_rep_id_number"])
    before = AuditEvent.objects.filter(action="pii.reveal").count()
    missing = client.post(url, {"reason": " "}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 400 and ID_NUMBER not in missing.content.decode()
    assert AuditEvent.objects.filter(action="pii.reveal").count() == before
    response = client.post(url, {"reason": "核验注册信息"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ID_NUMBER in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.filter(action="pii.reveal").latest("id")
    assert event.actor_id == person.unit_a.pk
    assert event.object_id == str(person.a.pk)
    assert event.after == {"field": "legal_rep_id_number", "reason": "核验注册信息"}
    assert ID_NUMBER not in str(event.after)


@pytest.mark.parametrize("who", ["user_a", "unit_b", "bank", "sysadmin"])
def test_other_roles_and_other_units_cannot_reveal(person, login, who):
    client = login(getattr(person, who))
    url = reverse("enterprises:reveal", args=[person.a.credit_code, "contact_phone"])
    response = client.post(url, {"reason": "x"})
    assert response.status_code == 404
    assert PHONE not in response.content.decode()
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_only_encrypted_fields_can_be_revealed(person, login):
    url = reverse("enterprises:reveal", args=[person.a.credit_code, "contact_email"])
    assert login(person.unit_a).post(url, {"reason": "x"}).status_code == 404


def test_export_and_api_are_masked(person, login, client):
    response = login(person.city).get(reverse("enterprises:export"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    cells = str(book.get_sheet_by_index(0).to_python())
    assert "139****1234" in cells and PHONE not in cells
    api = bearer(client, person.unit_a)
    body = api.get(f"{API}/enterprises/{person.a.credit_code}").json()
    assert body["contact_phone"] == "139****1234"
    assert body["legal_rep_id_number"] == "3402**********018X"


def test_the_edit_form_does_not_carry_the_value_and_empty_keeps_it(person, login):
    client = login(person.unit_a)
    url = reverse("enterprises:edit", args=[person.a.credit_code])
    page = client.get(url).content.decode()
    assert PHONE not in page and "139****1234" in page
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["main_products"] = "汽车"
    client.post(url, data)
    person.a.refresh_from_db()
    assert person.a.contact_phone == PHONE and person.a.main_products == "汽车"


def test_rotation_re_encrypts_under_the_new_key_and_keeps_lookups(person, make_enterprise):
    with override_settings(ZJTX_SM4_KEYS=K1):
        legacy = make_enterprise(contact_phone="13800000000")
    with override_settings(ZJTX_SM4_KEYS=f"{K2},{K1},{settings.ZJTX_SM4_KEYS}"):
        assert key_id_of(raw_columns(legacy)[0]) == "k1"
        out = io.StringIO()
        call_command(
            "rotate_keys", "--model", "enterprises.enterprise", "--batch-size", "1", stdout=out
        )
        assert "failed=0" in out.getvalue()
        assert key_id_of(raw_columns(legacy)[0]) == "k2"
        assert key_id_of(raw_columns(person.a)[0]) == "k2"
        legacy.refresh_from_db()
        assert legacy.contact_phone == "13800000000"
        assert selectors.enterprise_list_for(user=person.city, q="13800000000").get() == legacy
        # A second run finds nothing left to do (resumable, idempotent).
        again = rotate_model(Enterprise)
        assert again.rewritten == 0 and again.current == again.scanned
    event = AuditEvent.objects.filter(action="crypto.rotate_keys").latest("id")
    assert event.after["failed"] == 0 and event.after["rewritten"] >= 2
    # Without the old key the old value would be lost: it is not needed any more.
    with override_settings(ZJTX_SM4_KEYS=K2):
        legacy.refresh_from_db()
        assert legacy.contact_phone == "13800000000"


def test_plaintext_rows_from_before_the_migration_are_encrypted(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_enterprise SET contact_phone = %s WHERE id = %s",
            [PHONE, world.a.pk],
        )
    world.a.refresh_from_db()
    assert world.a.contact_phone == PHONE  # read as is
    report = rotate_model(Enterprise)
    assert report.plaintext == 1 and report.failed == 0
    assert raw_columns(world.a)[0].startswith("SM4.")
    assert Enterprise.objects.get(pk=world.a.pk).contact_phone_bidx == blind_index(PHONE, "phone")


def test_a_tampered_value_is_shown_as_undecryptable_and_kept(person, login):
    phone, _id = raw_columns(person.a)
    forged = phone[:-3] + ("AAA" if not phone.endswith("AAA") else "BBB")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_enterprise SET contact_phone = %s WHERE id = %s",
            [forged, person.a.pk],
        )
    enterprise = Enterprise.objects.get(pk=person.a.pk)
    assert str(enterprise.contact_phone) == "（无法解密）" or "decrypt" in str(
        enterprise.contact_phone
    )
    page = login(person.unit_a).get(reverse("enterprises:detail", args=[person.a.credit_code]))
    assert page.status_code == 200
    enterprise.main_products = "改了别的字段"
    enterprise.save()
    assert raw_columns(person.a)[0] == forged  # the evidence is not overwritten
    report = rotate_model(Enterprise)
    assert report.failed == 1


def test_a_new_blind_index_key_is_applied_by_rotation(person):
    new_key = "44" * 16
    with override_settings(ZJTX_BLIND_INDEX_KEY=new_key):
        assert not selectors.enterprise_list_for(user=person.city, q=PHONE).exists()
        report = rotate_model(Enterprise)
        assert report.failed == 0 and report.rewritten == 0  # ciphertexts already current
        assert [e.pk for e in selectors.enterprise_list_for(user=person.city, q=PHONE)] == [
            person.a.pk
        ]
        assert rotate_model(Enterprise).scanned == report.scanned  # idempotent
