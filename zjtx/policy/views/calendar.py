"""An enterprise's policy calendar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zjtx.accounts.models import Role
from zjtx.core.http import AuthedRequest
from zjtx.enterprises import selectors as enterprise_selectors

from .. import scan
from ..selectors import packages_current


@login_required
def notices(request: AuthedRequest) -> HttpResponse:
    """The enterprise's policy calendar: 您可能符合以下政策, and the programs with their dates."""
    if getattr(request.user, "role", None) != Role.ENTERPRISE:
        raise Http404
    enterprise = enterprise_selectors.enterprise_for_user(user=request.user)
    today = timezone.localdate()
    programs = sorted(
        (p for p in packages_current().values() if p.kind == "award" and p.in_force(today)),
        key=lambda p: p.id,
    )
    return render(
        request,
        "policy/notices.html",
        {
            "enterprise": enterprise,
            "notifications": scan.notifications_for(user=request.user)[:100],
            "programs": programs,
        },
    )
