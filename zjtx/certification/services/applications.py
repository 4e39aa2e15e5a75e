# mypy: disallow-untyped-defs
"""Applications: form snapshot, registry pre-fill with sources, self-assessment, materials."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.core.audit import to_jsonable
from zjtx.core.errors import Conflict, DomainError, ErrorCode, NotFound
from zjtx.enterprises.models import Enterprise
from zjtx.policy.engine import FactError, FactSpec
from zjtx.policy.engine.facts import coerce_fact
from zjtx.policy.facts_from_registry import enterprise_facts
from zjtx.policy.selectors import package_for, program_get, programs_evaluate

from .. import permissions, selectors
from ..errors import CertificationError, CertificationErrorCode, TransitionNotAllowed
from ..models import (
    Application,
    Material,
    Round,
)
from ..workflow import (
    COMMITMENT_LETTER,
)
from ._common import (
    FORM_SCHEMA_VERSION,
    MATERIAL_MAX_BYTES,
    _audit,
    _sniff,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


# No figure on the form (元, headcount, ratio) comes near 10^15; larger values are typing errors
# and would overflow the rule engine's arithmetic.
FACT_MAGNITUDE_MAX = Decimal(10) ** 15


def _fact_specs(rnd: Round) -> tuple[list[FactSpec], int | None]:
    program = program_get(program_id=rnd.program_id)
    assert program.current_version is not None
    package = package_for(version=program.current_version)
    return list(package.facts.values()), program.current_version.version


def form_schema_build(rnd: Round) -> dict[str, Any]:
    """The form as it stands today; stored with each application so later changes never alter it."""
    specs, version = _fact_specs(rnd)
    return {
        "version": FORM_SCHEMA_VERSION,
        "program": rnd.program_id,
        "program_version": version,
        "fields": [
            {
                "name": s.name,
                "type": s.type,
                "label": s.description,
                "unit": s.unit,
                "values": dict(s.values),
            }
            for s in specs
        ],
        "materials": [
            *rnd.required_materials,
            {
                "code": COMMITMENT_LETTER,
                "label": str(_("Stamped commitment letter")),
                "required": True,
            },
        ],
        "rubric": list(rnd.rubric),
    }


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def registry_prefill(
    enterprise: Enterprise, year: int, schema: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """The schema's facts the registry (or the enterprise's declarations) already hold, each with
    its source; applying in year Y reads Y-1 and Y-2 (policy.facts_from_registry, DOMAIN §9)."""
    fields = {f["name"]: f for f in schema.get("fields", [])}
    as_of = date(year, 1, 1)
    sheet = enterprise_facts(enterprise, as_of=as_of, names=list(fields), declared=True)
    registry = enterprise_facts(enterprise, as_of=as_of, names=list(fields), declared=False)
    out: dict[str, dict[str, Any]] = {}
    for name, value in sheet.values.items():
        if name not in fields:
            continue
        if isinstance(value, Decimal) and fields[name]["type"] in ("percent", "decimal"):
            value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        out[name] = {
            "value": to_jsonable(value),
            "source": "registry" if name in registry.values else "enterprise",
            "detail": str(sheet.sources.get(name, "")),
            **({"unverified": True} if name in sheet.unverified else {}),
        }
    return out


def _spec(field_def: Mapping[str, Any]) -> FactSpec:
    return FactSpec(
        name=str(field_def["name"]),
        type=str(field_def["type"]),
        description=str(field_def.get("label", "")),
        unit=str(field_def.get("unit", "")),
        values=dict(field_def.get("values") or {}),
    )


def _facts(application: Application) -> dict[str, Any]:
    names = {f["name"] for f in application.form_schema.get("fields", [])}
    return {
        name: entry.get("value")
        for name, entry in application.data.items()
        if name in names and isinstance(entry, dict) and entry.get("value") is not None
    }


def self_assess(application: Application) -> dict[str, Any]:
    """Evaluate the round's criteria package on the application's data; keeps version, facts, trace."""
    facts = _facts(application)
    today = timezone.localdate()
    try:
        result = programs_evaluate(
            as_of=today, facts=facts, program_ids=[application.round.program_id]
        )[0]
    except DomainError as exc:
        return {"error": exc.as_dict(), "facts": to_jsonable(facts), "as_of": today.isoformat()}
    return {
        "program": application.round.program_id,
        "version": result.version,
        "as_of": today.isoformat(),
        "facts": to_jsonable(facts),
        "result": result.as_dict(),
    }


@transaction.atomic
def application_create(*, round: Round, actor: User) -> Application:
    """An enterprise starts its draft; the form schema is snapshotted and registry data pre-filled."""
    if not permissions.is_enterprise(actor):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if rnd.status != Round.Status.OPEN:
        raise Conflict(CertificationErrorCode.ROUND_NOT_OPEN, _("The round is not open."))
    today = timezone.localdate()
    if today > rnd.closes_on:
        raise Conflict(
            CertificationErrorCode.DEADLINE_PASSED, _("The application window is closed.")
        )
    if actor.enterprise_id is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    enterprise = Enterprise.objects.select_related("unit").get(pk=actor.enterprise_id)
    barred = selectors.barred_until(enterprise_id=enterprise.pk, today=today)
    if barred is not None:
        raise Conflict(
            CertificationErrorCode.BARRED_AFTER_REVOCATION,
            _("Certification was revoked; the enterprise may apply again from %(date)s.")
            % {"date": barred.isoformat()},
        )
    if rnd.applications.filter(enterprise=enterprise).exists():
        raise Conflict(
            CertificationErrorCode.ALREADY_APPLIED,
            _("The enterprise already has an application in this round."),
        )
    schema = form_schema_build(rnd)
    application = Application.objects.create(
        round=rnd,
        enterprise=enterprise,
        unit=enterprise.unit,
        form_schema=schema,
        data=registry_prefill(enterprise, rnd.year, schema),
        status_changed_at=timezone.now(),
    )
    application.self_assessment = self_assess(application)
    application.save(update_fields=["self_assessment"])
    _audit(actor, "application_create", application, after={"round": rnd.pk})
    return application


@transaction.atomic
def application_update_data(
    *, application: Application, values: Mapping[str, Any], actor: User
) -> Application:
    """The enterprise fills or corrects fields; each edited field is marked as entered by it."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    if not permissions.can_edit(actor, app):
        if not permissions.in_scope(actor, app):
            raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
        raise TransitionNotAllowed("not_editable", _("The application cannot be edited now."))
    fields = {f["name"]: f for f in app.form_schema.get("fields", [])}
    errors: dict[str, str] = {}
    data = dict(app.data)
    changed: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in fields:
            errors[name] = _("Unknown field.")
            continue
        if raw == "" or raw is None:
            value: Any = None
        else:
            try:
                coerced = coerce_fact(_spec(fields[name]), raw)
            except FactError:
                errors[name] = _("Invalid value.")
                continue
            if isinstance(coerced, Decimal) and abs(coerced) > FACT_MAGNITUDE_MAX:
                errors[name] = _("The number is out of range (at most %(max)s).") % {
                    "max": f"{FACT_MAGNITUDE_MAX:,}"
                }
                continue
            value = to_jsonable(coerced)
            if fields[name]["type"] in ("int", "year") and value is not None:
                value = int(Decimal(str(value)))
        old = data.get(name) or {}
        if old.get("value") == value:
            continue
        entry: dict[str, Any] = {"value": value, "source": "enterprise"}
        if old.get("source") == "registry":
            entry["registry_value"] = old.get("value")
            entry["detail"] = old.get("detail", "")
        elif "registry_value" in old:
            entry["registry_value"] = old["registry_value"]
            entry["detail"] = old.get("detail", "")
            if old["registry_value"] == value:
                entry = {"value": value, "source": "registry", "detail": old.get("detail", "")}
        data[name] = entry
        changed[name] = value
    if errors:
        raise CertificationError(
            CertificationErrorCode.INVALID_FIELDS, _("Some fields are invalid."), errors
        )
    app.data = data
    app.self_assessment = self_assess(app)
    app.save(update_fields=["data", "self_assessment", "updated_at"])
    if changed:
        _audit(actor, "application_update", app, after=changed)
    return app


@transaction.atomic
def material_upload(
    *, application: Application, kind: str, name: str, content: bytes, actor: User
) -> Material:
    """Store one material after checking it is really a PDF, PNG or JPEG and not too large."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    if not permissions.can_edit(actor, app):
        if not permissions.in_scope(actor, app):
            raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
        raise TransitionNotAllowed("not_editable", _("The application cannot be edited now."))
    codes = {m["code"] for m in app.form_schema.get("materials", [])}
    if kind not in codes:
        raise CertificationError(
            CertificationErrorCode.UNKNOWN_MATERIAL, _("Unknown kind of material."), {"kind": kind}
        )
    if len(content) > MATERIAL_MAX_BYTES:
        raise CertificationError(
            CertificationErrorCode.FILE_TOO_LARGE,
            _("The file is larger than %(mb)s MB.") % {"mb": MATERIAL_MAX_BYTES // (1024 * 1024)},
            {"file": _("Too large")},
        )
    sniffed = _sniff(content[:16])
    if not content or sniffed is None:
        raise CertificationError(
            CertificationErrorCode.BAD_FILE_TYPE,
            _("Only PDF, PNG or JPEG files are accepted."),
            {"file": _("Not a PDF or image")},
        )
    content_type, ext = sniffed
    material = Material(
        application=app,
        kind=kind,
        original_name=(name or f"{kind}.{ext}")[-200:],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    material.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
    material.save()
    _audit(
        actor,
        "material_upload",
        app,
        after={"kind": kind, "sha256": material.sha256, "size": material.size},
    )
    return material


@transaction.atomic
def material_delete(*, material: Material, actor: User) -> None:
    app = Application.objects.select_for_update().get(pk=material.application_id)
    if not permissions.can_edit(actor, app):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    _audit(actor, "material_delete", app, before={"kind": material.kind, "sha256": material.sha256})
    material.file.delete(save=False)
    material.delete()


@transaction.atomic
def application_delete(*, application: Application, actor: User) -> None:
    """The enterprise deletes its own draft with its materials (a submitted one is withdrawn
    first); the audit trail keeps what it held."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    if not (permissions.is_enterprise(actor) and app.enterprise_id == actor.enterprise_id):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if app.status != Application.Status.DRAFT:
        raise TransitionNotAllowed(
            "not_deletable", _("Only a draft can be deleted; withdraw the submission first.")
        )
    materials = list(app.materials.all())
    _audit(
        actor,
        "application_delete",
        app,
        before={
            "round": app.round_id,
            "data": app.data,
            "materials": [{"kind": m.kind, "sha256": m.sha256} for m in materials],
        },
    )
    files = [m.file for m in materials]
    app.events.all().delete()
    app.materials.all().delete()
    app.delete()
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])


def rereview(application: Application, today: date) -> dict[str, Any]:
    """复核 at expiry: the criteria evaluated on the registry's current data, over the data on file."""
    data = dict(application.data)
    data.update(registry_prefill(application.enterprise, today.year, application.form_schema))
    probe = Application(round=application.round, form_schema=application.form_schema, data=data)
    return self_assess(probe)
