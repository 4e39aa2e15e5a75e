import ipaddress
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


class RequestContextMiddleware:
    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        token = context.set_current(
            context.RequestContext(ip=client_ip(request), request_id=uuid.uuid4().hex)
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
