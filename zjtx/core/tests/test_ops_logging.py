"""Structured logs: JSON lines with the request id, and no personal data in any of them."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from zjtx.core.logging import logging_config, redact

ID_NUMBER = "34020219900101123X"
ID_NUMBER_15 = "340202900101123"
PHONE = "13812345678"
PASSWORD = "S3cret#Pass2026"
EMAIL = "zhang.san@example.com"
SECRETS = (ID_NUMBER, ID_NUMBER_15, PHONE, PASSWORD, EMAIL, "19900101123")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The production logging configuration (JSON, INFO) writing into a buffer."""
    logging.config.dictConfig(logging_config(json_format=True, level="DEBUG"))
    stream = io.StringIO()
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(stream)
    try:
        yield stream
    finally:
        logging.config.dictConfig(settings.LOGGING)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.parametrize(
    "text",
    [
        f"id {ID_NUMBER} and {ID_NUMBER_15}",
        f"tel {PHONE} / +86{PHONE}",
        f"password={PASSWORD}&next=/",
        f'{{"password": "{PASSWORD}", "contact_phone": "{PHONE}"}}',
        f"Authorization: Bearer {PASSWORD}",
        f"mail {EMAIL}",
    ],
)
def test_redact_masks_personal_data(text: str) -> None:
    masked = redact(text)
    for secret in SECRETS:
        assert secret not in masked
    assert "***" in masked


def test_redact_keeps_ordinary_numbers() -> None:
    assert redact("imported 20000 rows in 1.25 s, period 2026-11") == (
        "imported 20000 rows in 1.25 s, period 2026-11"
    )


def test_records_are_json_with_the_request_id(client: Any, captured: io.StringIO, db: Any) -> None:
    response = client.get("/healthz")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    access = [r for r in _lines(captured) if r["logger"] == "zjtx.request"]
    assert access and access[-1]["request_id"] == request_id
    assert access[-1]["path"] == "/healthz" and access[-1]["status"] == 200
    assert {"time", "level", "message", "duration_ms"} <= set(access[-1])


def test_each_request_gets_its_own_id(client: Any, db: Any) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


def test_a_request_id_from_a_trusted_proxy_is_kept(client: Any, settings: Any, db: Any) -> None:
    settings.ZJTX_TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-abc12345", REMOTE_ADDR="127.0.0.1")
    assert response["X-Request-ID"] == "nginx-abc12345"


def test_a_request_id_from_anybody_else_is_replaced(client: Any, db: Any) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="forged-id-12345", REMOTE_ADDR="8.8.8.8")
    assert response["X-Request-ID"] != "forged-id-12345"


def test_no_personal_data_in_logs(
    client: Any, captured: io.StringIO, make_user: Any, make_enterprise: Any
) -> None:
    """Requests carrying ID numbers, phone numbers and passwords leave none of them in the log:
    failed and successful logins, query strings, 404 paths, API bodies, logged exceptions."""
    make_user("enterprise", username=PHONE, enterprise=make_enterprise())
    # A failed login with a phone number as user name (axes logs the attempt).
    client.post("/accounts/login/", {"username": PHONE, "password": PASSWORD})
    client.post("/accounts/login/", {"username": ID_NUMBER, "password": PASSWORD})
    # Query strings and paths.
    client.get(f"/enterprises/?q={ID_NUMBER}&phone={PHONE}&password={PASSWORD}")
    client.get(f"/no-such-page/{ID_NUMBER}/{PHONE}/")
    client.get(f"/api/v1/no-such/{ID_NUMBER}?token={PASSWORD}")
    # An API body with personal data and a bearer token.
    client.post(
        "/api/v1/services/requests",
        data=json.dumps({"contact_phone": PHONE, "id_number": ID_NUMBER, "password": PASSWORD}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {PASSWORD}",
    )
    # Application code that logs carelessly: message, %-arguments, extra fields, exceptions.
    log = logging.getLogger("zjtx.test")
    log.warning("contact %s id %s", PHONE, ID_NUMBER, extra={"phone": PHONE})
    log.info(f"login form password={PASSWORD} email {EMAIL}")
    try:
        raise ValueError(f"bad id number {ID_NUMBER} for {PHONE}")
    except ValueError:
        log.exception("import failed")
    text = captured.getvalue()
    records = _lines(captured)
    assert len(records) >= 8  # the requests above were logged, so the test saw real output
    assert any(r["logger"] == "zjtx.test" and "exception" in r for r in records)
    for secret in SECRETS:
        assert secret not in text, secret
