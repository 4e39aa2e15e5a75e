"""Figures: monthly rows kept by the services equal a rebuild, and any date range is exact."""

from datetime import date

import pytest

from zjtx.servicedesk import services, stats
from zjtx.servicedesk.models import RequestMonthStat

pytestmark = pytest.mark.django_db


def _filed(rows):
    return {r.key: r.filed for r in rows}


def test_monthly_rows_match_a_rebuild_and_ranges_are_exact(people, file_request):
    a = file_request(today=date(2026, 8, 20), category="ip")
    file_request(today=date(2026, 9, 5), category="ip")
    file_request(today=date(2026, 9, 28), category="financing")
    file_request(today=date(2026, 10, 10), category="ip", firm="other_firm", who="other_ent")
    services.request_transition(
        request=a, action="accept", actor=people["unit"], today=date(2026, 8, 21)
    )
    services.request_route(
        request=a, to="provider", provider=people["prov"], reason="对口", actor=people["unit"]
    )
    kept = sorted(
        RequestMonthStat.objects.values_list(
            "month", "unit_id", "provider_key", "category", "filed", "accept_met"
        )
    )
    stats.stats_rebuild()
    rebuilt = sorted(
        RequestMonthStat.objects.values_list(
            "month", "unit_id", "provider_key", "category", "filed", "accept_met"
        )
    )
    assert kept == rebuilt
    city = people["city"]
    assert _filed(stats.stats_for(user=city, date_from=None, date_to=None)) == {
        "ip": 3,
        "financing": 1,
    }
    # Part-months at both ends plus whole September.
    rows = stats.stats_for(user=city, date_from=date(2026, 8, 21), date_to=date(2026, 10, 9))
    assert _filed(rows) == {"ip": 1, "financing": 1}
    rows = stats.stats_for(
        user=city, date_from=date(2026, 9, 1), date_to=date(2026, 9, 30), group_by="month"
    )
    assert _filed(rows) == {"2026-09": 2}
    rows = stats.stats_for(user=city, date_from=date(2026, 9, 2), date_to=date(2026, 9, 29))
    assert _filed(rows) == {"ip": 1, "financing": 1}
    rows = stats.stats_for(user=people["unit"], date_from=None, date_to=None, group_by="unit")
    assert [r.filed for r in rows] == [3]
    rows = stats.stats_for(user=city, date_from=None, date_to=None, group_by="provider")
    assert {r.label: r.filed for r in rows} == {"芜湖科创服务中心": 1, "未派给服务机构": 3}
    accepted = stats.stats_total(stats.stats_for(user=city, date_from=None, date_to=None))
    assert (accepted.accept_met, accepted.accept_done) == (1, 1)
