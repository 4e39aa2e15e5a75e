"""Public portal 易企网 pages (no login, cached) and the city officer's content pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zjtx.accounts.models import Role
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.middleware import client_ip

from . import calculator as visitor_calc
from . import selectors, services
from .cache import cached_page
from .errors import PortalError
from .models import ContentItem
from .policies import policy_card, policy_cards, tag_labels

NEWS_PAGE = 12


def _bad_request(
    request: AuthedRequest, template: str, context: dict[str, Any], error: DomainError
):  # type: ignore[no-untyped-def]
    context["error"] = error.message
    return render(request, template, context, status=error.status)


# ------------------------------------------------------------------ public pages


@cached_page
def home(request: AuthedRequest) -> HttpResponse:
    cards = policy_cards()
    years = selectors.certified_years()
    latest = selectors.certified_list(year=years[0]) if years else []
    return render(
        request,
        "portal/home.html",
        {
            "cards": [c for c in cards if c.kind == "award"][:6],
            "criteria": [c for c in cards if c.kind != "award"],
            "tags": tag_labels(),
            "notices": selectors.notices_public(limit=5),
            "latest_year": years[0] if years else None,
            "latest": latest[:10],
            "latest_total": len(latest),
            "news": selectors.content_published(kind=ContentItem.Kind.NEWS)[:5],
            "cases": selectors.content_published(kind=ContentItem.Kind.CASE)[:3],
            "platforms": selectors.platforms(),
            "events": selectors.events_upcoming(limit=4),
            "contacts": selectors.contact_cards_public()[:4],
        },
    )


@cached_page
def policies(request: AuthedRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    tag = (request.GET.get("tag") or "").strip()[:30]
    tags = tag_labels()
    if tag not in tags:
        tag = ""
    return render(
        request,
        "portal/policies.html",
        {"cards": policy_cards(q=q, tag=tag), "q": q, "tag": tag, "tags": tags},
    )


@cached_page
def policy_detail(request: AuthedRequest, program_id: str) -> HttpResponse:
    card = policy_card(program_id=program_id[:80])
    if card is None:
        raise Http404
    return render(request, "portal/policy.html", {"card": card})


def calculator(request: AuthedRequest) -> HttpResponse:
    """Not cached: it answers the visitor's own figures, which are kept nowhere."""
    program_id = (request.POST.get("policy") or request.GET.get("policy") or "")[:80]
    package = visitor_calc.package_for(program_id) if program_id else None
    context: dict[str, Any] = {"choices": visitor_calc.choices(), "package": package}
    if package is None:
        if program_id:
            context["error"] = _not_in_force()
        return render(request, "portal/calculator.html", context, status=400 if program_id else 200)
    context["card"] = policy_card(program_id=package.id)
    if request.method != "POST":
        context["form"] = visitor_calc.form_for(package)
        return render(request, "portal/calculator.html", context)
    try:
        visitor_calc.rate_check(client_ip(request) or "")
        form, result = visitor_calc.run(package, request.POST)
    except PortalError as error:
        context["form"] = visitor_calc.form_for(package)
        return _bad_request(request, "portal/calculator.html", context, error)
    context.update(form=form, result=result)
    return render(request, "portal/calculator.html", context, status=200 if result else 400)


def _not_in_force() -> str:
    return _("This policy is not in force; choose one from the list.")


@cached_page
def notices(request: AuthedRequest) -> HttpResponse:
    return render(request, "portal/notices.html", {"rows": selectors.notices_public()})


@cached_page
def certified(request: AuthedRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "years": selectors.certified_years(),
        "tiers": selectors.tiers(),
        "year": None,
        "tier": "",
        "rows": [],
    }
    try:
        year = selectors.parse_year(request.GET.get("year"))
        tier = selectors.parse_tier(request.GET.get("tier"))
    except PortalError as error:
        return _bad_request(request, "portal/certified.html", context, error)
    if year is None and context["years"] and "year" not in request.GET:
        year = context["years"][0]
    context.update(year=year, tier=tier, rows=selectors.certified_list(year=year, tier=tier))
    return render(request, "portal/certified.html", context)


@cached_page
def verify(request: AuthedRequest) -> HttpResponse:
    number = (request.GET.get("number") or "").strip()[:60]
    result = selectors.certificate_verify(number=number) if number else None
    return render(
        request,
        "portal/verify.html",
        {"number": number, "result": result},
        status=404 if result is not None and not result.found else 200,
    )


@cached_page
def reports(request: AuthedRequest) -> HttpResponse:
    return render(request, "portal/reports.html", {"reports": selectors.reports_published()})


@cached_page
def news(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind") or ""
    if kind not in ContentItem.Kind.values:
        kind = ""
    page = Paginator(selectors.content_published(kind=kind), NEWS_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/news.html",
        {"page": page, "kind": kind, "kinds": ContentItem.Kind.choices},
    )


@cached_page
def news_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.content_get_public(pk=pk)
    return render(request, "portal/news_detail.html", {"item": item})


@cached_page
def services_page(request: AuthedRequest) -> HttpResponse:
    platforms = selectors.platforms()
    platform = request.GET.get("platform") or ""
    if platform not in {p[0] for p in platforms}:
        platform = ""
    return render(
        request,
        "portal/services.html",
        {
            "platforms": platforms,
            "platform": platform,
            "providers": selectors.providers_public(platform=platform),
            "events": selectors.events_upcoming(limit=20),
            "contacts": selectors.contact_cards_public(),
        },
    )


# ------------------------------------------------------------------ the city officer's pages


def _city(request: AuthedRequest) -> None:
    if getattr(request.user, "role", "") != Role.CITY_OFFICER:
        raise Http404


@login_required
def manage(request: AuthedRequest) -> HttpResponse:
    _city(request)
    status = request.GET.get("status") or ""
    return render(
        request,
        "portal/manage.html",
        {
            "items": selectors.content_list_for(user=request.user, status=status)[:200],
            "status": status,
            "statuses": ContentItem.Status.choices,
            "cards": selectors.contact_cards_for(user=request.user),
        },
    )


def _content_values(request: AuthedRequest) -> dict[str, Any]:
    return {
        "kind": request.POST.get("kind", ""),
        "title": request.POST.get("title", ""),
        "summary": request.POST.get("summary", ""),
        "body": request.POST.get("body", ""),
        "enterprise_name": request.POST.get("enterprise_name", ""),
        "publish_on": request.POST.get("publish_on", ""),
    }


@login_required
def content_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    _city(request)
    item = selectors.content_get_for(user=request.user, pk=pk) if pk else None
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = _content_values(request)
        try:
            saved = services.content_save(actor=request.user, item=item, **values)
        except DomainError as error:
            errors = error.fields
            messages.error(request, error.message)
        else:
            messages.success(request, _saved_message())
            return redirect("portal:content-edit", saved.pk)
    elif item is not None:
        values = {
            "kind": item.kind,
            "title": item.title,
            "summary": item.summary,
            "body": item.body,
            "enterprise_name": item.enterprise_name,
            "publish_on": item.publish_on.isoformat(),
        }
    else:
        values = {"kind": ContentItem.Kind.NEWS, "publish_on": timezone.localdate().isoformat()}
    return render(
        request,
        "portal/content_form.html",
        {
            "item": item,
            "values": values,
            "errors": errors,
            "kinds": ContentItem.Kind.choices,
            "actions": services.content_actions(item, request.user) if item else [],
            "history": selectors.content_history(item)[:50] if item else [],
        },
        status=400 if errors else 200,
    )


def _saved_message() -> str:
    return _("Saved.")


@require_POST
@login_required
def content_move(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    _city(request)
    item = selectors.content_get_for(user=request.user, pk=pk)
    try:
        services.content_transition(
            item=item, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _moved_message(item))
    return redirect("portal:content-edit", item.pk)


def _moved_message(item: ContentItem) -> str:
    return _("The article is now: %(status)s.") % {"status": item.get_status_display()}


def _card_values(request: AuthedRequest) -> dict[str, Any]:
    return {
        "name": request.POST.get("name", ""),
        "phone": request.POST.get("phone", ""),
        "topics": request.POST.get("topics", ""),
        "address": request.POST.get("address", ""),
        "hours": request.POST.get("hours", ""),
        "sort_order": request.POST.get("sort_order", "0"),
        "is_published": request.POST.get("is_published") == "on",
    }


@login_required
def contact_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    _city(request)
    card = selectors.contact_card_get_for(user=request.user, pk=pk) if pk else None
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _card_values(request)
        try:
            services.contact_card_save(actor=request.user, card=card, **values)
        except DomainError as error:
            errors = error.fields
            messages.error(request, error.message)
        else:
            messages.success(request, _saved_message())
            return redirect("portal:manage")
    elif card is not None:
        values = {
            "name": card.name,
            "phone": card.phone,
            "topics": card.topics,
            "address": card.address,
            "hours": card.hours,
            "sort_order": card.sort_order,
            "is_published": card.is_published,
        }
    else:
        values = {"is_published": True, "sort_order": 0}
    return render(
        request,
        "portal/contact_form.html",
        {"card": card, "values": values, "errors": errors},
        status=400 if errors else 200,
    )


@require_POST
@login_required
def contact_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    _city(request)
    card = selectors.contact_card_get_for(user=request.user, pk=pk)
    services.contact_card_delete(actor=request.user, card=card)
    return redirect("portal:manage")
