"""Writes to the enterprise registry. Every change is validated, scoped and audited."""

from ..pinyin import pinyin_for
from .enterprises import (
    enterprise_assign_unit,
    enterprise_create,
    enterprise_export_record,
    enterprise_register,
    enterprise_reject,
    enterprise_update,
    enterprise_verify,
)
from .financials import (
    financial_blanked,
    financial_delete,
    financial_upsert,
    financial_verify,
    financial_year_to_add,
)
from .holdings import honour_add, honour_delete, ip_asset_add, ip_asset_delete

__all__ = [
    "enterprise_assign_unit",
    "enterprise_create",
    "enterprise_export_record",
    "enterprise_register",
    "enterprise_reject",
    "enterprise_update",
    "enterprise_verify",
    "financial_blanked",
    "financial_delete",
    "financial_upsert",
    "financial_verify",
    "financial_year_to_add",
    "honour_add",
    "honour_delete",
    "ip_asset_add",
    "ip_asset_delete",
    "pinyin_for",
]
