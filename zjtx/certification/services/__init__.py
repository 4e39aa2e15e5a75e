"""Writes for certification. Every status change runs through the workflow engine (`workflow.py`).

Procedure: DOMAIN.md §2.10 (Anhui and MIIT rules); quota 50 a year from the Wuhu
implementation opinions 三(四); 公示 of 5 working days and 发文字号 from DOMAIN.md §9.
"""

from ._common import (
    AWARD_PROGRAM,
    BAR_YEARS,
    CERTIFICATE_SERIES,
    FORM_SCHEMA_VERSION,
    MAGIC,
    MATERIAL_MAX_BYTES,
    VALID_YEARS,
    certificate_valid_until,
)
from .applications import (
    application_create,
    application_delete,
    application_update_data,
    form_schema_build,
    material_delete,
    material_upload,
    registry_prefill,
    rereview,
    self_assess,
)
from .experts import (
    ASSIGNABLE_STATES,
    AssignmentReport,
    ScoreIn,
    assignment_decline,
    assignment_remove,
    expert_assign,
    expert_profile_save,
    expert_relation_declare,
    experts_assign_auto,
    scores_submit,
)
from .lifecycle import (
    CHANGE_REPORT_MONTHS,
    annual_update_submit,
    change_report_handle,
    change_report_submit,
    expiry_reminders_send,
    round_certify,
)
from .notices import (
    notice_publish,
    objection_handle,
    objection_lodge,
)
from .rounds import (
    ROUND_FIELDS,
    round_copy,
    round_create,
    round_set_status,
    round_update,
)
from .transitions import (
    BatchReport,
    Decision,
    application_transition,
    applications_decide,
    applications_transition_batch,
)

__all__ = [
    "ASSIGNABLE_STATES",
    "AWARD_PROGRAM",
    "BAR_YEARS",
    "CERTIFICATE_SERIES",
    "CHANGE_REPORT_MONTHS",
    "FORM_SCHEMA_VERSION",
    "MAGIC",
    "MATERIAL_MAX_BYTES",
    "ROUND_FIELDS",
    "VALID_YEARS",
    "AssignmentReport",
    "BatchReport",
    "Decision",
    "ScoreIn",
    "annual_update_submit",
    "application_create",
    "application_delete",
    "application_transition",
    "application_update_data",
    "applications_decide",
    "applications_transition_batch",
    "assignment_decline",
    "assignment_remove",
    "certificate_valid_until",
    "change_report_handle",
    "change_report_submit",
    "expert_assign",
    "expert_profile_save",
    "expert_relation_declare",
    "experts_assign_auto",
    "expiry_reminders_send",
    "form_schema_build",
    "material_delete",
    "material_upload",
    "notice_publish",
    "objection_handle",
    "objection_lodge",
    "registry_prefill",
    "rereview",
    "round_certify",
    "round_copy",
    "round_create",
    "round_set_status",
    "round_update",
    "scores_submit",
    "self_assess",
]
