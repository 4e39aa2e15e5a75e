"""The deadline surge (DESIGN.md §5, issue 15 §3), driven by run_surge.sh.

Three kinds of simulated people share one run:

- `EnterpriseUser`: one per prepared enterprise (bench/surge/var/surge.json, written by
  setup_surge.py). Each logs in through the login page and submits, once each, what a firm
  sends at a deadline: its certification application (the draft with its materials was
  prepared earlier: the surge is the last click), its monthly report (online form), its
  技术改造 subsidy application, a financing demand and a service request. Then it stops.
  Spawned at the rate that starts every firm within the arrival window (60 s in the full form).
- `OfficerUser`: city and unit officers who log in with password and TOTP and browse lists
  and the home page throughout.
- `TrivialUser`: requests /healthz, the floor that run_surge.sh divides by.

Request names group the statistics: `submit:<kind>` for the submissions.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import struct
import time
from itertools import cycle
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

DATA = json.loads(
    Path(os.environ.get("SURGE_DATA", Path(__file__).parent / "var" / "surge.json")).read_text()
)
PASSWORD = DATA["password"]
_firms = iter(DATA["enterprises"])
_officers = cycle(DATA["officers"])
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMING = Path(os.environ.get("SURGE_TIMING", Path(__file__).parent / "var" / "timing.json"))
_timing: dict[str, Any] = {"firms": len(DATA["enterprises"]), "finished": 0, "started": 0}


@events.test_start.add_listener
def _test_start(environment: Any, **_: Any) -> None:
    _timing["t0"] = time.time()


def _firm_done(environment: Any, ok: bool) -> None:
    """Count finished firms; when every firm is done, write the timing and end the run."""
    _timing["finished"] += 1
    _timing["failed"] = _timing.get("failed", 0) + (0 if ok else 1)
    _timing["last_done"] = time.time()
    if _timing["finished"] >= _timing["firms"]:
        TIMING.write_text(json.dumps(_timing))
        runner = environment.runner
        gevent.spawn_later(2, runner.quit)


def totp(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 code (30 s, 6 digits, SHA-1), as the officers' authenticator shows it."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class _LoggedIn(HttpUser):
    abstract = True

    def _login(self, username: str) -> bool:
        page = self.client.get("/accounts/login/", name="login page")
        token = _CSRF_INPUT.search(page.text or "")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {username} answered {response.status_code}")
                return False
            response.success()
        return True

    def _headers(self) -> dict[str, str]:
        return {
            "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
            "Referer": f"{self.host}/",
        }

    def _post_json(
        self, url: str, body: dict[str, Any] | None, name: str, ok: tuple[int, ...]
    ) -> Any:
        with self.client.post(
            url, json=body or {}, headers=self._headers(), name=name, catch_response=True
        ) as response:
            if response.status_code not in ok:
                response.failure(f"{response.status_code} {response.text[:200]}")
                return None
            response.success()
            return response.json()


class EnterpriseUser(_LoggedIn):
    """One firm at the deadline: log in, submit five things, leave."""

    weight = 100
    wait_time = constant(0)

    def on_start(self) -> None:
        try:
            self.firm = next(_firms)
        except StopIteration:
            raise StopUser() from None

    @task
    def deadline(self) -> None:
        firm = self.firm
        _timing["started"] += 1
        _timing.setdefault("first_start", time.time())
        _timing["last_start"] = time.time()
        results = []
        if not self._login(firm["username"]):
            _firm_done(self.environment, False)
            raise StopUser()
        results.append(
            self._post_json(
                f"/api/v1/certification/applications/{firm['certification_id']}/transitions",
                {"action": "submit"},
                "submit:certification",
                (200,),
            )
        )
        results.append(self._monthly_report())
        results.append(
            self._post_json(
                f"/api/v1/subsidies/applications/{firm['subsidy_id']}/submit",
                None,
                "submit:subsidy",
                (200,),
            )
        )
        results.append(
            self._post_json(
                "/api/v1/financing/demands",
                {
                    "amount_yuan": "3000000.00",
                    "term_months": 12,
                    "purpose": "working_capital",
                    "guarantees": ["credit"],
                    "needed_by": time.strftime(
                        "%Y-%m-%d", time.localtime(time.time() + 30 * 86400)
                    ),
                    "tax_grade": "A",
                    "note": f"surge {firm['username']}",
                },
                "submit:financing",
                (201,),
            )
        )
        results.append(
            self._post_json(
                "/api/v1/services/requests",
                {
                    "category": "financing",
                    "title": f"融资对接诉求 {firm['username']}",
                    "text": "企业希望对接低息流动资金贷款。",
                },
                "submit:service_request",
                (201,),
            )
        )
        _firm_done(self.environment, all(r is not None for r in results))
        raise StopUser()

    def _monthly_report(self) -> bool | None:
        form = {
            "period": DATA["period"],
            "action": "submit",
            "confirm_flags": "on",
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
        }
        for i, indicator in enumerate(DATA["indicators"]):
            form[f"ind-{indicator['id']}"] = str(100 + 7 * i)
        with self.client.post(
            "/monitoring/report/",
            data=form,
            headers={"Referer": f"{self.host}/monitoring/report/"},
            allow_redirects=False,
            name="submit:monthly_report",
            catch_response=True,
        ) as response:
            # Stored: a redirect back to the form with the success message.
            if response.status_code != 302:
                response.failure(f"{response.status_code}: report not stored")
                return None
            response.success()
            return True


class OfficerUser(_LoggedIn):
    """City and unit officers browsing while the firms submit."""

    fixed_count = int(os.environ.get("SURGE_OFFICERS", "6"))
    wait_time = between(0.5, 2)
    PAGES = ("/", "/enterprises/", "/certification/", "/subsidies/", "/financing/", "/services/")

    def on_start(self) -> None:
        officer = next(_officers)
        if not self._login(officer["username"]):
            raise StopUser()
        page = self.client.get("/accounts/otp/", name="otp page")
        token = _CSRF_INPUT.search(page.text or "")
        # A code is accepted once per device and 30 s step: wait for a fresh step if needed.
        with self.client.post(
            "/accounts/otp/",
            data={
                "code": totp(DATA["totp_key_hex"]),
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/otp/"},
            allow_redirects=False,
            name="otp",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"otp for {officer['username']} answered {response.status_code}")
                raise StopUser()
            response.success()
        self.pages = cycle(self.PAGES)

    @task
    def browse(self) -> None:
        url = next(self.pages)
        self.client.get(url, name=f"officer {url}")


class TrivialUser(HttpUser):
    """The floor: a page with no database work, through the same server and middleware."""

    fixed_count = 1
    wait_time = constant(0.2)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="trivial /healthz")
