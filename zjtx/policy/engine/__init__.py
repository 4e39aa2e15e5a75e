"""The pure rule engine: packages, a sandboxed expression language, evaluation with traces.

Imports nothing from Django, so it can run in a scan over thousands of enterprises, in a
management command or in a plain unit test alike.
"""

from .build import package_from_dict
from .evaluate import (
    IndicatorPoints,
    PreparedFacts,
    Result,
    TraceStep,
    UnknownFact,
    evaluate,
    prepare_facts,
)
from .expr import ExpressionError, Unknown
from .facts import FACT_TYPES, FactError, FactSpec
from .package import Package, PackageError
from .yamlio import (
    Case,
    CaseFailure,
    PackageFile,
    checksum,
    load_yaml,
    package_from_text,
    read_directory,
    read_package_file,
    run_cases,
)

__all__ = [
    "FACT_TYPES",
    "Case",
    "CaseFailure",
    "ExpressionError",
    "FactError",
    "FactSpec",
    "IndicatorPoints",
    "Package",
    "PackageError",
    "PackageFile",
    "PreparedFacts",
    "Result",
    "TraceStep",
    "Unknown",
    "UnknownFact",
    "checksum",
    "evaluate",
    "load_yaml",
    "package_from_dict",
    "package_from_text",
    "prepare_facts",
    "read_directory",
    "read_package_file",
    "run_cases",
]
