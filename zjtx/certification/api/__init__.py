"""Certification API (/api/v1/certification/…) and the public 公示/objection/verification endpoints.

Outside a caller's scope every object is 404; a transition that is not allowed is 409 with a code.
The endpoint modules register themselves on `router` when imported here.
"""

from . import applications, experts, management, public, steps  # noqa: F401
from ._router import router

__all__ = ["router"]
