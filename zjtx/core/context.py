"""Per-request facts (IP, request id) that services read without taking `request`."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    request_id: str = ""


_current: ContextVar[RequestContext | None] = ContextVar("zjtx_request", default=None)


def current() -> RequestContext:
    """The request's context; outside a request (commands, tasks) an empty one."""
    return _current.get() or RequestContext()


def set_current(ctx: RequestContext):  # type: ignore[no-untyped-def]
    return _current.set(ctx)


def reset(token) -> None:  # type: ignore[no-untyped-def]
    _current.reset(token)
