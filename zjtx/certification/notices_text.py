# mypy: disallow-untyped-defs
"""Chinese notice text for certification hand-offs: who is told, which kind, which words.

Kept apart from the services so the transition code only calls one function per hand-off.
Titles name the enterprise and what waits; the reason (if any) is the body.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role, User
from zjtx.core.notifications import notify

# action → what the next actors (officers) read; they act next.
STAFF_TEXT: dict[str, Any] = {
    "submit": _(
        "%(enterprise)s has submitted its certification application; it awaits the unit's preliminary review."
    ),
    "resubmit": _(
        "%(enterprise)s has resubmitted its certification application; it awaits the unit's preliminary review."
    ),
    "recommend": _(
        "The certification application of %(enterprise)s is recommended by its unit; it awaits the city's expert review."
    ),
    "start_review": _("The certification application of %(enterprise)s is in expert review."),
    "complete_review": _(
        "Expert review of the certification application of %(enterprise)s is complete; it awaits the city's decision."
    ),
    "approve": _(
        "The certification application of %(enterprise)s is approved for the proposed list."
    ),
}

# action → (kind, what the enterprise reads) for every step that concerns it.
ENTERPRISE_TEXT: dict[str, tuple[str, Any]] = {
    "return": (
        "returned",
        _("The certification application of %(enterprise)s was returned for correction."),
    ),
    "recommend": (
        "recommended",
        _(
            "The certification application of %(enterprise)s is recommended by its unit to the city."
        ),
    ),
    "reject": ("rejected", _("The certification application of %(enterprise)s was not approved.")),
    "publish": (
        "notice_published",
        _("%(enterprise)s is on the proposed list in public notice until %(date)s."),
    ),
    "remove": (
        "rejected",
        _("%(enterprise)s was removed from the proposed list after an upheld objection."),
    ),
    "certify": ("certified", _("%(enterprise)s is certified as a municipal SRDI SME.")),
    "renew": (
        "certified",
        _("The SRDI status of %(enterprise)s passed re-review and is valid until %(date)s."),
    ),
    "revoke": ("certified", _("The SRDI status of %(enterprise)s is revoked.")),
}


def _enterprise_users(application: Any) -> list[Any]:
    return list(
        User.objects.filter(
            is_active=True, role=Role.ENTERPRISE, enterprise_id=application.enterprise_id
        )
    )


def _date(application: Any, action: str) -> str:
    if action == "renew" and application.valid_until:
        return str(application.valid_until.isoformat())
    if action == "publish":
        notice = application.round.notices.order_by("-id").first()
        if notice is not None:
            return str(notice.ends_on.isoformat())
    return ""


def application_notify(
    application: Any, action: str, reason: str = "", *, next_actors: list[Any]
) -> None:
    """Tell the officers who act next and the enterprise about what concerns it, in Chinese."""
    url = reverse("certification:application-detail", args=[application.pk])
    params = {"enterprise": application.enterprise.name, "date": _date(application, action)}
    enterprise_users = _enterprise_users(application)
    enterprise_ids = {u.pk for u in enterprise_users}
    staff = [u for u in next_actors if u.pk not in enterprise_ids]
    if action in STAFF_TEXT and staff:
        notify(
            recipients=staff,
            title=STAFF_TEXT[action],
            params=params,
            body=reason,
            url=url,
            kind="submitted",
        )
    if action in ENTERPRISE_TEXT:
        kind, text = ENTERPRISE_TEXT[action]
        notify(
            recipients=enterprise_users,
            title=text,
            params=params,
            body=reason,
            url=url,
            kind=kind,
        )


def assignment_notify(assignment: Any) -> None:
    """The expert learns of a new review assignment (the enterprise's name only)."""
    application = assignment.application
    notify(
        recipients=[assignment.expert.user],
        title=_("You are assigned to review the certification application of %(enterprise)s."),
        params={"enterprise": application.enterprise.name},
        url=reverse("certification:application-detail", args=[application.pk]),
        kind="assignment",
    )


def expiry_notify(application: Any, days_before: int) -> None:
    """Certificate holders are reminded 90, 60 and 30 days before the status ends."""
    notify(
        recipients=_enterprise_users(application),
        title=_(
            "The SRDI status of %(enterprise)s ends on %(date)s, within %(days)s days; "
            "prepare for re-review."
        ),
        params={
            "enterprise": application.enterprise.name,
            "date": application.valid_until.isoformat(),
            "days": days_before,
        },
        url=reverse("certification:application-detail", args=[application.pk]),
        kind="deadline_reminder",
    )
