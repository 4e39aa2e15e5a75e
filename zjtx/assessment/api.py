"""Annual assessment of units: the JSON API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["assessment"])
