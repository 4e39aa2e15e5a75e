"""Forwarded client addresses are believed only from a configured proxy (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from zjtx.core.middleware import client_ip

rf = RequestFactory()


def _ip(remote: str, **headers: str) -> str | None:
    return client_ip(rf.get("/", REMOTE_ADDR=remote, **headers))


def test_headers_from_an_untrusted_peer_are_ignored(settings: Any) -> None:
    settings.ZJTX_TRUSTED_PROXIES = []
    assert _ip("203.0.113.9", HTTP_X_REAL_IP="10.1.1.1") == "203.0.113.9"
    assert _ip("203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.1.1") == "203.0.113.9"


def test_x_real_ip_from_a_trusted_proxy_is_used(settings: Any) -> None:
    settings.ZJTX_TRUSTED_PROXIES = ["127.0.0.1"]
    assert _ip("127.0.0.1", HTTP_X_REAL_IP="198.51.100.7") == "198.51.100.7"


def test_forwarded_for_takes_the_right_most_untrusted_entry(settings: Any) -> None:
    settings.ZJTX_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client wrote "1.2.3.4" itself; 198.51.100.7 is who reached the first proxy.
    header = "1.2.3.4, 198.51.100.7, 10.0.0.5"
    assert _ip("10.0.0.2", HTTP_X_FORWARDED_FOR=header) == "198.51.100.7"


def test_garbage_headers_fall_back_to_the_peer(settings: Any) -> None:
    settings.ZJTX_TRUSTED_PROXIES = ["127.0.0.1"]
    assert _ip("127.0.0.1", HTTP_X_REAL_IP="not-an-ip") == "127.0.0.1"
    assert _ip("127.0.0.1", HTTP_X_FORWARDED_FOR="junk") == "127.0.0.1"


@pytest.mark.django_db
def test_a_spoofed_header_does_not_reach_the_audit_trail(
    settings: Any, client: Any, make_user: Any
) -> None:
    settings.ZJTX_TRUSTED_PROXIES = []
    client.post(
        "/accounts/login/",
        {"username": "ghost", "password": "wrong"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_REAL_IP="10.9.9.9",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    from zjtx.core.models import AuditEvent

    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert event.ip == "203.0.113.9"
