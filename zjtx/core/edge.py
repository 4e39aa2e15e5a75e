"""The edge: refuse input no view can store before any view, CSRF check or query sees it.

PostgreSQL cannot store U+0000 in text, so a NUL anywhere in the path, the query string, a
form field, an uploaded file's name or a JSON body is refused here with a 400, for anonymous
visitors too. A malformed multipart body (no boundary, broken headers) is a 400 rather than the
MultiPartParserError Django raises lazily on the first read of request.POST. Uploaded file
contents are never inspected (binary files hold NUL bytes legitimately).

An unexpected exception gets an incident id that is logged and shown on the error page.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .errors import ErrorCode

logger = logging.getLogger("zjtx.incident")

NUL = "\x00"
# The longest file name any upload field accepts (file systems and the FileField columns).
MAX_FILE_NAME = 255
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EXPECTED = (Http404, PermissionDenied, SuspiciousOperation, BadRequest)


def out_of_range(exception: BaseException) -> bool:
    """A number the database cannot hold (an id of 30 digits in a URL): SQLite's driver raises
    OverflowError, PostgreSQL numeric_value_out_of_range (SQLSTATE 22003). Other data errors
    are defects and stay incidents."""
    if isinstance(exception, OverflowError):
        return True
    if isinstance(exception, DataError):
        cause = exception.__cause__
        return getattr(cause, "sqlstate", None) == "22003" or getattr(cause, "pgcode", None) == (
            "22003"
        )
    return False


OUT_OF_RANGE_MESSAGE = "The request holds a number larger than the system accepts (an id or count)."


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def new_incident(request: HttpRequest | None = None) -> str:
    """A fresh incident id, remembered on the request so the error page can show it."""
    incident = uuid.uuid4().hex
    if request is not None:
        request.incident_id = incident  # type: ignore[attr-defined]
    return incident


def _json_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every (field path, text) in a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield path or "body", value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, str(key)
            yield from _json_strings(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}[{index}]" if path else f"[{index}]")


def _is_form(request: HttpRequest) -> bool:
    return request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded")


def _body_fields(request: HttpRequest) -> list[str]:
    """The JSON (or text) body's fields holding a NUL; the body is read once and cached."""
    if request.method not in BODY_METHODS or _is_form(request):
        return []
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length <= 0 or (limit is not None and length > limit):
        return []
    body = request.body
    if b"\\u0000" in body:
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if document is not None:
            found = [path for path, text in _json_strings(document, "") if NUL in text]
            if found:
                return found
    content_type = request.content_type or ""
    if b"\x00" in body and (content_type.endswith("json") or content_type.startswith("text/")):
        return ["body"]
    return []


class _FileNameCheck(FileUploadHandler):
    """Notes the fields whose file name is too long before Django silently truncates it."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.too_long: list[str] = []

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        if len(file_name or "") > MAX_FILE_NAME:
            self.too_long.append(field_name)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _form_fields(request: HttpRequest) -> tuple[list[str], list[str]]:
    """(fields holding a NUL, file fields whose file name is too long). Parses the form."""
    names = _FileNameCheck(request)
    if request.content_type == "multipart/form-data":
        request.upload_handlers = [names, *request.upload_handlers]
    nul: list[str] = []
    for key, values in request.POST.lists():
        if NUL in key or any(NUL in v for v in values):
            nul.append(key.replace(NUL, "\\0"))
    for key, files in request.FILES.lists():
        if NUL in key or any(NUL in (upload.name or "") for upload in files):
            nul.append(key.replace(NUL, "\\0"))
    return nul, names.too_long


class EdgeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.check(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        fields: dict[str, str] = {}
        nul_message = _("Contains a NUL character (U+0000), which is not allowed.")
        if NUL in request.path_info:
            fields["path"] = nul_message
        for key, values in request.GET.lists():
            if NUL in key or any(NUL in v for v in values):
                fields[key.replace(NUL, "\\0")] = nul_message
        if fields:
            return self.nul_byte(request, fields)
        if request.method == "POST" and _is_form(request):
            try:
                nul, too_long = _form_fields(request)
            except MultiPartParserError:
                return self.bad_multipart(request)
            if nul:
                return self.nul_byte(request, {name: nul_message for name in nul})
            if too_long:
                message = _("The file name is longer than %(limit)s characters.") % {
                    "limit": MAX_FILE_NAME
                }
                return self.refuse(
                    request,
                    ErrorCode.FILE_NAME_TOO_LONG,
                    message,
                    {name: message for name in too_long},
                )
        else:
            found = _body_fields(request)
            if found:
                return self.nul_byte(request, {name: nul_message for name in found})
        return None

    def bad_multipart(self, request: HttpRequest) -> HttpResponse:
        return self.refuse(
            request,
            ErrorCode.BAD_MULTIPART,
            _("The uploaded form could not be read (a file name may be too long); send it again."),
            {},
        )

    def nul_byte(self, request: HttpRequest, fields: dict[str, str]) -> HttpResponse:
        return self.refuse(
            request,
            ErrorCode.NUL_BYTE,
            _("The request contains a NUL character (U+0000), which is not allowed."),
            fields,
        )

    def refuse(
        self, request: HttpRequest, code: ErrorCode, message: str, fields: dict[str, str]
    ) -> HttpResponse:
        if is_api(request):
            return JsonResponse(
                {"code": str(code), "message": message, "fields": fields}, status=400
            )
        html = render_to_string(
            "core/400.html", {"message": message, "fields": sorted(fields.items())}
        )
        return HttpResponseBadRequest(html)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Give an unexpected exception an incident id, logged with it; the 500 page shows it."""
        if isinstance(exception, MultiPartParserError):
            # Raised lazily when a view is the first to read a body the edge did not parse.
            return self.bad_multipart(request)
        if isinstance(exception, EXPECTED):
            return None  # Django answers these with a 4xx itself
        if out_of_range(exception):
            logger.info("number out of range: %s %s", request.method, request.path)
            return self.refuse(request, ErrorCode.NUMBER_OUT_OF_RANGE, _(OUT_OF_RANGE_MESSAGE), {})
        incident = getattr(request, "incident_id", None) or new_incident(request)
        logger.error(
            "incident %s: %s %s",
            incident,
            request.method,
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        return None
