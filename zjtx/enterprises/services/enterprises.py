"""Enterprise identity, unit assignment, self-registration and its verification."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role, User
from zjtx.core.audit import audit_record
from zjtx.core.workflow import run
from zjtx.reference.models import AssessmentUnit, IndustryCode

from ..errors import EnterpriseConflict, EnterpriseError, EnterpriseErrorCode, EnterpriseNotFound
from ..models import Enterprise, UnitAssignment
from ..pinyin import pinyin_for
from ..workflow import ENTERPRISE_VERIFICATION
from ._common import (
    SELF_EDITABLE_FIELDS,
    STAFF_EDITABLE_FIELDS,
    _check_email,
    _check_established,
    _check_id_number,
    _check_lengths,
    _clean_text,
    _is_staff,
    _open_assignment,
    _refresh_size_class,
    _require_content_editor,
    _require_name,
    _resolve_industry,
    _resolve_unit,
    _snapshot,
    _validated_credit_code,
)

# ---------------------------------------------------------------- enterprises


@transaction.atomic
def enterprise_create(
    *,
    actor: User,
    credit_code: str,
    name: str,
    unit: AssessmentUnit | str,
    industry: IndustryCode | str | None = None,
    registered_address: str = "",
    established_on: date | None = None,
    legal_representative: str = "",
    legal_rep_id_number: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    main_products: str = "",
    checksum_override_reason: str = "",
) -> Enterprise:
    """Staff register an enterprise; the code must pass GB 32100 unless overridden with a reason."""
    if not _is_staff(actor):
        raise EnterpriseNotFound()
    code, reason = _validated_credit_code(
        raw=credit_code, actor=actor, override_reason=checksum_override_reason
    )
    name = _require_name(name)
    unit_obj = _resolve_unit(unit)
    if actor.role == Role.UNIT_OFFICER and unit_obj.pk != actor.unit_id:
        message = _("You can only register enterprises in your own unit.")
        raise EnterpriseError(EnterpriseErrorCode.UNIT_OUTSIDE_SCOPE, message, {"unit": message})
    contact_email = _clean_text(contact_email)
    _check_email(contact_email, "contact_email")
    _check_established(established_on)
    _check_lengths(
        Enterprise,
        {
            "registered_address": _clean_text(registered_address),
            "legal_representative": _clean_text(legal_representative),
            "contact_name": _clean_text(contact_name),
            "contact_phone": _clean_text(contact_phone),
            "contact_email": contact_email,
        },
    )
    pinyin, initials = pinyin_for(name)
    enterprise = Enterprise.objects.create(
        credit_code=code,
        checksum_override_reason=reason,
        name=name,
        name_pinyin=pinyin,
        name_initials=initials,
        unit=unit_obj,
        industry=_resolve_industry(industry),
        registered_address=_clean_text(registered_address),
        established_on=established_on,
        legal_representative=_clean_text(legal_representative),
        legal_rep_id_number=_check_id_number(legal_rep_id_number),
        contact_name=_clean_text(contact_name),
        contact_phone=_clean_text(contact_phone),
        contact_email=contact_email,
        main_products=_clean_text(main_products),
        status=Enterprise.Status.VERIFIED,
        verified_at=timezone.now(),
        verified_by=actor,
    )
    _open_assignment(
        enterprise=enterprise,
        unit=unit_obj,
        actor=actor,
        reason=_("Registered"),
        valid_from=timezone.localdate(),
    )
    audit_record(
        actor=actor, action="enterprise.create", obj=enterprise, after=_snapshot(enterprise)
    )
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: User, enterprise: Enterprise, changes: Mapping[str, Any]
) -> Enterprise:
    """Edit an enterprise: staff within jurisdiction; its own user only contacts and products."""
    _require_content_editor(actor, enterprise)
    allowed = STAFF_EDITABLE_FIELDS if _is_staff(actor) else SELF_EDITABLE_FIELDS
    refused = sorted(set(changes) - allowed)
    if refused:
        message = _("These fields cannot be changed here: %(fields)s") % {
            "fields": ", ".join(refused)
        }
        raise EnterpriseError(
            EnterpriseErrorCode.FIELD_NOT_EDITABLE,
            message,
            dict.fromkeys(refused, _("Not editable.")),
        )
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = _snapshot(enterprise)
    if "unit" in changes:
        new_unit = _resolve_unit(changes["unit"])
        if new_unit.pk != enterprise.unit_id:
            message = _("Use “Change unit” to move an enterprise to another unit.")
            raise EnterpriseError(
                EnterpriseErrorCode.UNIT_CHANGE_NEEDS_ASSIGNMENT, message, {"unit": message}
            )
    if "credit_code" in changes or "checksum_override_reason" in changes:
        code, reason = _validated_credit_code(
            raw=changes.get("credit_code", enterprise.credit_code),
            actor=actor,
            override_reason=changes.get(
                "checksum_override_reason", enterprise.checksum_override_reason
            ),
            exclude_pk=enterprise.pk,
        )
        enterprise.credit_code, enterprise.checksum_override_reason = code, reason
    if "name" in changes:
        enterprise.name = _require_name(changes["name"])
        enterprise.name_pinyin, enterprise.name_initials = pinyin_for(enterprise.name)
    industry_changed = False
    if "industry" in changes:
        industry = _resolve_industry(changes["industry"])
        new_id = industry.code if industry else None
        industry_changed = new_id != enterprise.industry_id
        enterprise.industry = industry
    if "established_on" in changes:
        _check_established(changes["established_on"])
        enterprise.established_on = changes["established_on"]
    if "legal_rep_id_number" in changes:
        enterprise.legal_rep_id_number = _check_id_number(changes["legal_rep_id_number"])
    for field in (
        "registered_address",
        "legal_representative",
        "contact_name",
        "contact_phone",
        "contact_email",
        "main_products",
    ):
        if field in changes:
            setattr(enterprise, field, _clean_text(changes[field]))
    _check_email(enterprise.contact_email, "contact_email")
    _check_lengths(
        Enterprise,
        {
            f: getattr(enterprise, f)
            for f in (
                "registered_address",
                "legal_representative",
                "contact_name",
                "contact_phone",
                "contact_email",
            )
        },
    )
    enterprise.save()
    if industry_changed:
        _refresh_size_class(enterprise)
    after = _snapshot(enterprise)
    if after != before:
        audit_record(
            actor=actor, action="enterprise.update", obj=enterprise, before=before, after=after
        )
    return enterprise


@transaction.atomic
def enterprise_assign_unit(
    *,
    actor: User,
    enterprise: Enterprise,
    unit: AssessmentUnit | str,
    reason: str,
    valid_from: date | None = None,
) -> UnitAssignment:
    """Move an enterprise to another unit (city officer only): close the old period, open a new one."""
    if not (getattr(actor, "is_authenticated", False) and actor.role == Role.CITY_OFFICER):
        raise EnterpriseNotFound()
    reason = _clean_text(reason)
    if not reason:
        message = _("Give the reason for the change of unit.")
        raise EnterpriseError(EnterpriseErrorCode.REASON_REQUIRED, message, {"reason": message})
    _check_lengths(UnitAssignment, {"reason": reason})
    unit_obj = _resolve_unit(unit)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if unit_obj.pk == enterprise.unit_id:
        message = _("The enterprise already belongs to this unit.")
        raise EnterpriseError(EnterpriseErrorCode.SAME_UNIT, message, {"unit": message})
    start = valid_from or timezone.localdate()
    current = enterprise.unit_assignments.filter(valid_to__isnull=True).order_by("-valid_from")
    for previous in current:
        if previous.valid_from > start:
            message = _("The new period cannot start before the current one (%(date)s).") % {
                "date": previous.valid_from.isoformat()
            }
            raise EnterpriseError(
                EnterpriseErrorCode.VALID_FROM_TOO_EARLY, message, {"valid_from": message}
            )
        previous.valid_to = start
        previous.save(update_fields=["valid_to"])
    before = {"unit": enterprise.unit.code}
    assignment = _open_assignment(
        enterprise=enterprise, unit=unit_obj, actor=actor, reason=reason, valid_from=start
    )
    enterprise.unit = unit_obj
    enterprise.save(update_fields=["unit", "updated_at"])
    audit_record(
        actor=actor,
        action="enterprise.assign_unit",
        obj=enterprise,
        before=before,
        after={"unit": unit_obj.code, "valid_from": start, "reason": reason},
    )
    return assignment


@transaction.atomic
def enterprise_register(
    *,
    credit_code: str,
    name: str,
    unit: AssessmentUnit | str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    username: str,
    password: str,
) -> tuple[Enterprise, User]:
    """Public self-registration: a pending enterprise plus its first user, verified later by its unit."""
    code, _reason = _validated_credit_code(raw=credit_code, actor=None, override_reason="")
    name = _require_name(name)
    unit_obj = _resolve_unit(unit)
    contact_name = _clean_text(contact_name)
    contact_phone = _clean_text(contact_phone)
    contact_email = _clean_text(contact_email)
    username = _clean_text(username)
    required = {
        "contact_name": (contact_name, _("Enter the contact person.")),
        "contact_phone": (contact_phone, _("Enter the contact phone.")),
        "username": (username, _("Choose a user name.")),
    }
    for field, (value, message) in required.items():
        if not value:
            raise EnterpriseError(f"{field}_required", message, {field: message})
    if not re.fullmatch(r"[\w.@+-]{3,150}", username):
        message = _("User names use 3-150 letters, digits and @ . + - _ only.")
        raise EnterpriseError(EnterpriseErrorCode.USERNAME_INVALID, message, {"username": message})
    if User.objects.filter(username__iexact=username).exists():
        message = _("This user name is taken; choose another.")
        raise EnterpriseConflict(EnterpriseErrorCode.USERNAME_TAKEN, message, {"username": message})
    _check_email(contact_email, "contact_email")
    _check_lengths(
        Enterprise,
        {
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "contact_email": contact_email,
        },
    )
    candidate = User(username=username, email=contact_email, full_name=contact_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        message = " ".join(str(m) for m in error.messages)
        raise EnterpriseError(
            EnterpriseErrorCode.PASSWORD_TOO_WEAK, message, {"password": message}
        ) from None
    pinyin, initials = pinyin_for(name)
    enterprise = Enterprise.objects.create(
        credit_code=code,
        name=name,
        name_pinyin=pinyin,
        name_initials=initials,
        unit=unit_obj,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        status=Enterprise.Status.PENDING,
    )
    _open_assignment(
        enterprise=enterprise,
        unit=unit_obj,
        actor=None,
        reason=_("Self-registration"),
        valid_from=timezone.localdate(),
    )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=password,
                email=contact_email,
                full_name=contact_name,
                phone=contact_phone,
                role=Role.ENTERPRISE,
                enterprise=enterprise,
            )
    except IntegrityError:
        message = _("This user name is taken; choose another.")
        raise EnterpriseConflict(
            EnterpriseErrorCode.USERNAME_TAKEN, message, {"username": message}
        ) from None
    audit_record(
        actor=None,
        username=username,
        action="enterprise.register",
        obj=enterprise,
        after={**_snapshot(enterprise), "username": username},
    )
    _notify_unit_of_registration(enterprise)
    return enterprise, user


def _notify_unit_of_registration(enterprise: Enterprise) -> None:
    """The unit's officers verify a self-registration, so they are told it is waiting."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from zjtx.core.notifications import notify

    notify(
        recipients=User.objects.filter(
            role=Role.UNIT_OFFICER, unit_id=enterprise.unit_id, is_active=True
        ),
        title=gettext_lazy("%(name)s has registered on the platform; verify its registration."),
        params={"name": enterprise.name},
        url=reverse("enterprises:detail", args=[enterprise.credit_code]),
        kind="registration",
    )


def enterprise_verify(*, actor: User, enterprise: Enterprise) -> Enterprise:
    """A unit officer of the enterprise's unit, or a city officer, confirms a self-registration."""
    return run(ENTERPRISE_VERIFICATION, enterprise, "verify", actor=actor)  # type: ignore[no-any-return]


def enterprise_reject(*, actor: User, enterprise: Enterprise, reason: str) -> Enterprise:
    """Refuse a self-registration; every return carries a written reason (DOMAIN §9)."""
    return run(  # type: ignore[no-any-return]
        ENTERPRISE_VERIFICATION, enterprise, "reject", actor=actor, reason=_clean_text(reason)
    )


def enterprise_export_record(*, actor: User, filters: Mapping[str, Any], count: int) -> None:
    """Exports leave a trace (留痕): who took which slice of the registry."""
    audit_record(
        actor=actor,
        action="enterprise.export",
        object_type="enterprises.enterprise",
        object_repr=_("Enterprise registry export"),
        after={"filters": dict(filters), "rows": count},
    )
