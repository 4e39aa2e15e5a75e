"""Registry pages. Views only parse input, call a service or selector and render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zjtx.accounts.models import Role
from zjtx.core.crypto import masked
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.money import yuan_to_wan
from zjtx.core.pii import reveal_response
from zjtx.core.xlsx import XLSX_CONTENT_TYPE, build_table_xlsx
from zjtx.servicedesk.selectors import events_attended_by

from . import selectors, services
from .forms import (
    AssignUnitForm,
    EnterpriseContactForm,
    EnterpriseForm,
    FilterForm,
    FinancialForm,
    HonourForm,
    IPAssetForm,
    RegisterForm,
    RejectForm,
)
from .models import Enterprise

PAGE_SIZE = 20
# Encrypted personal data (ADR 0017): masked on pages and exports, revealed with an audit event.
ENCRYPTED_FORM_FIELDS = ("legal_rep_id_number", "contact_phone")


def _require_staff(request: AuthedRequest) -> None:
    if not selectors.is_staff(request.user):
        raise Http404


def _apply_error(form: Any, error: DomainError) -> None:
    """Put a service error on the fields it names (or on the form as a whole)."""
    placed = False
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _detail_url(enterprise: Enterprise) -> str:
    from django.urls import reverse

    return reverse("enterprises:detail", args=[enterprise.credit_code])


# ---------------------------------------------------------------- lists


@login_required
def enterprise_list(request: AuthedRequest) -> HttpResponse:
    _require_staff(request)
    form = FilterForm(request.GET or None, user=request.user)
    filters = form.filters() if request.GET else {}
    qs = selectors.enterprise_list_for(user=request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "total": page.paginator.count,
    }
    template = (
        "enterprises/list.html#results"
        if getattr(request, "htmx", False)
        else "enterprises/list.html"
    )
    return render(request, template, context)


# The bureau's roster template (an outside data contract, so the headers are Chinese).
EXPORT_HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "所属县区/开发区",
    "行业代码",
    "行业名称",
    "企业规模",
    "状态",
    "最新年度",
    "营业收入（万元）",
    "研发费用（万元）",
    "净利润（万元）",
    "资产总额（万元）",
    "从业人员（人）",
    "联系人",
    "联系电话",
)


@login_required
def enterprise_export(request: AuthedRequest) -> HttpResponse:
    _require_staff(request)
    form = FilterForm(request.GET or None, user=request.user)
    filters = form.filters() if request.GET else {}
    qs = selectors.enterprise_list_for(user=request.user, **{k: v for k, v in filters.items() if v})
    records: Any = qs
    rows = [
        (
            e.credit_code,
            e.name,
            e.unit.name,
            e.industry_id or "",
            e.industry.name if e.industry else "",
            e.get_size_class_display() if e.size_class else "",
            e.get_status_display(),
            e.latest_year,
            yuan_to_wan(e.latest_revenue),
            yuan_to_wan(e.latest_rd_expense),
            yuan_to_wan(e.latest_net_profit),
            yuan_to_wan(e.latest_total_assets),
            e.latest_employees,
            e.contact_name,
            masked(e, "contact_phone"),
        )
        for e in records
    ]
    today = timezone.localdate()
    user: Any = request.user
    scope = user.unit.name if user.role == Role.UNIT_OFFICER else "芜湖市"
    content = build_table_xlsx(
        title="专精特新企业名录",
        unit_note="单位：万元",
        subtitle=f"填报单位：{scope}    导出日期：{today.isoformat()}",
        headers=EXPORT_HEADERS,
        rows=rows,
        sheet_name="企业名录",
        integer_columns=(7, 12),  # 年度, 从业人员
        total_columns=(8, 9, 10, 11, 12),
    )
    services.enterprise_export_record(actor=request.user, filters=filters, count=len(rows))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    cn_name = quote(f"专精特新企业名录-{today:%Y%m%d}.xlsx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"enterprises-{today:%Y%m%d}.xlsx\"; filename*=UTF-8''{cn_name}"
    )
    return response


@login_required
def enterprise_pending(request: AuthedRequest) -> HttpResponse:
    _require_staff(request)
    items = selectors.enterprise_pending_for(user=request.user)
    return render(
        request, "enterprises/pending.html", {"items": items, "reject_form": RejectForm()}
    )


@require_POST
@login_required
def enterprise_verify(request: AuthedRequest, credit_code: str) -> HttpResponse:
    _require_staff(request)
    enterprise = selectors.enterprise_get_for(user=request.user, credit_code=credit_code)
    try:
        services.enterprise_verify(actor=request.user, enterprise=enterprise)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s has been verified.") % {"name": enterprise.name})
    return redirect("enterprises:pending")


@require_POST
@login_required
def enterprise_reject(request: AuthedRequest, credit_code: str) -> HttpResponse:
    _require_staff(request)
    enterprise = selectors.enterprise_get_for(user=request.user, credit_code=credit_code)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for rejecting the registration."))
        return redirect("enterprises:pending")
    try:
        services.enterprise_reject(
            actor=request.user, enterprise=enterprise, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The registration of %(name)s was rejected.") % {"name": enterprise.name}
        )
    return redirect("enterprises:pending")


# ---------------------------------------------------------------- one enterprise


def _detail_context(request: AuthedRequest, enterprise: Enterprise) -> dict[str, Any]:
    user: Any = request.user
    staff = selectors.is_staff(user)
    own = user.role == Role.ENTERPRISE and user.enterprise_id == enterprise.pk
    return {
        "enterprise": enterprise,
        "history": selectors.assignment_history(enterprise=enterprise),
        "financial_rows": selectors.financial_rows(enterprise=enterprise),
        "ip_assets": selectors.ip_assets_of(enterprise=enterprise),
        "honours": selectors.honours_of(enterprise=enterprise),
        "events_attended": events_attended_by(enterprise=enterprise, user=user),
        "size": selectors.enterprise_size_class(enterprise=enterprise),
        "can_edit": staff or (own and enterprise.status == Enterprise.Status.VERIFIED),
        "can_assign": user.role == Role.CITY_OFFICER,
        "can_verify": staff and enterprise.status == Enterprise.Status.PENDING,
        "can_verify_figures": staff,
        "is_own": own,
        "reject_form": RejectForm(),
    }


@require_http_methods(["POST"])
@login_required
def enterprise_reveal(request: AuthedRequest, credit_code: str, field: str) -> HttpResponse:
    """An officer views a person's full phone or ID number (e.g. verifying a registration);
    audited, 404 for other roles or fields (ADR 0017)."""
    if field not in ENCRYPTED_FORM_FIELDS:
        raise Http404
    enterprise = selectors.enterprise_get_for(user=request.user, credit_code=credit_code)
    return reveal_response(request, enterprise, field)


@login_required
def enterprise_detail(request: AuthedRequest, credit_code: str) -> HttpResponse:
    enterprise = selectors.enterprise_get_for(user=request.user, credit_code=credit_code)
    return render(request, "enterprises/detail.html", _detail_context(request, enterprise))


@login_required
def enterprise_mine(request: AuthedRequest) -> HttpResponse:
    enterprise = selectors.enterprise_for_user(user=request.user)
    return render(request, "enterprises/detail.html", _detail_context(request, enterprise))


def _editable_or_redirect(request: AuthedRequest, credit_code: str) -> Enterprise | HttpResponse:
    """The enterprise if the user may edit its content; a redirect with a notice if not yet."""
    enterprise = selectors.enterprise_get_for(user=request.user, credit_code=credit_code)
    if not selectors.is_staff(request.user) and enterprise.status != Enterprise.Status.VERIFIED:
        messages.warning(
            request,
            _("Your enterprise has not been verified yet; it cannot be edited until then."),
        )
        return redirect("enterprises:mine")
    return enterprise


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_create(request: AuthedRequest) -> HttpResponse:
    _require_staff(request)
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(
                request, _("%(name)s has been registered.") % {"name": enterprise.name}
            )
            return redirect(_detail_url(enterprise))
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "title": _("New enterprise"), "cancel_url": "enterprises:list"},
    )


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_edit(request: AuthedRequest, credit_code: str) -> HttpResponse:
    found = _editable_or_redirect(request, credit_code)
    if isinstance(found, HttpResponse):
        return found
    enterprise = found
    staff = selectors.is_staff(request.user)
    form_class: Any = EnterpriseForm if staff else EnterpriseContactForm
    initial = {
        name: getattr(enterprise, "industry_id" if name == "industry" else name) or ""
        for name in form_class.base_fields
        if name != "unit"
    }
    # Personal data is not put into the form: the field shows the masked value and stays
    # unchanged when left empty (a new value replaces it), ADR 0017.
    for name in ENCRYPTED_FORM_FIELDS:
        initial.pop(name, None)
    kwargs: dict[str, Any] = {"user": request.user, "editing": True} if staff else {}
    form = form_class(request.POST or None, initial=initial, **kwargs)
    for name in ENCRYPTED_FORM_FIELDS:
        if name in form.fields and getattr(enterprise, name):
            form.fields[name].widget.attrs["placeholder"] = masked(enterprise, name)
            form.fields[name].help_text = _("Leave empty to keep the current value.")
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            updated = services.enterprise_update(
                actor=request.user, enterprise=enterprise, changes=changes
            )
        except DomainError as error:
            if error.status == 404:
                raise Http404 from error
            _apply_error(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(_detail_url(updated))
    return render(
        request,
        "enterprises/form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "title": _("Edit %(name)s") % {"name": enterprise.name},
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_assign(request: AuthedRequest, credit_code: str) -> HttpResponse:
    if getattr(request.user, "role", None) != Role.CITY_OFFICER:
        raise Http404
    enterprise = selectors.enterprise_get_for(user=request.user, credit_code=credit_code)
    form = AssignUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_assign_unit(
                actor=request.user, enterprise=enterprise, **form.cleaned_data
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s now belongs to %(unit)s.")
                % {"name": enterprise.name, "unit": form.cleaned_data["unit"].name},
            )
            return redirect(_detail_url(enterprise))
    return render(
        request,
        "enterprises/form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "title": _("Change the unit of %(name)s") % {"name": enterprise.name},
            "lead": _("Current unit: %(unit)s. The current period is closed on the effective date.")
            % {"unit": enterprise.unit.name},
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def financial_edit(
    request: AuthedRequest, credit_code: str, year: int | None = None
) -> HttpResponse:
    found = _editable_or_redirect(request, credit_code)
    if isinstance(found, HttpResponse):
        return found
    enterprise = found
    existing = selectors.financial_get(enterprise=enterprise, year=year) if year else None
    if year and existing is None:
        raise Http404
    initial = (
        FinancialForm.initial_from(existing)
        if existing
        else {"year": services.financial_year_to_add(enterprise)}
    )
    lock_year = existing is not None
    # The confirmation box comes back with the list of figures it would clear.
    asked = request.method == "POST" and "clear_asked" in request.POST
    form = FinancialForm(
        request.POST or None, initial=initial, lock_year=lock_year, ask_clear=asked
    )
    clearing: list[str] = []
    if request.method == "POST" and (form.is_valid() or (asked and _only_confirm_missing(form))):
        confirmed = bool(form.cleaned_data.get("confirm_clear"))
        try:
            services.financial_upsert(
                actor=request.user,
                enterprise=enterprise,
                confirm_clear=confirmed,
                create_only=existing is None,
                **form.service_kwargs(),
            )
        except DomainError as error:
            if error.status == 404:
                raise Http404 from error
            if error.code == "clear_needs_confirmation":
                clearing = list(error.fields.values())
                form = FinancialForm(
                    request.POST, initial=initial, lock_year=lock_year, ask_clear=True
                )
                if not form.is_valid() and not asked:
                    form.errors.pop("confirm_clear", None)  # first time: a question, no error
            else:
                _apply_error(form, error)
        else:
            messages.success(
                request,
                _("The figures for %(year)s have been saved.")
                % {"year": form.cleaned_data["year"]},
            )
            return redirect(_detail_url(enterprise) + "#financials")
    return render(
        request,
        "enterprises/form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "title": _("Annual financial figures"),
            "lead": _("Enter amounts in ten-thousand yuan (万元); leave unknown figures empty."),
            "clearing": clearing,
        },
    )


def _only_confirm_missing(form: FinancialForm) -> bool:
    """The figures are valid and only the confirmation box is unticked: ask the service again,
    which lists what would be cleared (or saves if nothing would be any more)."""
    return set(form.errors) == {"confirm_clear"}


@require_POST
@login_required
def financial_verify(request: AuthedRequest, credit_code: str, year: int) -> HttpResponse:
    _require_staff(request)
    enterprise = selectors.enterprise_get_for(user=request.user, credit_code=credit_code)
    financial = selectors.financial_get(enterprise=enterprise, year=year)
    if financial is None:
        raise Http404
    try:
        services.financial_verify(actor=request.user, financial=financial)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("The figures for %(year)s are verified.") % {"year": year})
    return redirect(_detail_url(enterprise) + "#financials")


@require_POST
@login_required
def financial_delete(request: AuthedRequest, credit_code: str, year: int) -> HttpResponse:
    found = _editable_or_redirect(request, credit_code)
    if isinstance(found, HttpResponse):
        return found
    financial = selectors.financial_get(enterprise=found, year=year)
    if financial is None:
        raise Http404
    try:
        services.financial_delete(actor=request.user, financial=financial)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("The figures for %(year)s were deleted.") % {"year": year})
    return redirect(_detail_url(found) + "#financials")


def _child_add(
    request: AuthedRequest, credit_code: str, form_class: Any, service: Any, title: str, anchor: str
) -> HttpResponse:
    found = _editable_or_redirect(request, credit_code)
    if isinstance(found, HttpResponse):
        return found
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, enterprise=found, **form.cleaned_data)
        except DomainError as error:
            if error.status == 404:
                raise Http404 from error
            _apply_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_detail_url(found) + anchor)
    return render(
        request, "enterprises/form.html", {"form": form, "enterprise": found, "title": title}
    )


@require_http_methods(["GET", "POST"])
@login_required
def ip_asset_add(request: AuthedRequest, credit_code: str) -> HttpResponse:
    return _child_add(
        request, credit_code, IPAssetForm, services.ip_asset_add, _("Add an IP right"), "#ip"
    )


@require_http_methods(["GET", "POST"])
@login_required
def honour_add(request: AuthedRequest, credit_code: str) -> HttpResponse:
    return _child_add(
        request, credit_code, HonourForm, services.honour_add, _("Add an honour"), "#honours"
    )


@require_POST
@login_required
def ip_asset_delete(request: AuthedRequest, credit_code: str, pk: int) -> HttpResponse:
    found = _editable_or_redirect(request, credit_code)
    if isinstance(found, HttpResponse):
        return found
    asset = selectors.ip_asset_get_for(user=request.user, enterprise=found, pk=pk)
    try:
        services.ip_asset_delete(actor=request.user, ip_asset=asset)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("Deleted."))
    return redirect(_detail_url(found) + "#ip")


@require_POST
@login_required
def honour_delete(request: AuthedRequest, credit_code: str, pk: int) -> HttpResponse:
    found = _editable_or_redirect(request, credit_code)
    if isinstance(found, HttpResponse):
        return found
    honour = selectors.honour_get_for(user=request.user, enterprise=found, pk=pk)
    try:
        services.honour_delete(actor=request.user, honour=honour)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("Deleted."))
    return redirect(_detail_url(found) + "#honours")


# ---------------------------------------------------------------- public self-registration


@require_http_methods(["GET", "POST"])
def register(request: AuthedRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise, _user = services.enterprise_register(
                credit_code=data["credit_code"],
                name=data["name"],
                unit=data["unit"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data.get("contact_email") or "",
                username=data["username"],
                password=data["password"],
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            request.session["registered_enterprise"] = enterprise.name
            request.session["registered_unit"] = enterprise.unit.name
            return redirect("enterprises:register-done")
    return render(request, "enterprises/register.html", {"form": form})


def register_done(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "enterprises/register_done.html",
        {
            "name": request.session.get("registered_enterprise", ""),
            "unit": request.session.get("registered_unit", ""),
        },
    )
