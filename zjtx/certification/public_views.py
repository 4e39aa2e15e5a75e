"""Public pages (no login): the 公示 list with a countdown and objection form, certificate checks."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.core.errors import DomainError, NotFound

from . import selectors, services


def notices(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [
        (
            n,
            selectors.notice_is_open(notice=n, today=today),
            selectors.notice_remaining_working_days(notice=n, today=today),
        )
        for n in selectors.notice_list_public()[:50]
    ]
    return render(
        request,
        "certification/public/notices.html",
        {"rows": rows, "decisions": selectors.decision_list_public()[:20]},
    )


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = selectors.notice_get_public(pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    today = timezone.localdate()
    is_open = selectors.notice_is_open(notice=notice, today=today)
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        upload = request.FILES.get("evidence")
        try:
            services.objection_lodge(
                notice=notice,
                application_id=int(request.POST.get("application") or 0),
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
                organisation=request.POST.get("organisation", ""),
                text=request.POST.get("text", ""),
                evidence=upload.read(services.MATERIAL_MAX_BYTES + 1) if upload else None,
                evidence_name=upload.name or "" if upload else "",
            )
        except (DomainError, ValueError) as error:
            message = (
                error.message if isinstance(error, DomainError) else _("Choose an enterprise.")
            )
            detail = "；".join(error.fields.values()) if isinstance(error, DomainError) else ""
            messages.error(request, f"{message} {detail}".strip())
        else:
            messages.success(
                request, _("Your objection was received. The bureau will contact you by phone.")
            )
            return redirect("certification_public:notice", notice.pk)
    return render(
        request,
        "certification/public/notice.html",
        {
            "notice": notice,
            "entries": selectors.notice_applications(notice=notice),
            "open": is_open,
            "remaining": selectors.notice_remaining_working_days(notice=notice, today=today),
            "form": form,
        },
    )


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The published list of a certification decision (认定名单)."""
    try:
        document = selectors.decision_get_public(pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    entries = selectors.decision_entries(document=document)
    if request.GET.get("format") == "docx":
        from .documents import decision_docx

        response = HttpResponse(
            decision_docx(document, list(entries)),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = 'attachment; filename="decision.docx"'
        return response
    return render(
        request,
        "certification/public/decision.html",
        {"document": document, "entries": entries},
    )


def certificate(request: HttpRequest, number: str) -> HttpResponse:
    try:
        app = selectors.certificate_get_public(number=number)
    except NotFound:
        return render(
            request, "certification/public/certificate.html", {"number": number}, status=404
        )
    return render(
        request,
        "certification/public/certificate.html",
        {"number": number, "app": app, "state": selectors.certificate_state(application=app)},
    )
