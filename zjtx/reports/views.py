"""Pages of the reports app: thin, everything scoped in selectors."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from . import selectors

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def report_file_response(report, kind: str) -> FileResponse:  # type: ignore[no-untyped-def]
    """A report's Word or PDF file as an attachment named by year (generated, never uploaded)."""
    if kind not in CONTENT_TYPES:
        raise Http404
    field = report.docx if kind == "docx" else report.pdf
    if not field:
        raise Http404
    try:
        handle: IO[bytes] = field.open("rb")
    except (OSError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"zjtx-annual-report-{report.year}.{kind}",
        content_type=CONTENT_TYPES[kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def public_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """Anyone may download a published annual report; unpublished ones do not exist (404)."""
    report = selectors.published_report_get(pk=pk)
    return report_file_response(report, kind)
