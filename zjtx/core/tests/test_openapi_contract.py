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


def _models_in(annotation, found):
    """Every pydantic model an annotation reaches, nested fields included."""
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


# Ninja names a component by its class name alone, so two different schemas with one name
# silently replace each other in the spec. No name is shared today.
KNOWN_COLLISIONS: set[str] = set()


def test_component_names_are_not_shared_by_different_schemas():
    import json
    from collections import defaultdict

    from config.api import api

    found: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _models_in(model, found)
                for response in (operation.response_models or {}).values():
                    _models_in(response, found)
    schemas = defaultdict(set)
    for model in found:
        if not model.__module__.startswith(("zjtx.", "config.")):
            continue  # ninja's per-operation wrappers (BodyParams, ...) are flattened away
        schemas[model.__name__].add(json.dumps(model.model_json_schema(), sort_keys=True))
    shared = {name for name, variants in schemas.items() if len(variants) > 1}
    assert shared - KNOWN_COLLISIONS == set()
