"""Acceptance probe: hostile values in every API operation never cause a 5xx.

Each operation is called by the city officer and by the owning enterprise with a body built
from its own request schema, every string set to text with U+0000, every number to 1e999 or
NaN, every integer to 10^23, and with query strings carrying NUL and absurd page numbers.
The same sweep runs on SQLite and PostgreSQL (the suite runs on both in CI).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import bearer

pytestmark = pytest.mark.django_db

HOSTILE_QUERY = "?q=%00&page=100000000000000000000000&year=99999&round_id=100000000000000000000000"


def _spec() -> dict[str, Any]:
    from config.api import api

    return api.get_openapi_schema()


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def hostile(spec: dict[str, Any], schema: dict[str, Any], variant: int, depth: int = 0) -> Any:
    """A value of the schema's shape with the worst content each leaf type allows."""
    schema = _resolve(spec, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(spec, o).get("type") != "null"]
            if options:
                return hostile(spec, options[0], variant, depth)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 3:
            return {}
        return {
            name: hostile(spec, sub, variant, depth + 1)
            for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [hostile(spec, schema.get("items", {}), variant, depth + 1)]
    if kind == "integer":
        return [10**23, -(10**23), "1e30"][variant % 3]
    if kind == "number":
        return ["1e999", "NaN", "-Infinity"][variant % 3]
    if kind == "boolean":
        return True
    if "enum" in schema:
        return schema["enum"][0]
    return ["a\u0000b", "x" * 5000, "9" * 40][variant % 3]


def _json_body(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return content["application/json"]["schema"]
    return None


def test_no_hostile_value_reaches_a_server_error(client, world, login):
    import json

    spec = _spec()
    params = {
        "indicator_id": "1",
        "program_id": "wuhu.municipal_zjtx",
        "scan_id": "1",
        "change_id": "1",
        "objection_id": "1",
        "report_id": "1",
        "number": "a\u0000b",
        **world["params"],
    }
    from django.test import Client

    city = login(world["city"])
    city.raise_request_exception = False
    callers = {
        "city": (city, {}),
        "ent": (Client(raise_request_exception=False), bearer(world["ent_a"])),
    }
    errors = []
    for path, item in spec["paths"].items():

        def value(match: re.Match[str], path: str = path) -> str:
            found = params.get(match.group(1), "1")
            if isinstance(found, dict):
                found = found.get(path.split("/")[3], "1")
            return str(found)

        url = re.sub(r"\{(\w+)\}", value, path)
        for method, operation in item.items():
            schema = _json_body(spec, operation)
            for variant in range(3):
                body = json.dumps(hostile(spec, schema, variant)) if schema else "{}"
                for who, (caller, extra) in callers.items():
                    call = getattr(caller, method)
                    if method == "get":
                        response = call(url + HOSTILE_QUERY, **extra)
                    else:
                        response = call(
                            url + HOSTILE_QUERY,
                            data=body,
                            content_type="application/json",
                            **extra,
                        )
                    if response.status_code >= 500:
                        errors.append(f"{who} {method.upper()} {url} v{variant}")
                if method == "get":
                    break

    assert errors == []
