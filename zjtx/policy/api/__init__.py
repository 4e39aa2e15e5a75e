"""Policy API: programs with their facts and dated parameters, and stateless evaluation.

Amounts travel as decimal strings in 元. Bad input is a 400 naming the field, e.g.
{"facts.first_set_category": "..."}. Evaluation and the calculator write nothing; scans and
parameter changes go through the same services as the pages (scoped, audited).

The endpoint modules register themselves on `router` when imported here, in this order.
"""

# isort: off
from . import programs, evaluate, calculator, scans, changes  # noqa: F401

# isort: on
from ._router import router

__all__ = ["router"]
