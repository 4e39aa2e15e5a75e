"""Public pages are cached whole for a short time, for visitors who are not logged in.

Keys carry a version number; publishing or withdrawing portal content bumps it (`pages_changed`),
so every cached page is dropped at once. Other apps' changes (a new 公示, a certification) show
within `PAGE_TTL` seconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

from zjtx.core.http import AuthedRequest

PAGE_TTL = 60
VERSION_KEY = "portal:pages:version"
# Long query strings are not cached: nobody shares them, and they would fill the cache.
MAX_CACHED_QUERY = 200


def pages_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY) or 1
    return int(version)


def pages_changed() -> None:
    """Drop every cached public page (called after content is published or withdrawn)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def page_key(request: AuthedRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"portal:page:{pages_version()}:{get_language()}:{digest}"


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve an anonymous GET from the cache; store a 200 answer for `PAGE_TTL` seconds."""

    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        cacheable = (
            request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
            and len(request.META.get("QUERY_STRING", "")) <= MAX_CACHED_QUERY
        )
        if not cacheable:
            return view(request, *args, **kwargs)
        key = page_key(request)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Portal-Cache"] = "hit"
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                render = getattr(response, "render", None)
                if render is not None and not getattr(response, "is_rendered", True):
                    render()
                cache.set(key, (response.content, response["Content-Type"]), PAGE_TTL)
            response["X-Portal-Cache"] = "miss"
        # Browsers ask again each time: publishing must show at once, and the server's copy
        # is what makes the page fast.
        response["Cache-Control"] = "no-cache"
        return response

    return wrapper
