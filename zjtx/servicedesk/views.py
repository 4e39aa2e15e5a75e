"""Service-centre pages: file a request, my requests and queues, the 督办 list, a request's page
(timeline, clocks, enterprise profile, applicable policies), figures and Excel, providers and
ranking, events with QR check-in, the knowledge base and the clusters' "五个一"."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_export
from zjtx.core.errors import DomainError, ErrorCode
from zjtx.core.http import AuthedRequest
from zjtx.core.workflow import actions_for
from zjtx.core.xlsx import XLSX_CONTENT_TYPE, build_table_xlsx
from zjtx.enterprises import selectors as enterprise_selectors
from zjtx.partners.models import ServiceProvider

from . import events as event_services
from . import knowledge, selectors, services, stats
from . import providers as provider_services
from .models import (
    Article,
    Category,
    ExtensionRequest,
    FeePolicy,
    ProviderListing,
    Satisfaction,
    ServiceEvent,
    ServiceRequest,
)
from .workflow import CLOCK_LABELS, SERVICE_REQUEST

OFFICERS = (Role.CITY_OFFICER, Role.UNIT_OFFICER)
REQUEST_ROLES = (Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE, Role.PROVIDER)


def _role(request: AuthedRequest) -> str:
    return str(getattr(request.user, "role", ""))


def _require(request: AuthedRequest, *roles: str) -> None:
    require_role(request.user, *roles, hide=True)


# ------------------------------------------------------------------ requests


@login_required
def request_list(request: AuthedRequest) -> HttpResponse:
    _require(request, *REQUEST_ROLES)
    status = request.GET.get("status") or None
    mine = request.GET.get("queue") == "1"
    qs = (
        selectors.request_queue_for(user=request.user)
        if mine
        else selectors.request_list_for(user=request.user, status=status)
    )
    return render(
        request,
        "servicedesk/list.html",
        {
            "requests": qs[:200],
            "status": status or "",
            "queue": mine,
            "statuses": ServiceRequest.Status.choices,
            "can_file": _role(request) in (Role.ENTERPRISE, Role.UNIT_OFFICER, Role.CITY_OFFICER),
            "today": timezone.localdate(),
        },
    )


@login_required
def overdue_list(request: AuthedRequest) -> HttpResponse:
    _require(request, *OFFICERS)
    return render(
        request,
        "servicedesk/overdue.html",
        {
            "requests": selectors.overdue_list_for(user=request.user)[:100],
            "extensions": selectors.extension_pending_list()
            if _role(request) == Role.CITY_OFFICER
            else [],
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_create(request: AuthedRequest) -> HttpResponse:
    _require(request, Role.ENTERPRISE, Role.UNIT_OFFICER, Role.CITY_OFFICER)
    role = _role(request)
    values = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if role == Role.ENTERPRISE:
                enterprise = enterprise_selectors.enterprise_for_user(user=request.user)
            else:
                enterprise = enterprise_selectors.enterprise_get_for(
                    user=request.user, credit_code=values.get("enterprise", "").strip()
                )
        except Http404:
            errors["enterprise"] = _("No enterprise with this credit code in your jurisdiction.")
        else:
            files = [(f.name or "", f.read()) for f in request.FILES.getlist("files")[:5]]
            try:
                created = services.request_file(
                    enterprise=enterprise,
                    category=values.get("category", ""),
                    title=values.get("title", ""),
                    text=values.get("text", ""),
                    channel=values.get("channel", "online"),
                    attachments=files,
                    actor=request.user,
                )
            except DomainError as error:
                errors = dict(error.fields) or {"": error.message}
            else:
                messages.success(request, _("The request was filed."))
                return redirect("servicedesk:detail", pk=created.pk)
    return render(
        request,
        "servicedesk/create.html",
        {
            "categories": Category.choices,
            "channels": ServiceRequest.Channel.choices,
            "values": values,
            "errors": errors,
            "on_behalf": role != Role.ENTERPRISE,
        },
    )


@login_required
def article_suggest(request: AuthedRequest) -> HttpResponse:
    """The articles that may answer what the enterprise is typing (htmx fragment)."""
    text = (request.GET.get("text", "") + " " + request.GET.get("title", ""))[:300]
    found = (
        selectors.articles_suggested(text=text, category=request.GET.get("category", ""))
        if text.strip()
        else []
    )
    return render(request, "servicedesk/_suggestions.html", {"articles": found})


def _detail_context(request: AuthedRequest, found: ServiceRequest) -> dict[str, Any]:
    role = _role(request)
    offered = [
        (n, t)
        for n, t in actions_for(SERVICE_REQUEST, state=found.status, role=role)
        if n != "rate"
    ]
    if role not in (Role.CITY_OFFICER, Role.ENTERPRISE):
        offered = [(n, t) for n, t in offered if role == found.handler or n == "supplement"]
    is_handler = found.is_open and (role == Role.CITY_OFFICER or role == found.handler)
    officer = role in OFFICERS
    clocks = selectors.request_clocks(request=found)
    return {
        "req": found,
        "actions": offered,
        "can_rate": role == Role.ENTERPRISE and found.status == ServiceRequest.Status.CONFIRMED,
        "can_route": is_handler,
        "can_extend": is_handler and not found.extended,
        "can_callback": role == Role.CITY_OFFICER
        and found.status
        in (
            ServiceRequest.Status.ANSWERED,
            ServiceRequest.Status.CONFIRMED,
            ServiceRequest.Status.RATED,
        ),
        "pending_extension": found.extensions.filter(
            status=ExtensionRequest.Status.PENDING
        ).first(),
        "is_city": role == Role.CITY_OFFICER,
        "can_save_article": bool(found.answer)
        and role in (Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.PROVIDER),
        "route_targets": _route_targets(role),
        "clocks": [(c, CLOCK_LABELS.get(c.clock, c.clock)) for c in clocks],
        "events": found.events.select_related("actor", "provider"),
        "attachments": found.attachments.all(),
        "levels": Satisfaction.choices,
        "rating": getattr(found, "rating", None) if found.status == "rated" else None,
        "callbacks": found.callbacks.all() if officer else [],
        # An officer answers with the data on file: the profile and the policies that may apply.
        "profile": found.enterprise if role != Role.ENTERPRISE else None,
        "policies": selectors.policies_for(request=found)
        if officer or role == Role.PROVIDER
        else [],
        "attended": event_services.attendance_for_enterprise(enterprise_id=found.enterprise_id)[:5]
        if officer
        else [],
        "today": timezone.localdate(),
    }


def _route_targets(role: str) -> list[tuple[str, str]]:
    if role == Role.PROVIDER:
        return [("unit_officer", _("Unit officer"))]
    targets = [("unit_officer", _("Unit officer")), ("city_officer", _("City officer"))]
    targets += [
        (f"provider:{p.pk}", p.name) for p in ServiceProvider.objects.filter(is_active=True)
    ]
    return targets


@login_required
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(user=request.user, pk=pk)
    return render(request, "servicedesk/detail.html", _detail_context(request, found))


@require_POST
@login_required
def request_transition(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    found = selectors.request_get(user=request.user, pk=pk)
    try:
        services.request_transition(
            request=found, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("servicedesk:detail", pk=pk)


@require_POST
@login_required
def request_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(user=request.user, pk=pk)
    try:
        services.request_rate(
            request=found,
            level=request.POST.get("level", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for rating the service."))
    return redirect("servicedesk:detail", pk=pk)


@require_POST
@login_required
def request_route(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(user=request.user, pk=pk)
    target = request.POST.get("to", "")
    provider = None
    if target.startswith("provider:"):
        provider = ServiceProvider.objects.filter(
            pk=target.split(":", 1)[1] if target[9:].isdigit() else 0, is_active=True
        ).first()
        target = "provider"
    try:
        services.request_route(
            request=found,
            to=target,
            provider=provider,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request was handed over."))
    if not selectors.request_list_for(user=request.user).filter(pk=pk).exists():
        return redirect("servicedesk:list")
    return redirect("servicedesk:detail", pk=pk)


@require_POST
@login_required
def extension_ask(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(user=request.user, pk=pk)
    try:
        services.extension_request(
            request=found, reason=request.POST.get("reason", ""), actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The extension request was sent to the city."))
    return redirect("servicedesk:detail", pk=pk)


@require_POST
@login_required
def extension_decide(request: AuthedRequest, ext_id: int) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    ext = get_object_or_404(ExtensionRequest, pk=ext_id)
    try:
        services.extension_decide(
            extension=ext,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The extension request was decided."))
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("servicedesk:overdue")
    return redirect(target)


@require_POST
@login_required
def callback_add(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(user=request.user, pk=pk)
    try:
        services.callback_record(
            request=found,
            level=request.POST.get("level", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The call-back was recorded."))
    return redirect("servicedesk:detail", pk=pk)


# ------------------------------------------------------------------ figures


def _parse_day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def stats_page(request: AuthedRequest) -> HttpResponse:
    _require(request, *OFFICERS)
    group_by = request.GET.get("group_by", "category")
    if group_by not in stats.GROUPS:
        group_by = "category"
    date_from = _parse_day(request.GET.get("from", ""))
    date_to = _parse_day(request.GET.get("to", ""))
    try:
        rows = stats.stats_for(
            user=request.user, date_from=date_from, date_to=date_to, group_by=group_by
        )
    except DomainError as error:
        messages.error(request, error.message)
        rows = []
    if request.GET.get("format") == "xlsx":
        headers = [
            pgettext("figures", "Group"),
            _("Filed"),
            pgettext("requests", "Open"),
            _("Resolved"),
            _("Accepted on time (%)"),
            _("Replied on time (%)"),
            _("Resolved on time (%)"),
            _("Resolution rate (%)"),
            _("Satisfaction rate (%)"),
        ]
        body = [
            [
                r.label,
                r.filed,
                r.open,
                r.resolved,
                r.accept_rate,
                r.reply_rate,
                r.resolve_rate,
                r.resolution_rate,
                r.satisfaction_rate,
            ]
            for r in rows
        ]
        audit_export(
            actor=request.user,
            action="servicedesk.stats_export",
            object_type="servicedesk.servicerequest",
            count=len(body),
            filters={"group_by": group_by, "from": date_from, "to": date_to},
        )
        data = build_table_xlsx(
            title=str(_("Service requests")),
            unit_note=str(_("Rates in per cent")),
            headers=[str(h) for h in headers],
            rows=body,
            number_format="0.0",
        )
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="service-requests.xlsx"'
        return response
    return render(
        request,
        "servicedesk/stats.html",
        {
            "rows": rows,
            "total": stats.stats_total(rows),
            "group_by": group_by,
            "groups": [
                ("category", _("Category")),
                ("unit", _("Assessment unit")),
                ("provider", _("Service provider")),
                ("month", _("Month")),
            ],
            "date_from": date_from,
            "date_to": date_to,
            "top": stats.top_open_issues(user=request.user),
            "today": timezone.localdate(),
        },
    )


# ------------------------------------------------------------------ providers


@login_required
def provider_list(request: AuthedRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    year_n = (
        int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    )
    is_city = _role(request) == Role.CITY_OFFICER
    return render(
        request,
        "servicedesk/providers.html",
        {
            "listings": selectors.listing_list_for(user=request.user),
            "ranking": provider_services.provider_ranking(year=year_n),
            "year": year_n,
            "is_city": is_city,
            "can_join": _role(request) in (Role.PROVIDER, Role.CITY_OFFICER),
            "honour_levels": provider_services.ProviderHonour.Level.choices,
            "honours": provider_services.ProviderHonour.objects.select_related("provider")[:50]
            if is_city
            else [],
            "active_providers": ServiceProvider.objects.filter(is_active=True) if is_city else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def provider_join(request: AuthedRequest) -> HttpResponse:
    _require(request, Role.PROVIDER, Role.CITY_OFFICER)
    errors: dict[str, str] = {}
    values = request.POST
    if request.method == "POST":
        try:
            provider_services.listing_submit(
                actor=request.user,
                name=values.get("name", ""),
                credit_code_raw=values.get("credit_code", ""),
                platforms=values.getlist("platforms"),
                functions=values.getlist("functions"),
                fee_policy=values.get("fee_policy", ""),
                qualifications=values.get("qualifications", ""),
                fee_note=values.get("fee_note", ""),
                contact_name=values.get("contact_name", ""),
                contact_phone=values.get("contact_phone", ""),
            )
        except DomainError as error:
            errors = dict(error.fields) or {"": error.message}
        else:
            messages.success(request, _("The application to join was submitted for review."))
            return redirect("servicedesk:providers")
    return render(
        request,
        "servicedesk/provider_join.html",
        {
            "values": values,
            "errors": errors,
            "platforms": ServiceProvider.Platform.choices,
            "functions": [(c, Category(c).label) for c in Category.values[:8]],
            "fees": FeePolicy.choices,
        },
    )


@require_POST
@login_required
def provider_review(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    listing = get_object_or_404(ProviderListing, pk=pk)
    try:
        provider_services.listing_review(
            listing=listing,
            publish=request.POST.get("decision") == "publish",
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The application was decided."))
    return redirect("servicedesk:providers")


# ------------------------------------------------------------------ events


@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "servicedesk/events.html",
        {
            "events": selectors.event_list_for(user=request.user)[:200],
            "can_publish": _role(request) in event_services.PUBLISHERS,
            "kinds": ServiceEvent.Kind.choices,
            "is_enterprise": _role(request) == Role.ENTERPRISE,
        },
    )


@require_POST
@login_required
def event_create(request: AuthedRequest) -> HttpResponse:
    from django.utils.dateparse import parse_datetime

    starts = parse_datetime(request.POST.get("starts_at", ""))
    if starts is not None and timezone.is_naive(starts):
        starts = timezone.make_aware(starts)
    capacity = request.POST.get("capacity", "")
    try:
        if starts is None:
            raise DomainError(
                ErrorCode.INVALID_INPUT, _("Enter the start date and time."), {"starts_at": ""}
            )
        event_services.event_create(
            actor=request.user,
            title=request.POST.get("title", ""),
            kind=request.POST.get("kind", ""),
            starts_at=starts,
            place=request.POST.get("place", ""),
            capacity=int(capacity) if capacity.isdigit() else 0,
            description=request.POST.get("description", ""),
            manager_training=request.POST.get("manager_training") == "on",
        )
    except DomainError as error:
        messages.error(request, error.message + " " + "；".join(error.fields.values()))
    else:
        messages.success(request, _("The event was published."))
    return redirect("servicedesk:events")


@login_required
def event_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    mine = None
    qr = ""
    if _role(request) == Role.ENTERPRISE:
        enterprise_id: int = getattr(request.user, "enterprise_id", 0) or 0
        mine = event.registrations.filter(enterprise_id=enterprise_id).first()
        if mine is not None:
            url = request.build_absolute_uri(reverse("servicedesk:check-in", args=[mine.token]))
            qr = event_services.qr_svg(url)
    organiser = event_services.may_run(request.user, event)
    return render(
        request,
        "servicedesk/event_detail.html",
        {
            "event": event,
            "mine": mine,
            "qr": qr,
            "organiser": organiser,
            "registrations": event.registrations.select_related("enterprise") if organiser else [],
        },
    )


@require_POST
@login_required
def event_register(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    try:
        event_services.event_register(
            event=event, actor=request.user, attendee=request.POST.get("attendee", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Signed up. Show the QR code at the door."))
    return redirect("servicedesk:event", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def event_check_in(request: AuthedRequest, token: str) -> HttpResponse:
    """Where the attendee's QR code points: the organiser confirms the check-in (POST)."""
    try:
        registration = event_services.registration_for_organiser(token=token, user=request.user)
    except DomainError as error:
        raise Http404 from error
    if request.method == "POST":
        event_services.event_check_in(token=token, actor=request.user)
        messages.success(
            request, _("%(name)s checked in.") % {"name": registration.enterprise.name}
        )
        return redirect("servicedesk:event", pk=registration.event_id)
    return render(request, "servicedesk/check_in.html", {"registration": registration})


@require_POST
@login_required
def event_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    score = request.POST.get("score", "")
    try:
        event_services.event_rate(
            event=event,
            actor=request.user,
            score=int(score) if score.isdigit() else 0,
            comment=request.POST.get("comment", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for rating the event."))
    return redirect("servicedesk:event", pk=pk)


# ------------------------------------------------------------------ knowledge base, clusters


@login_required
def article_list(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    return render(
        request,
        "servicedesk/articles.html",
        {
            "articles": selectors.article_list(kind=kind if kind in Article.Kind.values else ""),
            "kind": kind,
            "kinds": Article.Kind.choices,
        },
    )


@login_required
def article_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(
        request, "servicedesk/article.html", {"article": get_object_or_404(Article, pk=pk)}
    )


@login_required
def article_manage(request: AuthedRequest) -> HttpResponse:
    """The city's maintenance list: every article and guide with its edit link."""
    if not knowledge.may_maintain(request.user):
        raise Http404
    return render(
        request,
        "servicedesk/article_manage.html",
        {"articles": selectors.article_list().order_by("kind", "program_id", "title")},
    )


@require_http_methods(["GET", "POST"])
@login_required
def article_edit(request: AuthedRequest, pk: int | None = None, kind: str = "") -> HttpResponse:
    """Create or edit a knowledge article or a 申兑指南 (the city only)."""
    if not knowledge.may_maintain(request.user):
        raise Http404
    article = get_object_or_404(Article, pk=pk) if pk is not None else None
    kind = article.kind if article is not None else kind
    if kind not in Article.Kind.values:
        raise Http404
    names = ("title", "body", "category", "keywords", "program_id", *knowledge.GUIDE_FIELDS)
    values: dict[str, Any] = {name: getattr(article, name, "") for name in names}
    values["linked_programs"] = list(getattr(article, "linked_programs", None) or [])
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        values = {name: post.get(name, "") for name in names}
        values["linked_programs"] = post.getlist("linked_programs")
        try:
            if kind == Article.Kind.GUIDE:
                saved = knowledge.guide_save(
                    actor=request.user,
                    guide=article,
                    program_id=post.get("program_id", ""),
                    title=post.get("title", ""),
                    body=post.get("body", ""),
                    values={name: post.get(name, "") for name in knowledge.GUIDE_FIELDS},
                )
            else:
                saved = knowledge.article_save(
                    actor=request.user,
                    article=article,
                    title=post.get("title", ""),
                    body=post.get("body", ""),
                    category=post.get("category", ""),
                    keywords=post.get("keywords", ""),
                    linked_programs=post.getlist("linked_programs"),
                )
        except DomainError as error:
            messages.error(request, error.message)
            errors = error.fields
        else:
            messages.success(request, _("The knowledge base was updated."))
            return redirect("servicedesk:article", pk=saved.pk)
    from zjtx.policy.selectors import program_list

    return render(
        request,
        "servicedesk/article_form.html",
        {
            "article": article,
            "kind": kind,
            "values": values,
            "errors": errors,
            "categories": Category.choices,
            "programs": program_list(),
            "guide_fields": [
                {
                    "name": name,
                    "label": getattr(Article._meta.get_field(name), "verbose_name", name),
                    "long": name in ("conditions", "materials"),
                    "value": values.get(name, ""),
                    "error": errors.get(name, ""),
                }
                for name in knowledge.GUIDE_FIELDS
            ],
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def cluster_list(request: AuthedRequest) -> HttpResponse:
    _require(request, *OFFICERS)
    is_city = _role(request) == Role.CITY_OFFICER
    errors: dict[str, str] = {}
    if request.method == "POST":
        _require(request, Role.CITY_OFFICER)
        post = request.POST
        try:
            provider_services.cluster_save(
                actor=request.user,
                name=post.get("name", ""),
                kind=post.get("kind", ""),
                unit_id=_int(post.get("unit", "")),
                industry=post.get("industry", ""),
                financing_institution_id=_int(post.get("financing_institution", "")) or None,
                service_platform_id=_int(post.get("service_platform", "")) or None,
                tech_centre_credit_code=post.get("tech_centre", ""),
                regional_brand=post.get("regional_brand", ""),
                association=post.get("association", ""),
            )
        except DomainError as error:
            errors = dict(error.fields) or {"": error.message}
        else:
            messages.success(request, _("The cluster was saved."))
            return redirect("servicedesk:clusters")
    clusters = selectors.cluster_list()
    if _role(request) == Role.UNIT_OFFICER:
        clusters = clusters.filter(unit_id=getattr(request.user, "unit_id", None))
    context: dict[str, Any] = {"clusters": clusters, "is_city": is_city, "errors": errors}
    if is_city:
        from zjtx.partners.models import FinancialInstitution
        from zjtx.reference.models import AssessmentUnit

        from .models import ClusterTown

        context.update(
            {
                "kinds": ClusterTown.Kind.choices,
                "units": AssessmentUnit.objects.order_by("code"),
                "institutions": FinancialInstitution.objects.filter(is_active=True),
                "platforms": ServiceProvider.objects.filter(is_active=True),
            }
        )
    return render(request, "servicedesk/clusters.html", context)


# ------------------------------------------------------------------ configuration, files


def _int(raw: str) -> int:
    return int(raw) if raw.strip().isdigit() else 0


@require_http_methods(["GET", "POST"])
@login_required
def sla_settings(request: AuthedRequest) -> HttpResponse:
    """The city sets each category's working-day limits and routing rule."""
    _require(request, Role.CITY_OFFICER)
    errors: dict[str, str] = {}
    if request.method == "POST":
        target = request.POST.get("route_to", "")
        provider = None
        if target.startswith("provider:"):
            provider = ServiceProvider.objects.filter(
                pk=_int(target.split(":", 1)[1]), is_active=True
            ).first()
            target = "provider"
        try:
            services.category_sla_set(
                category=request.POST.get("category", ""),
                accept_days=_int(request.POST.get("accept_days", "")),
                reply_days=_int(request.POST.get("reply_days", "")),
                resolve_days=_int(request.POST.get("resolve_days", "")),
                route_to=target,
                provider=provider,
                actor=request.user,
            )
        except DomainError as error:
            errors = dict(error.fields) or {"": error.message}
        else:
            messages.success(request, _("The service level was saved."))
            return redirect("servicedesk:sla")
    configured = {row.category: row for row in selectors.sla_list()}
    rows = []
    for value, label in Category.choices:
        row = configured.get(value)
        if row is None:
            current = "city_officer" if value == Category.COMPLAINT else "unit_officer"
        elif row.route_to == "provider":
            current = f"provider:{row.provider_id}"
        else:
            current = row.route_to
        rows.append((value, label, row, current))
    return render(
        request,
        "servicedesk/sla.html",
        {"rows": rows, "errors": errors, "targets": _route_targets(Role.CITY_OFFICER)},
    )


@require_POST
@login_required
def article_from_request(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.request_get(user=request.user, pk=pk)
    try:
        article = services.article_from_request(
            request=found, title=request.POST.get("title", ""), actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("servicedesk:detail", pk=pk)
    messages.success(request, _("The answer was saved in the knowledge base."))
    return redirect("servicedesk:article", pk=article.pk)


@login_required
def attachment_download(request: AuthedRequest, pk: int, attachment_id: int) -> FileResponse:
    from zjtx.core.audit import audit_record
    from zjtx.core.files import serve_upload

    found = selectors.request_get(user=request.user, pk=pk)
    attachment = found.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    audit_record(
        actor=request.user,
        action="servicedesk.attachment_download",
        obj=found,
        after={"file": attachment.original_name},
    )
    return serve_upload(attachment.file, download_stem=f"request-{found.pk}-{attachment.pk}")


@require_POST
@login_required
def honour_add(request: AuthedRequest) -> HttpResponse:
    _require(request, Role.CITY_OFFICER)
    from decimal import Decimal, InvalidOperation

    provider = get_object_or_404(ServiceProvider, pk=_int(request.POST.get("provider", "")))
    raw = request.POST.get("amount_wan", "").strip()
    try:
        amount = (Decimal(raw) * 10000).quantize(Decimal("0.01")) if raw else None
    except InvalidOperation:
        messages.error(request, _("Enter the incentive in 10k yuan."))
        return redirect("servicedesk:providers")
    try:
        provider_services.honour_record(
            provider=provider,
            year=_int(request.POST.get("year", "")) or timezone.localdate().year,
            level=request.POST.get("level", ""),
            amount_yuan=amount,
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The honour was recorded."))
    return redirect("servicedesk:providers")
