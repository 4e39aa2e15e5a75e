"""The OpenAPI document declares the error contract for every operation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def spec():
    from config.api import api

    return api.get_openapi_schema()


def test_every_operation_declares_the_error_responses(spec):
    missing = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status in ("400", "401", "403", "404", "409"):
                if status not in {str(k) for k in operation["responses"]}:
                    missing.append(f"{method.upper()} {path} {status}")
    assert missing == []


def test_error_schema_has_code_message_fields(spec):
    error = spec["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) >= {"code", "message"}
    assert set(error["properties"]) == {"code", "message", "fields"}
