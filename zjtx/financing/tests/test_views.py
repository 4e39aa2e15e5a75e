"""Pages render in Chinese for each role; a bank without consent gets 404."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_render_in_chinese_and_scope_to_404(client, fin, make_demand, login):
    demand = make_demand(banks=("hs",))
    login(fin["ent"])
    r = client.get(f"/financing/demands/{demand.pk}/")
    assert r.status_code == 200 and "融资需求" in r.content.decode()
    login(fin["bank_hs"])
    r = client.get(f"/financing/demands/{demand.pk}/")
    assert r.status_code == 200 and "受理" in r.content.decode()
    login(fin["bank_yz"])
    assert client.get(f"/financing/demands/{demand.pk}/").status_code == 404
    login(fin["unit"])
    for url in ("/financing/", "/financing/stats/", "/financing/overdue/", "/financing/stats.xlsx"):
        assert client.get(url).status_code == 200, url
