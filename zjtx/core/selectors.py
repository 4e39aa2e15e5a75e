"""Home-page figures for each role, always within the user's jurisdiction."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def home_cards_for(user: Any) -> list[dict[str, Any]]:
    from zjtx.accounts.models import Role
    from zjtx.accounts.scoping import scope_enterprise_qs
    from zjtx.enterprises.models import Enterprise

    cards: list[dict[str, Any]] = []
    if user.role in (Role.CITY_OFFICER, Role.UNIT_OFFICER):
        qs = scope_enterprise_qs(Enterprise.objects.all(), user)
        cards.append(
            {
                "label": _("Enterprises in scope"),
                "value": qs.count(),
                "url_name": "enterprises:list",
            }
        )
        cards.append(
            {
                "label": _("Awaiting verification"),
                "value": qs.filter(status=Enterprise.Status.PENDING).count(),
                "url_name": "enterprises:pending",
            }
        )
    return cards
