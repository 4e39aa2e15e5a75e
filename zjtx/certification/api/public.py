"""Public endpoints (no login): 公示 lists, objections, certificate verification."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form
from ninja.files import UploadedFile

from zjtx.core.api_schemas import ERRORS

from .. import selectors, services
from ._router import router
from .schemas import (
    CertificateOut,
    NoticeOut,
    ObjectionOut,
    _notice_out,
)


@router.get("/public/notices", response={200: list[NoticeOut], **ERRORS}, auth=None)
def public_notices(request: HttpRequest) -> list[dict[str, Any]]:
    return [_notice_out(n) for n in selectors.notice_list_public()[:50]]


@router.post("/public/objections", response={201: ObjectionOut}, auth=None)
def public_objection(
    request: HttpRequest,
    notice: Form[int],
    application: Form[int],
    name: Form[str],
    phone: Form[str],
    text: Form[str],
    organisation: Form[str] = "",
    evidence: UploadedFile | None = File(None),  # noqa: B008 (ninja's parameter marker)
) -> tuple[int, Any]:
    """Lodge an objection; the optional evidence is checked and stored like the page form's."""
    found = selectors.notice_get_public(pk=notice)
    content = evidence.read(services.MATERIAL_MAX_BYTES + 1) if evidence is not None else None
    objection = services.objection_lodge(
        notice=found,
        application_id=application,
        name=name,
        phone=phone,
        text=text,
        organisation=organisation,
        evidence=content,
        evidence_name=(evidence.name or "") if evidence is not None else "",
    )
    return 201, objection


# `path:` so a number with an (encoded) slash still reaches the handler and gets the JSON 404.
@router.get(
    "/public/certificates/{path:number}", response={200: CertificateOut, **ERRORS}, auth=None
)
def public_certificate(request: HttpRequest, number: str) -> dict[str, Any]:
    app = selectors.certificate_get_public(number=number[:100])
    return {
        "number": app.certificate_number,
        "enterprise_name": app.enterprise.name,
        "credit_code": app.enterprise.credit_code,
        "unit": app.unit.name,
        "certified_on": app.certified_on,
        "valid_until": app.valid_until,
        "decision_document": app.decision_document.number if app.decision_document else None,
        "state": selectors.certificate_state(application=app),
    }
