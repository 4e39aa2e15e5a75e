# mypy: disallow-untyped-defs
"""Constants and helpers shared by the certification services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_record
from zjtx.core.files import DOCUMENT_SIGNATURES, sniff_document

if TYPE_CHECKING:
    from zjtx.accounts.models import User


AWARD_PROGRAM = "wuhu.municipal_zjtx"
CERTIFICATE_SERIES = "ZJTX-CERT"
BAR_YEARS = 3
VALID_YEARS = 3
MATERIAL_MAX_BYTES = 10 * 1024 * 1024
MAGIC = DOCUMENT_SIGNATURES
FORM_SCHEMA_VERSION = 1


def _default_materials() -> list[dict[str, Any]]:
    return [
        {"code": "business_licence", "label": _("Business licence"), "required": True},
        {
            "code": "audit_reports",
            "label": _("Audit reports of the last two years"),
            "required": True,
        },
        {"code": "rd_statement", "label": _("R&D expense statement"), "required": True},
        {
            "code": "social_insurance",
            "label": _("December social-insurance headcount certificate"),
            "required": False,
        },
        {"code": "ip_certificates", "label": _("IP certificates"), "required": False},
        {"code": "credit_report", "label": _("Credit reports"), "required": False},
    ]


def _default_rubric() -> list[dict[str, Any]]:
    return [
        {"id": "specialisation", "title": _("Specialisation"), "max_points": "25"},
        {"id": "refinement", "title": _("Refined management"), "max_points": "25"},
        {"id": "distinctiveness", "title": _("Distinctive products"), "max_points": "20"},
        {"id": "innovation", "title": _("Innovation capability"), "max_points": "30"},
    ]


def _stringify(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (str(v) if not isinstance(v, bool) else v) for k, v in i.items()} for i in items]


def _audit(actor: User, action: str, obj: Any, before: Any = None, after: Any = None) -> None:
    audit_record(actor=actor, action=f"certification.{action}", obj=obj, before=before, after=after)


def _require_city(actor: User) -> None:
    require_role(actor, Role.CITY_OFFICER, hide=True)


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _sniff(head: bytes) -> tuple[str, str] | None:
    return sniff_document(head)


def certificate_valid_until(certified_on: date) -> date:
    return _shift_year(certified_on, VALID_YEARS) - timedelta(days=1)


def _mail_on_commit(subject: str, address: str) -> None:
    transaction.on_commit(lambda: send_mail(subject, subject, None, [address], fail_silently=True))
