"""Writes: load rule packages from policies/ into the database, and record evaluations.

packages      loading policies/: read, self-test, store a new version per changed package
evaluations   stored evaluations (the calculator's record) and declared facts
"""

from .evaluations import calculator_record, evaluation_record, facts_declare
from .packages import POLICIES_DIR, LoadReport, policies_load

__all__ = [
    "POLICIES_DIR",
    "LoadReport",
    "calculator_record",
    "evaluation_record",
    "facts_declare",
    "policies_load",
]
