import uuid

from . import context


def client_ip(request) -> str | None:  # type: ignore[no-untyped-def]
    # Behind nginx the proxy sets X-Real-IP; REMOTE_ADDR otherwise.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")


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
