import ipaddress
import logging
import re
import time
import uuid
from functools import lru_cache

from django.conf import settings

from . import context

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: str | None) -> bool:
    proxies = tuple(getattr(settings, "ZJTX_TRUSTED_PROXIES", ()) or ())
    ip = _parse(address or "")
    return ip is not None and any(ip in net for net in _networks(proxies))


def client_ip(request) -> str | None:  # type: ignore[no-untyped-def]
    """The client's address for the audit trail and the lockout log.

    X-Real-IP and X-Forwarded-For are believed only when the peer is a configured proxy
    (ZJTX_TRUSTED_PROXIES); anyone else could write any address into them. From
    X-Forwarded-For the right-most entry that is not itself a trusted proxy is taken, since
    entries to its left were written by the client.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not _trusted(remote):
        return remote
    real = _parse(request.META.get("HTTP_X_REAL_IP", ""))
    if real is not None:
        return str(real)
    forwarded = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    for entry in reversed(forwarded):
        ip = _parse(entry)
        if ip is None:
            break  # a garbled hop: trust nothing further left
        if not _trusted(str(ip)):
            return str(ip)
    return remote


# A request id from nginx ($request_id) or another proxy is kept when it looks like one.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("zjtx.request")


def request_id_for(request) -> str:  # type: ignore[no-untyped-def]
    """The proxy's X-Request-ID when a trusted proxy sent a well-formed one, else a new id."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    if incoming and _REQUEST_ID.match(incoming) and _trusted(request.META.get("REMOTE_ADDR")):
        return str(incoming)
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Client address and request id for services and logs; X-Request-ID on every answer;
    one access line (zjtx.request, path without the query string) and the request metrics."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        from .logging import access_fields
        from .metrics import request_observed

        started = time.perf_counter()
        request_id = request_id_for(request)
        request.request_id = request_id
        token = context.set_current(
            context.RequestContext(ip=client_ip(request), request_id=request_id)
        )
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            seconds = time.perf_counter() - started
            request_observed(method=request.method or "", status=status, seconds=seconds)
            user = getattr(request, "user", None)
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra=access_fields(
                    method=request.method or "",
                    path=request.path,
                    status=status,
                    ms=seconds * 1000,
                    user_id=getattr(user, "pk", None),
                ),
            )
            context.reset(token)
