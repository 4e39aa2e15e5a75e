"""The JSON API at /api/v1 (django-ninja). Errors are always {"code", "message", "fields"}."""

import logging

from django.conf import settings
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zjtx.accounts.auth import API_AUTH
from zjtx.core.edge import OUT_OF_RANGE_MESSAGE, new_incident, out_of_range
from zjtx.core.errors import DomainError, ErrorCode
from zjtx.core.openapi import ContractNinjaAPI

logger = logging.getLogger("zjtx.incident")

api = ContractNinjaAPI(
    title="ZJTX API",
    version="1.0.0",
    description="专精特新中小企业培育服务平台 API",
    urls_namespace="api",
    auth=API_AUTH,
    docs_url="/docs" if getattr(settings, "ZJTX_API_DOCS", True) else None,
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(
        request, {"code": str(code), "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


def _field_name(loc: list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file", "payload")]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields = {}
    for err in exc.errors:
        fields[_field_name(list(err.get("loc", [])))] = err.get("msg", "")
    return _error(
        request, 400, ErrorCode.INVALID_INPUT, _("The request has invalid fields."), fields
    )


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return _error(request, 401, ErrorCode.UNAUTHENTICATED, _("Log in or send a valid API token."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, ErrorCode.NOT_FOUND, _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, ErrorCode.HTTP_ERROR, str(exc))


@api.exception_handler(MultiPartParserError)
def bad_multipart(request, exc: MultiPartParserError):
    # A body the edge middleware did not parse (e.g. a PUT) and ninja found unreadable.
    message = _("The uploaded form could not be read (a file name may be too long); send it again.")
    return _error(request, 400, ErrorCode.BAD_MULTIPART, message)


@api.exception_handler(OverflowError)
def overflow(request, exc: OverflowError):
    return _error(request, 400, ErrorCode.NUMBER_OUT_OF_RANGE, _(OUT_OF_RANGE_MESSAGE))


@api.exception_handler(DataError)
def data_error(request, exc: DataError):
    """A number the database cannot hold is the caller's error; any other data error is not."""
    if out_of_range(exc):
        return _error(request, 400, ErrorCode.NUMBER_OUT_OF_RANGE, _(OUT_OF_RANGE_MESSAGE))
    return internal_error(request, exc)


@api.exception_handler(Exception)
def internal_error(request, exc: Exception):
    """Anything unexpected: logged under an incident id the caller can quote. None should occur."""
    incident = getattr(request, "incident_id", None) or new_incident(request)
    logger.exception("incident %s: %s %s", incident, request.method, request.path)
    message = _(
        "Internal system error. Contact the administrator and quote incident number %(incident)s."
    ) % {"incident": incident}
    return _error(request, 500, ErrorCode.INTERNAL_ERROR, message, {"incident": incident})


def _register_routers() -> None:
    from zjtx.accounts.api import router as accounts_router
    from zjtx.assessment.api import router as assessment_router
    from zjtx.certification.api import router as certification_router
    from zjtx.core.api import router as core_router
    from zjtx.cultivation.api import router as cultivation_router
    from zjtx.enterprises.api import router as enterprises_router
    from zjtx.financing.api import router as financing_router
    from zjtx.monitoring.api import router as monitoring_router
    from zjtx.policy.api import router as policy_router
    from zjtx.portal.api import router as portal_router
    from zjtx.reference.api import router as reference_router
    from zjtx.reports.api import router as reports_router
    from zjtx.servicedesk.api import router as servicedesk_router
    from zjtx.subsidies.api import router as subsidies_router

    api.add_router("/", accounts_router)
    api.add_router("/", core_router)
    api.add_router("/", reference_router)
    api.add_router("/", enterprises_router)
    api.add_router("/", monitoring_router)
    api.add_router("/", policy_router)
    api.add_router("/", certification_router)
    api.add_router("/", subsidies_router)
    api.add_router("/", financing_router)
    api.add_router("/", servicedesk_router)
    api.add_router("/", cultivation_router)
    api.add_router("/", assessment_router)
    api.add_router("/", reports_router)
    api.add_router("/", portal_router)


_register_routers()
