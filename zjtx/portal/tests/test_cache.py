"""Cached public pages are dropped at once when what they show changes: a 公示 published, a
certification revoked, an annual report published or withdrawn (zjtx/reports tests), content
published (test_manage.py). Production shares the cache between processes through Redis."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response["X-Portal-Cache"], response.content.decode()


def test_revoking_a_certification_clears_the_cached_certified_list(
    client, public_world, city, django_capture_on_commit_callbacks
):
    from zjtx.certification.models import Application
    from zjtx.certification.services import application_transition

    url = reverse("portal:certified") + f"?year={public_world['year'] - 1}&tier=municipal"
    state, html = _get(client, url)
    assert state == "miss" and "芜湖已认定精工有限公司" in html
    assert _get(client, url)[0] == "hit"
    app = Application.objects.get(enterprise=public_world["certified"])
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=app, action="revoke", actor=city, reason_code="fraud", reason="材料造假"
        )
    state, html = _get(client, url)
    assert state == "miss" and "芜湖已认定精工有限公司" not in html


def test_publishing_a_notice_clears_the_cached_notice_list(
    client, public_world, city, make_enterprise, units, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from zjtx.certification.models import Application, Round
    from zjtx.certification.services import notice_publish

    today = timezone.localdate()
    rnd = Round.objects.create(
        year=public_world["year"],
        title="补充批次认定",
        status="closed",
        program_id="miit2026.zjtx_sme",
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=30),
    )
    firm = make_enterprise(name="芜湖补充批次机电有限公司", unit=units["镜湖区"])
    Application.objects.create(round=rnd, enterprise=firm, unit=firm.unit, status="approved")
    url = reverse("portal:notices")
    assert _get(client, url)[0] == "miss"
    assert _get(client, url)[0] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_publish(round=rnd, actor=city, title="补充批次拟认定名单公示")
    state, html = _get(client, url)
    assert state == "miss" and notice.title in html


def test_tests_and_development_keep_the_per_process_cache():
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def _prod_caches(redis_url: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        ZJTX_SECRET_KEY="s" * 40,
        ZJTX_AUDIT_HMAC_KEY="a" * 40,
        ZJTX_SM4_KEYS="k1:" + "0" * 32,
        ZJTX_BLIND_INDEX_KEY="b" * 64,
    )
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "c = settings.CACHES['default']; print(c['BACKEND'], c.get('LOCATION', ''))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_production_shares_the_cache_through_redis_when_redis_url_is_set():
    shared = _prod_caches("redis://cache.internal:6379/2")
    assert shared == "django.core.cache.backends.redis.RedisCache redis://cache.internal:6379/2"
    assert "LocMemCache" in _prod_caches(None)
