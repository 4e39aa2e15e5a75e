"""Showing personal data on pages: masked by default, revealed on request with an audit event.

Each app exposes a small POST view that loads the object through its own scoped selector and
returns `reveal_response(request, obj, field)`; templates show the value with
``{% load pii %}{% pii obj "field" reveal_url %}`` (masked, with a 查看 form for the roles the
field's `reveal_roles` name). ADR 0017.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

from zjtx.core.http import AuthedRequest

from .crypto import can_reveal, masked, reveal
from .errors import DomainError, Forbidden


def reveal_response(request: AuthedRequest, obj: Model, field: str) -> HttpResponse:
    """POST `reason`: the plaintext (a fragment for htmx, a small page otherwise), audited.

    A role that may not reveal gets a 404 (the value's existence is not its business); a
    missing reason re-renders the form with the message. Never cached.
    """
    if request.method != "POST":
        raise Http404
    user: Any = request.user
    if not can_reveal(user, obj, field):
        raise Http404
    reason = request.POST.get("reason", "")
    context: dict[str, Any] = {
        "obj": obj,
        "field": field,
        "masked": masked(obj, field),
        "reveal_url": request.path,
        "can_reveal": True,
    }
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        context["back_url"] = referer
    status = 200
    try:
        context["value"] = reveal(obj, field, actor=user, reason=reason)
    except Forbidden as exc:  # pragma: no cover - can_reveal checked above
        raise Http404 from exc
    except DomainError as exc:
        context["error"] = exc.message
        status = 400
    template = "core/_pii.html" if request.headers.get("HX-Request") else "core/pii_revealed.html"
    response = HttpResponse(render_to_string(template, context, request=request), status=status)
    response["Cache-Control"] = "no-store"
    return response
