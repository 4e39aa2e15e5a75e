"""Reads: programs, their current compiled packages, and evaluating facts against them.

packages      compiled packages, programs and their facts
evaluations   checked facts, programs evaluated against them, stored evaluations
"""

from .evaluations import (
    evaluate_checked,
    evaluation_list_for_enterprise,
    facts_validate,
    programs_evaluate,
)
from .packages import (
    BANK_PRODUCT_PREFIX,
    fact_specs,
    package_for,
    packages_current,
    packages_for_enterprises,
    program_get,
    program_list,
)

__all__ = [
    "BANK_PRODUCT_PREFIX",
    "evaluate_checked",
    "evaluation_list_for_enterprise",
    "fact_specs",
    "facts_validate",
    "package_for",
    "packages_current",
    "packages_for_enterprises",
    "program_get",
    "program_list",
    "programs_evaluate",
]
