"""Acceptance probe: every API route that names an object, called by every role that must not
reach that object, changes nothing and never answers 2xx or 5xx (GET answers 403 or 404).

The world has two units: 镜湖区 (A) owns every object; the outsiders are the officer and an
enterprise of 无为市 (B), an expert with no assignment, a bank user and a service-provider user.
The database is fingerprinted before and after the sweep; only the audit trail may grow.
A route whose path parameter the probe cannot fill fails the test, so a new object route is
probed the day it is added.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps

from zjtx.accounts.models import Role

from .conftest import bearer

pytestmark = pytest.mark.django_db

# Tables that may change while outsiders are refused: the audit trail records the refusals,
# sessions and lockout bookkeeping record the requests.
MAY_CHANGE = {
    "core.auditevent",
    "core.auditchainhead",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "accounts.apitoken",  # last_used_at
}


def fingerprint() -> dict[str, str]:
    out = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in MAY_CHANGE or model._meta.proxy:
            continue
        rows = list(model._default_manager.order_by("pk").values())
        out[label] = hashlib.sha256(
            json.dumps(rows, default=str, sort_keys=True).encode()
        ).hexdigest()
    return out


def object_routes() -> Iterator[tuple[str, str]]:
    from config.api import api

    spec = api.get_openapi_schema()
    for path, item in spec["paths"].items():
        if "{" not in path or path.startswith("/api/v1/public/"):
            continue
        for method in item:
            yield method, path


def fill(path: str, params: dict[str, Any]) -> str | None:
    import re

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        found = params.get(name)
        if isinstance(found, dict):
            app = path.split("/")[3]
            found = found.get(app)
        if found is None:
            raise KeyError(name)
        return str(found)

    try:
        return re.sub(r"\{(\w+)\}", value, path)
    except KeyError:
        return None


# Routes whose objects only the city may see: any id proves the role check.
CITY_ONLY_IDS = {
    "indicator_id": "1",
    "program_id": "wuhu.municipal_zjtx",
    "scan_id": "1",
    "change_id": "1",
    "objection_id": "1",
    "report_id": "1",
    # A report's figures exist only inside a report the city built.
    "key": "revenue",
    # A 通报 is published to every unit; one that does not exist proves nothing leaks.
    "bulletin_id": "1",
    # Target sets are set and revised by the city only.
    "set_id": "1",
}


# A round is the city's call to every enterprise, not an object of one unit: every role that
# takes part may read it, and any enterprise may open its own application in it.
SHARED = {
    ("get", "/api/v1/certification/rounds/{round_id}"): {"unit_b", "ent_b", "expert_x"},
    ("post", "/api/v1/certification/rounds/{round_id}/applications"): {"ent_b"},
    # An event is public: any enterprise may sign up.
    ("post", "/api/v1/services/events/{event_id}/registrations"): {"ent_b"},
}


def test_outsiders_reach_no_object_and_change_nothing(client, world):
    params = {**CITY_ONLY_IDS, **world["params"]}
    unfilled, leaks = [], []
    routes = list(object_routes())
    assert len(routes) > 30
    tokens = {name: bearer(user) for name, user in world["outsiders"].items()}
    before = fingerprint()
    for method, path in routes:
        url = fill(path, params)
        if url is None:
            unfilled.append(path)
            continue
        if path.startswith("/api/v1/policy/programs/"):
            continue  # programmes are public reference data
        for who, auth in tokens.items():
            if who in SHARED.get((method, path), ()):
                continue
            call = getattr(client, method)
            if method == "get":
                response = call(url, **auth)
            else:
                response = call(url, data="{}", content_type="application/json", **auth)
            status = response.status_code
            ok = status in (403, 404) if method == "get" else 400 <= status < 500
            if not ok:
                leaks.append(f"{who} {method.upper()} {url} → {status}")
    assert unfilled == []
    assert leaks == []
    after = fingerprint()
    changed = [label for label in before if before[label] != after.get(label)]
    assert changed == []


def test_the_owner_unit_reaches_the_same_objects(client, world, make_user, units):
    """The probe is meaningful: the same URLs answer 200 for the unit that owns them."""
    owner = make_user(Role.UNIT_OFFICER, unit=units["镜湖区"])
    auth = bearer(owner)
    p = world["params"]
    for url in (
        f"/api/v1/enterprises/{p['credit_code']}",
        f"/api/v1/enterprises/{p['credit_code']}/financials",
        f"/api/v1/monitoring/imports/{p['import_id']}",
        f"/api/v1/certification/applications/{p['application_id']['certification']}",
        f"/api/v1/subsidies/applications/{p['application_id']['subsidies']}",
    ):
        assert client.get(url, **auth).status_code == 200, url
