"""Reading the enterprise registry in bulk through the API leaves an audit trace (issue 16)."""

import pytest

from zjtx.core.models import AuditEvent

from .test_api import API, bearer

pytestmark = pytest.mark.django_db


def test_the_api_list_is_audited_with_its_filters_and_count(client, world):
    api = bearer(client, world.unit_a)
    assert api.get(f"{API}/enterprises", {"q": "奇瑞"}).status_code == 200
    event = AuditEvent.objects.filter(action="enterprise.api_list").latest("id")
    assert event.actor_id == world.unit_a.pk
    assert event.after["rows"] == 1 and event.after["filters"]["q"] == "奇瑞"
