"""Cultivation pools and talent: the JSON API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cultivation"])
