"""Financing pages: the enterprise's demands and consents, the bank's consented demands with
take-up and outcome, the city's library, overdue take-ups, 推介 lists and figures (万元)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zjtx.core.audit import audit_export
from zjtx.core.errors import DomainError, ErrorCode
from zjtx.core.http import AuthedRequest
from zjtx.core.money import MoneyError, wan_to_yuan
from zjtx.core.workflow import actions_for
from zjtx.core.xlsx import XLSX_CONTENT_TYPE, build_table_xlsx
from zjtx.partners.models import FinancialInstitution

from . import selectors, services
from .errors import FinancingError
from .facts import shared_data
from .models import DataScope, Demand, Guarantee, Purpose, PushList, TaxGrade
from .workflow import DECLINE_REASONS, DEMAND, engagement_workflow


def _role(request: AuthedRequest) -> str:
    return str(getattr(request.user, "role", ""))


@login_required
def demand_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not (selectors.is_bank(user) or selectors.is_business(user)):
        raise Http404
    status = request.GET.get("status") or None
    demands = list(selectors.demand_list_for(user=user, status=status)[:300])
    progress = selectors.progress_by_demand(user=user, demands=demands)
    for demand in demands:
        demand.progress = progress.get(demand.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "financing/list.html",
        {
            "demands": demands,
            "statuses": Demand.Status.choices,
            "status": status or "",
            "is_bank": selectors.is_bank(user),
            "is_enterprise": _role(request) == "enterprise",
            "candidacies": selectors.listing_of_enterprise(user=user),
        },
    )


def _wan_field(request: AuthedRequest, name: str) -> Any:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return ""
    try:
        return wan_to_yuan(raw)
    except (ValueError, MoneyError):
        return raw


@require_http_methods(["GET", "POST"])
@login_required
def demand_create(request: AuthedRequest) -> HttpResponse:
    """Publish a demand in 万元 and name the banks that may see it, what and until when."""
    user = request.user
    if _role(request) != "enterprise":
        raise Http404
    banks = FinancialInstitution.objects.filter(is_active=True).order_by("name")
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if request.method == "POST":
        fields = {
            "amount_yuan": _wan_field(request, "amount_wan"),
            "term_months": request.POST.get("term_months", ""),
            "purpose": request.POST.get("purpose", ""),
            "guarantees": request.POST.getlist("guarantees"),
            "needed_by": request.POST.get("needed_by", ""),
            "tax_grade": request.POST.get("tax_grade", ""),
            "note": request.POST.get("note", ""),
        }
        until = request.POST.get("consent_until", "")
        scopes = request.POST.getlist("scopes")
        consents = [
            {"institution_id": int(b), "scopes": scopes, "until": until}
            for b in request.POST.getlist("banks")
            if b.isdigit()
        ]
        try:
            demand = services.demand_publish(
                enterprise=user.enterprise,  # type: ignore[union-attr]
                fields=fields,
                consents=consents,
                actor=user,
            )
        except DomainError as error:
            errors = error.fields or {"": error.message}
            messages.error(request, error.message)
        else:
            messages.success(request, _("The financing demand was published."))
            return redirect("financing:demand", pk=demand.pk)
    return render(
        request,
        "financing/create.html",
        {
            "banks": banks,
            "purposes": Purpose.choices,
            "guarantees": Guarantee.choices,
            "scopes": DataScope.choices,
            "grades": TaxGrade.choices,
            "errors": errors,
            "post": request.POST,
            "default_until": (today + timedelta(days=90)).isoformat(),
            "default_needed": (today + timedelta(days=30)).isoformat(),
        },
    )


@login_required
def demand_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    demand = selectors.demand_get(user=user, pk=pk)
    engagements = selectors.engagements_of(user=user, demand=demand)
    role = _role(request)
    due = selectors.take_up_due(engagements=engagements)
    for e in engagements:
        e.due_on = due.get(e.pk)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "demand": demand,
        "engagements": engagements,
        "is_bank": selectors.is_bank(user),
        "is_owner": role == "enterprise",
        "decline_reasons": DECLINE_REASONS.items(),
        "banks": FinancialInstitution.objects.filter(is_active=True).exclude(
            pk__in=[e.institution_id for e in engagements if e.status != "withdrawn"]
        ),
        "scopes": DataScope.choices,
        "default_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "today": timezone.localdate(),
    }
    if selectors.is_bank(user):
        engagement = engagements[0]
        context["engagement"] = engagement
        context["actions"] = [
            (n, t)
            for n, t in actions_for(engagement_workflow(), state=engagement.status, role=role)
        ]
        context["shared"] = shared_data(demand, engagement.scopes, as_of=timezone.localdate())
    else:
        context["actions"] = actions_for(DEMAND, state=demand.status, role=role)
        if role != "bank":
            from .matching import match_demand

            context["matches"] = match_demand(demand=demand)[:10]
    return render(request, "financing/detail.html", context)


@require_POST
@login_required
def demand_act(request: AuthedRequest, pk: int) -> HttpResponse:
    """One step on the demand: the bank on its engagement, the enterprise on demand or consent."""
    user = request.user
    demand = selectors.demand_get(user=user, pk=pk)
    action = request.POST.get("action", "")
    try:
        if selectors.is_bank(user):
            engagement = selectors.engagement_for_bank(user=user, demand=demand)
            data = {
                "granted_yuan": _wan_post(request, "granted_wan"),
                "rate_pct": request.POST.get("rate_pct"),
                "disbursed_yuan": _wan_post(request, "disbursed_wan"),
                "disbursed_on": request.POST.get("disbursed_on"),
            }
            services.engagement_transition(
                engagement=engagement,
                action=action,
                actor=user,
                reason_code=request.POST.get("reason_code", ""),
                reason=request.POST.get("reason", ""),
                data=data,
            )
        elif action == "consent":
            services.consent_give(
                demand=demand,
                institution_id=request.POST.get("institution_id"),
                scopes=request.POST.getlist("scopes"),
                until=request.POST.get("consent_until"),
                actor=user,
            )
        elif action == "withdraw_consent":
            services.consent_withdraw(
                demand=demand,
                institution_id=int(request.POST.get("institution_id", "0") or 0),
                actor=user,
            )
        else:
            services.demand_transition(
                demand=demand, action=action, actor=user, reason=request.POST.get("reason", "")
            )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    if not selectors.demand_list_for(user=user).filter(pk=pk).exists():
        return redirect("financing:list")
    return redirect("financing:demand", pk=pk)


def _wan_post(request: AuthedRequest, name: str) -> Any:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    try:
        return wan_to_yuan(raw)
    except ValueError:
        return raw


@login_required
def product_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not (selectors.is_bank(user) or selectors.is_business(user)):
        raise Http404
    return render(
        request,
        "financing/products.html",
        {"products": selectors.product_list_for(user=user), "is_bank": selectors.is_bank(user)},
    )


def _city_or_unit(request: AuthedRequest) -> None:
    if _role(request) not in ("city_officer", "unit_officer") or not selectors.is_business(
        request.user
    ):
        raise Http404


@login_required
def overdue(request: AuthedRequest) -> HttpResponse:
    _city_or_unit(request)
    return render(
        request,
        "financing/overdue.html",
        {"rows": selectors.overdue_takeups(user=request.user)},
    )


def _stats(request: AuthedRequest) -> dict[str, Any]:
    from datetime import date

    from .stats import STATS_GROUPS, financing_stats

    group_by = request.GET.get("group_by", "bank")
    if group_by not in STATS_GROUPS:
        group_by = "bank"
    try:
        start = date.fromisoformat(request.GET["from"]) if request.GET.get("from") else None
        end = date.fromisoformat(request.GET["to"]) if request.GET.get("to") else None
    except ValueError:
        start = end = None
    return financing_stats(user=request.user, start=start, end=end, group_by=group_by)


@login_required
def stats_page(request: AuthedRequest) -> HttpResponse:
    _city_or_unit(request)
    return render(request, "financing/stats.html", {"stats": _stats(request)})


@login_required
def stats_xlsx(request: AuthedRequest) -> HttpResponse:
    _city_or_unit(request)
    stats = _stats(request)
    headers = [
        _("Group (bank, unit or month)"),
        _("Demands"),
        _("Taken up"),
        _("Served"),
        _("Credit granted (10k yuan)"),
        _("Disbursed (10k yuan)"),
        _("Take-up rate (%)"),
        _("Service rate (%)"),
        _("Median working days to take-up"),
        _("Median working days to credit"),
    ]
    rows = [
        [
            r["label"],
            r["demands"],
            r["taken_up"],
            r["served"],
            r["granted_wan"],
            r["disbursed_wan"],
            r["take_up_rate_pct"] or "",
            r["service_rate_pct"] or "",
            r["median_days_to_take_up"] or "",
            r["median_days_to_credit"] or "",
        ]
        for r in stats["rows"]
    ]
    body = build_table_xlsx(
        title=_("Financing service figures"), unit_note="单位：万元", headers=headers, rows=rows
    )
    audit_export(
        actor=request.user,
        action="financing.stats_xlsx",
        object_type="financing.engagement",
        count=len(rows),
        filters=dict(request.GET.items()),
    )
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="financing-stats.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def push_lists(request: AuthedRequest) -> HttpResponse:
    """The city compiles and sends each bank the consented demands that fit its products."""
    if _role(request) != "city_officer":
        raise Http404
    from .matching import fitting_products

    period = request.POST.get("period") or timezone.localdate().strftime("%Y-%m")
    if request.method == "POST":
        institution_id = int(request.POST.get("institution_id", "0") or 0)
        ids = _push_candidates(institution_id, fitting_products)
        try:
            push = services.push_list_send(
                institution_id=institution_id, period=period, demand_ids=ids, actor=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Promotion list sent: %(count)s demands.") % {"count": push.row_count}
            )
        return redirect("financing:push")
    return render(
        request,
        "financing/push.html",
        {
            "banks": FinancialInstitution.objects.filter(is_active=True),
            "pushes": PushList.objects.select_related("institution", "sent_by")[:100],
            "period": period,
        },
    )


def _push_candidates(institution_id: int, fitting_products: Any) -> list[int]:
    from .models import Engagement

    visible = Engagement.objects.filter(
        selectors.bank_visible_q(institution_id=institution_id, today=timezone.localdate()),
        demand__status=Demand.Status.PUBLISHED,
    ).values_list("demand_id", flat=True)
    demands = list(Demand.objects.filter(pk__in=visible).select_related("enterprise"))
    products = list(selectors.products_published().filter(institution_id=institution_id))
    return [pk for pk, fits in fitting_products(demands, products).items() if fits]


@login_required
def push_download(request: AuthedRequest, pk: int) -> HttpResponse:
    """The 推介 list as Excel: title row, 单位：万元; the bank sees its own lists only, and
    only the demands still consented to it."""
    from .matching import match_pairs, push_rows

    push = PushList.objects.select_related("institution").filter(pk=pk).first()
    user = request.user
    if push is None:
        raise Http404
    if selectors.is_bank(user):
        if push.institution_id != user.institution_id:  # type: ignore[union-attr]
            raise Http404
        demands_qs = selectors.demand_list_for(user=user).filter(pk__in=push.demand_ids)
    elif _role(request) == "city_officer":
        demands_qs = Demand.objects.filter(pk__in=push.demand_ids).select_related("enterprise")
    else:
        raise Http404
    demands = {d.pk: d for d in demands_qs}
    products = list(selectors.products_published().filter(institution_id=push.institution_id))
    matched = match_pairs(list(demands.values()), products)
    best = [ms[0] for ms in matched.values() if ms]
    rows = push_rows(best, demands)
    body = build_table_xlsx(
        title=_("Financing demand promotion list %(period)s — %(bank)s")
        % {"period": push.period, "bank": push.institution.name},
        unit_note="单位：万元",
        headers=[
            _("Enterprise"),
            _("Amount (10k yuan)"),
            _("Term (months)"),
            _("Purpose"),
            _("Guarantees offered"),
            _("Needed by"),
            _("Best-fitting product"),
            _("Why it fits"),
        ],
        rows=rows,
    )
    audit_export(
        actor=user,
        action="financing.push_download",
        object_type="financing.pushlist",
        count=len(rows),
        filters={"push": pk},
    )
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="push-{push.pk}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def receivable_list(request: AuthedRequest) -> HttpResponse:
    """Receivables: a supplier records one against a core enterprise by its credit code; the
    debtor confirms or disputes those recorded against it."""
    user = request.user
    if not selectors.is_business(user):
        raise Http404
    is_enterprise = _role(request) == "enterprise"
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not is_enterprise:
            raise Http404
        code = request.POST.get("debtor_credit_code", "")
        try:
            receivable = services.receivable_record(
                creditor=user.enterprise,  # type: ignore[union-attr]
                debtor_id=selectors.debtor_id_by_credit_code(credit_code=code),
                amount_yuan=_wan_field(request, "amount_wan"),
                invoice_no=request.POST.get("invoice_no", ""),
                due_on=request.POST.get("due_on", ""),
                actor=user,
            )
        except DomainError as error:
            errors = {
                ("debtor_credit_code" if k == "debtor_id" else k): v
                for k, v in (error.fields or {}).items()
            }
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Receivable %(invoice)s recorded; %(debtor)s is asked to confirm it.")
                % {"invoice": receivable.invoice_no, "debtor": receivable.debtor.name},
            )
            return redirect("financing:receivables")
    from .workflow import RECEIVABLE

    rows = []
    for r in selectors.receivable_list_for(user=user)[:300]:
        own_debt = getattr(user, "enterprise_id", None) == r.debtor_id
        offered = actions_for(RECEIVABLE, state=r.status, role=_role(request)) if own_debt else []
        rows.append((r, offered))
    return render(
        request,
        "financing/receivables.html",
        {
            "rows": rows,
            "is_enterprise": is_enterprise,
            "errors": errors,
            "post": request.POST,
        },
    )


@require_POST
@login_required
def receivable_act(request: AuthedRequest, pk: int) -> HttpResponse:
    receivable = selectors.receivable_get(user=request.user, pk=pk)
    try:
        services.receivable_transition(
            receivable=receivable,
            action=request.POST.get("action", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("financing:receivables")


@require_http_methods(["GET", "POST"])
@login_required
def listing_list(request: AuthedRequest) -> HttpResponse:
    """The listing pipeline (培育 → 辅导 → 申报 → 挂牌): the city adds candidates, moves them
    and recommends about ten a year with reasons; unit officers read their unit's."""
    from zjtx.enterprises.models import Enterprise

    from .models import ListingCandidate
    from .workflow import LISTING

    user = request.user
    if not selectors.is_business(user) or _role(request) == "enterprise":
        raise Http404
    is_city = _role(request) == "city_officer"
    if request.method == "POST":
        if not is_city:
            raise Http404
        enterprise_id = selectors.debtor_id_by_credit_code(
            credit_code=request.POST.get("credit_code", "")
        )
        try:
            if enterprise_id is None:
                raise FinancingError(
                    ErrorCode.INVALID_INPUT,
                    _("No enterprise of the registry has this credit code."),
                    {"credit_code": _("Unknown credit code.")},
                )
            services.listing_add(
                enterprise=Enterprise.objects.get(pk=enterprise_id),
                board=request.POST.get("board", ""),
                actor=user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The enterprise was added to the listing pipeline."))
        return redirect("financing:listing")
    year = timezone.localdate().year
    candidates = list(selectors.listing_list_for(user=user))
    rows = [
        (c, actions_for(LISTING, state=c.status, role=_role(request)) if is_city else [])
        for c in candidates
    ]
    return render(
        request,
        "financing/listing.html",
        {
            "rows": rows,
            "is_city": is_city,
            "boards": ListingCandidate.Board.choices,
            "year": year,
            "recommended_this_year": sum(1 for c in candidates if c.recommended_year == year),
        },
    )


@require_POST
@login_required
def listing_act(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a candidate one stage, drop it (with reason) or recommend it for the year."""
    if _role(request) != "city_officer":
        raise Http404
    candidate = selectors.listing_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "recommend":
            services.listing_recommend(
                candidate=candidate,
                year=timezone.localdate().year,
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        else:
            services.listing_transition(
                candidate=candidate,
                action=action,
                actor=request.user,
                reason=request.POST.get("reason", ""),
            )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("financing:listing")


def _product_fields(request: AuthedRequest) -> dict[str, Any]:
    split = {
        k: request.POST.get(f"risk_{k}", "").strip()
        for k in ("guarantor", "reguarantor", "bank", "government")
    }
    return {
        "name": request.POST.get("name", ""),
        "kind": request.POST.get("kind", ""),
        "amount_min_yuan": _wan_field(request, "amount_min_wan"),
        "amount_max_yuan": _wan_field(request, "amount_max_wan"),
        "term_min_months": request.POST.get("term_min_months", ""),
        "term_max_months": request.POST.get("term_max_months", ""),
        "rate_min_pct": request.POST.get("rate_min_pct", ""),
        "rate_max_pct": request.POST.get("rate_max_pct", ""),
        "guarantees": request.POST.getlist("guarantees"),
        "purposes": request.POST.getlist("purposes"),
        "risk_split": {k: v for k, v in split.items() if v} if any(split.values()) else {},
        "eligibility_program": request.POST.get("eligibility_program", ""),
        "description": request.POST.get("description", ""),
    }


@require_http_methods(["GET", "POST"])
@login_required
def product_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """A product's card: the bank drafts and corrects it (maker); the city reviews it and
    publishes or returns it with a reason (checker), with the engine's offered actions."""
    from zjtx.policy.models import PolicyProgram

    from .models import Product
    from .workflow import PRODUCT

    user = request.user
    product = selectors.product_get(user=user, pk=pk) if pk is not None else None
    is_bank = selectors.is_bank(user)
    if product is None and not is_bank:
        raise Http404
    editable = is_bank and (
        product is None or product.status in (Product.Status.DRAFT, Product.Status.RETURNED)
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not editable:
            raise Http404
        try:
            product = services.product_save(
                fields=_product_fields(request), actor=user, product=product
            )
        except DomainError as error:
            errors = error.fields or {"": error.message}
            messages.error(request, error.message)
        else:
            messages.success(request, _("The product was saved."))
            return redirect("financing:product", pk=product.pk)
    actions = actions_for(PRODUCT, state=product.status, role=_role(request)) if product else []
    programs = PolicyProgram.objects.filter(
        kind=PolicyProgram.Kind.CRITERIA,
        pk__startswith="financing.",
        current_version__isnull=False,
    ).order_by("title")
    return render(
        request,
        "financing/product_form.html",
        {
            "product": product,
            "editable": editable,
            "actions": actions,
            "errors": errors,
            "post": request.POST if request.method == "POST" else None,
            "kinds": Product.Kind.choices,
            "guarantees": Guarantee.choices,
            "purposes": Purpose.choices,
            "programs": programs,
        },
    )


@require_POST
@login_required
def product_act(request: AuthedRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(user=request.user, pk=pk)
    try:
        services.product_transition(
            product=product,
            action=request.POST.get("action", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("financing:product", pk=pk)
