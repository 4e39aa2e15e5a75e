"""A provider listing's contact phone is SM4-encrypted at rest (issue 15 item 6, ADR 0017)."""

import pytest
from django.db import connection

from zjtx.core.credit_code import make_valid_code
from zjtx.core.crypto import masked
from zjtx.servicedesk.models import ProviderListing

from .test_api import API, caller

pytestmark = pytest.mark.django_db


def test_the_contact_phone_is_ciphertext_in_the_column(client, people):
    prov = caller(client, people["provider"])
    r = prov.post(
        f"{API}/providers",
        {
            "name": "芜湖科创服务中心",
            "credit_code": make_valid_code("91340200MA2W00001"),
            "platforms": ["technology"],
            "functions": ["ip"],
            "fee_policy": "inclusive",
            "contact_name": "李四",
            "contact_phone": "0553-5801234",
        },
    )
    assert r.status_code == 201, r.content
    listing = ProviderListing.objects.get(pk=r.json()["id"])
    assert listing.contact_phone == "0553-5801234"
    assert masked(listing, "contact_phone") == "055****1234"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_phone FROM servicedesk_providerlisting WHERE id = %s", [listing.pk]
        )
        raw = cursor.fetchone()[0]
    assert raw.startswith("SM4.") and "5801234" not in raw
    assert "5801234" not in r.content.decode()
