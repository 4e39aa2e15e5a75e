"""IP rights and honours held by an enterprise."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.core import credit_code as uscc
from zjtx.core.audit import audit_record, model_snapshot

from ..errors import EnterpriseConflict, EnterpriseError, EnterpriseErrorCode
from ..models import Enterprise, Honour, IPAsset
from ._common import (
    _check_lengths,
    _clean_text,
    _require_content_editor,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


# ---------------------------------------------------------------- IP and honours

IP_FIELDS = (
    "ip_class",
    "kind",
    "number",
    "title",
    "grant_date",
    "high_value",
    "self_developed",
    "related_to_main_product",
)
HONOUR_FIELDS = ("kind", "level", "name", "awarded_on", "valid_until", "value")


@transaction.atomic
def ip_asset_add(
    *,
    actor: User,
    enterprise: Enterprise,
    ip_class: str,
    kind: str,
    number: str,
    title: str = "",
    grant_date: date | None = None,
    high_value: bool = False,
    self_developed: bool = True,
    related_to_main_product: bool = True,
) -> IPAsset:
    """Record a patent, copyright or other IP right held by the enterprise."""
    _require_content_editor(actor, enterprise)
    if ip_class not in IPAsset.IPClass.values:
        message = _("Choose Class I or Class II.")
        raise EnterpriseError(EnterpriseErrorCode.IP_CLASS_INVALID, message, {"ip_class": message})
    if kind not in IPAsset.Kind.values:
        message = _("Choose a valid kind of IP.")
        raise EnterpriseError(EnterpriseErrorCode.IP_KIND_INVALID, message, {"kind": message})
    number = uscc.normalize(number)
    if not number:
        message = _("Enter the registration or patent number.")
        raise EnterpriseError(EnterpriseErrorCode.IP_NUMBER_REQUIRED, message, {"number": message})
    if grant_date and grant_date > timezone.localdate():
        message = _("The grant date cannot be in the future.")
        raise EnterpriseError(EnterpriseErrorCode.DATE_IN_FUTURE, message, {"grant_date": message})
    _check_lengths(IPAsset, {"number": number, "title": _clean_text(title)})
    if IPAsset.objects.filter(enterprise=enterprise, kind=kind, number=number).exists():
        message = _("This IP right is already recorded.")
        raise EnterpriseConflict(
            EnterpriseErrorCode.DUPLICATE_IP_NUMBER, message, {"number": message}
        )
    asset = IPAsset.objects.create(
        enterprise=enterprise,
        ip_class=ip_class,
        kind=kind,
        number=number,
        title=_clean_text(title),
        grant_date=grant_date,
        high_value=high_value,
        self_developed=self_developed,
        related_to_main_product=related_to_main_product,
    )
    audit_record(
        actor=actor, action="enterprise.ip_add", obj=asset, after=model_snapshot(asset, IP_FIELDS)
    )
    return asset


@transaction.atomic
def ip_asset_delete(*, actor: User, ip_asset: IPAsset) -> None:
    """Remove an IP right recorded by mistake or no longer held."""
    _require_content_editor(actor, ip_asset.enterprise)
    audit_record(
        actor=actor,
        action="enterprise.ip_delete",
        obj=ip_asset,
        before=model_snapshot(ip_asset, IP_FIELDS),
    )
    ip_asset.delete()


@transaction.atomic
def honour_add(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    name: str,
    level: str = "",
    awarded_on: date | None = None,
    valid_until: date | None = None,
    value: str = "",
) -> Honour:
    """Record a title or qualification (高新技术企业, technology centre, 首台套 …)."""
    _require_content_editor(actor, enterprise)
    if kind not in Honour.Kind.values:
        message = _("Choose a valid kind of honour.")
        raise EnterpriseError(EnterpriseErrorCode.HONOUR_KIND_INVALID, message, {"kind": message})
    if level not in Honour.Level.values:
        message = _("Choose a valid level.")
        raise EnterpriseError(EnterpriseErrorCode.HONOUR_LEVEL_INVALID, message, {"level": message})
    name = _clean_text(name)
    if not name:
        message = _("Enter the name of the honour.")
        raise EnterpriseError(EnterpriseErrorCode.HONOUR_NAME_REQUIRED, message, {"name": message})
    _check_lengths(Honour, {"name": name, "value": _clean_text(value)})
    if awarded_on and awarded_on > timezone.localdate():
        message = _("The award date cannot be in the future.")
        raise EnterpriseError(EnterpriseErrorCode.DATE_IN_FUTURE, message, {"awarded_on": message})
    if awarded_on and valid_until and valid_until < awarded_on:
        message = _("“Valid until” cannot be earlier than the award date.")
        raise EnterpriseError(
            EnterpriseErrorCode.VALIDITY_BEFORE_AWARD, message, {"valid_until": message}
        )
    honour = Honour.objects.create(
        enterprise=enterprise,
        kind=kind,
        level=level,
        name=name,
        awarded_on=awarded_on,
        valid_until=valid_until,
        value=_clean_text(value),
    )
    audit_record(
        actor=actor,
        action="enterprise.honour_add",
        obj=honour,
        after=model_snapshot(honour, HONOUR_FIELDS),
    )
    return honour


@transaction.atomic
def honour_delete(*, actor: User, honour: Honour) -> None:
    """Remove an honour recorded by mistake."""
    _require_content_editor(actor, honour.enterprise)
    audit_record(
        actor=actor,
        action="enterprise.honour_delete",
        obj=honour,
        before=model_snapshot(honour, HONOUR_FIELDS),
    )
    honour.delete()
