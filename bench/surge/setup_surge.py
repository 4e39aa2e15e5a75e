"""Prepare the deadline surge (bench/surge/run_surge.sh runs this; see README in run_surge.sh).

On a database that already holds the reference data, the policy packages and the demo data
(`migrate`, `load_reference`, `load_policies`, `seed_demo`), this adds:

- N verified enterprises (the demo's deterministic firms, topped up when fewer exist), each
  with its own enterprise user `surge0001`…, password SURGE_PASSWORD;
- for each of them the drafts a firm prepares before a deadline: a certification application
  in the open round with every required material uploaded, and a 技术改造 subsidy application
  with its evidence; the surge then submits both (the last-minute click);
- officers (city and unit) with a TOTP device of known key, who browse during the surge.

Writes bench/surge/var/surge.json with everything the locustfile needs (ids, the period,
indicator ids). Idempotent: a second run reuses what exists.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from zjtx.accounts.models import Role, User  # noqa: E402
from zjtx.enterprises.models import Enterprise  # noqa: E402

SURGE_PASSWORD = "Surge#2026load"
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 4226 test key
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OUT = Path(__file__).resolve().parent / "var" / "surge.json"
OFFICER_UNITS = ["340202", "340281", "ZONE-JK", "340203", "340207", "340208"]


def log(msg: str) -> None:
    print(f"[setup {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def ensure_enterprises(n: int) -> list[Enterprise]:
    from zjtx.demo.seeding import ensure_enterprises as demo_firms

    verified = Enterprise.objects.filter(status=Enterprise.Status.VERIFIED)
    if verified.filter(credit_code__contains="MA0").count() < n + 50:
        demo_firms(n + 350)  # the demo's deterministic generator (seed_demo writes 300)
    # Firms that have no user yet, or whose user is a surge user from an earlier run.
    taken = set(
        User.objects.filter(enterprise__isnull=False)
        .exclude(username__startswith="surge")
        .values_list("enterprise_id", flat=True)
    )
    firms = [
        e for e in verified.filter(credit_code__contains="MA0").order_by("id") if e.pk not in taken
    ]
    return firms[: n + 300]  # spares for firms the round refuses (e.g. already certified)


def ensure_users(firms: list[Enterprise], n: int) -> dict[int, User]:
    existing = {u.enterprise_id: u for u in User.objects.filter(username__startswith="surge0")}
    hashed = make_password(SURGE_PASSWORD)
    new = []
    seq = len(existing)
    for firm in firms:
        if firm.pk in existing:
            continue
        seq += 1
        new.append(
            User(
                username=f"surge{seq:04d}",
                password=hashed,
                role=Role.ENTERPRISE,
                enterprise=firm,
                full_name=f"压测联系人{seq:04d}",
                password_changed_at=timezone.now(),
            )
        )
    User.objects.bulk_create(new, batch_size=500)
    return {u.enterprise_id: u for u in User.objects.filter(username__startswith="surge0")}


def ensure_officers() -> list[dict[str, str]]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zjtx.reference.models import AssessmentUnit

    hashed = make_password(SURGE_PASSWORD)
    out = []
    specs = [("surge_city1", Role.CITY_OFFICER, None), ("surge_city2", Role.CITY_OFFICER, None)]
    for code in OFFICER_UNITS:
        unit = AssessmentUnit.objects.filter(code=code).first()
        if unit is not None:
            specs.append((f"surge_unit_{code.lower().replace('-', '')}", Role.UNIT_OFFICER, unit))
    for username, role, unit in specs:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "password": hashed,
                "role": role,
                "unit": unit,
                "full_name": username,
                "password_changed_at": timezone.now(),
            },
        )
        TOTPDevice.objects.get_or_create(
            user=user, name="surge", defaults={"key": TOTP_KEY_HEX, "confirmed": True}
        )
        out.append({"username": username, "role": role})
    return out


def open_round() -> object:
    from zjtx.certification.models import Round
    from zjtx.demo.programme import ensure_round

    today = timezone.localdate()
    ensure_round(today)
    rnd = (
        Round.objects.filter(status=Round.Status.OPEN, closes_on__gte=today).order_by("-id").first()
    )
    if rnd is None:
        raise SystemExit("no open certification round (seed_demo opens one)")
    return rnd


def certification_draft(rnd: object, user: User) -> int | None:
    """A draft with every required material, ready to submit; None when the round refuses."""
    from zjtx.certification.models import Application
    from zjtx.certification.services.applications import application_create, material_upload
    from zjtx.core.errors import DomainError

    app = Application.objects.filter(round=rnd, enterprise_id=user.enterprise_id).first()
    if app is None:
        try:
            app = application_create(round=rnd, actor=user)
        except DomainError:
            return None
    if app.status != Application.Status.DRAFT:
        return None
    present = set(app.materials.values_list("kind", flat=True))
    for material in app.form_schema.get("materials", []):
        if material.get("required") and material["code"] not in present:
            material_upload(
                application=app,
                kind=material["code"],
                name=f"{material['code']}.pdf",
                content=PDF,
                actor=user,
            )
    return int(app.pk)


def subsidy_draft(user: User) -> int | None:
    from zjtx.core.errors import DomainError
    from zjtx.subsidies.models import Application
    from zjtx.subsidies.services import application_create, evidence_add

    app = (
        Application.objects.filter(enterprise_id=user.enterprise_id, created_by=user)
        .order_by("id")
        .first()
    )
    if app is None:
        year = timezone.localdate().year
        try:
            app = application_create(
                enterprise=user.enterprise,
                program_id="wuhu.tech_upgrade",
                facts={
                    "tech_upgrade_equipment_investment_yuan": "3000000.00",
                    "tech_upgrade_completed_year": year - 1,
                },
                as_of=timezone.localdate(),
                actor=user,
            )
            evidence_add(application=app, name="invoice.pdf", data=PDF, actor=user)
        except DomainError as exc:
            log(f"subsidy draft refused for {user.username}: {exc.code}")
            return None
    if app.status != "draft":
        return None
    return int(app.pk)


def report_indicators() -> list[dict[str, object]]:
    from zjtx.monitoring.selectors import indicators_active

    out = []
    for ind in indicators_active():
        if ind.is_text:
            continue
        out.append({"id": ind.pk, "code": ind.code})
        if len(out) >= 8:
            break
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=500)
    args = parser.parse_args()
    n = args.users
    started = time.monotonic()
    rnd = open_round()
    firms = ensure_enterprises(n)
    users = ensure_users(firms, n)
    log(f"{len(users)} enterprise users")
    entries = []
    for firm in firms:
        user = users.get(firm.pk)
        if user is None:
            continue
        with transaction.atomic():
            cert = certification_draft(rnd, user)
            sub = subsidy_draft(user) if cert is not None else None
        if cert is None or sub is None:
            continue
        entries.append(
            {
                "username": user.username,
                "enterprise_id": firm.pk,
                "certification_id": cert,
                "subsidy_id": sub,
            }
        )
        if len(entries) % 100 == 0:
            log(f"{len(entries)} enterprises prepared")
        if len(entries) >= n:
            break
    if len(entries) < n:
        raise SystemExit(f"only {len(entries)} enterprises could be prepared, {n} asked")
    officers = ensure_officers()
    data = {
        "password": SURGE_PASSWORD,
        "totp_key_hex": TOTP_KEY_HEX,
        "round_id": rnd.pk,  # type: ignore[attr-defined]
        "period": timezone.localdate().strftime("%Y-%m"),
        "indicators": report_indicators(),
        "enterprises": entries,
        "officers": officers,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    log(
        f"prepared {len(entries)} enterprises, {len(officers)} officers in "
        f"{time.monotonic() - started:.0f} s -> {OUT}"
    )


if __name__ == "__main__":
    main()
