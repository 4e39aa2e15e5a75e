"""The demo loader fills the portal once, through the services, and leaves one draft unpublished."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_demo_portal_data_is_loaded_once_and_the_draft_stays_hidden(client, city):
    from zjtx.demo.portal import DRAFT_TITLE, ensure_portal_data
    from zjtx.portal.models import ContactCard, ContentItem

    first = ensure_portal_data()
    assert first["articles"] == 6 and first["contacts"] == 2
    assert ensure_portal_data() == {"contacts": 0, "articles": 0}
    assert ContentItem.objects.filter(status="published").count() == 5
    assert ContactCard.objects.count() == 2
    html = client.get(reverse("portal:home")).content.decode()
    assert "市经信局召开专精特新中小企业政策宣讲会" in html
    assert "0553-3838000" in html
    assert DRAFT_TITLE not in client.get(reverse("portal:news")).content.decode()
