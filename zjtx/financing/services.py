"""Writes: demands and consents, bank engagements, products, receivables, 推介 lists, the
listing pipeline and the city's take-up clock (芜湖实施意见 三(三)). Every status change goes
through the workflow engine; every write is audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_record
from zjtx.core.errors import ErrorCode, Forbidden, NotFound
from zjtx.core.money import MoneyError, parse_yuan
from zjtx.core.workflow import clocks_after_move, run
from zjtx.partners.models import FinancialInstitution

from .errors import FinancingConflict, FinancingError, FinancingErrorCode
from .models import (
    DataScope,
    Demand,
    Engagement,
    FinancingSetting,
    Guarantee,
    ListingCandidate,
    Product,
    Purpose,
    PushList,
    Receivable,
    TaxGrade,
)
from .workflow import DEMAND, LISTING, PRODUCT, RECEIVABLE, engagement_workflow

if TYPE_CHECKING:
    from zjtx.accounts.models import User


MAX_TERM_MONTHS = 360
MAX_CONSENT_DAYS = 3 * 366


def _bad(field: str, message: str, code: str = FinancingErrorCode.INVALID_INPUT) -> FinancingError:
    return FinancingError(code, _("The request has invalid fields."), {field: message})


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = parse_yuan(value)
    except MoneyError as exc:
        raise _bad(field, exc.message, FinancingErrorCode.INVALID_AMOUNT) from exc
    if amount <= 0:
        raise _bad(field, _("The amount must be above zero."), FinancingErrorCode.INVALID_AMOUNT)
    return amount


def _require_enterprise(actor: User, enterprise_id: int) -> None:
    """Another enterprise's objects do not exist for the actor (404)."""
    require_role(actor, Role.ENTERPRISE, hide=True)
    if actor.enterprise_id != enterprise_id:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))


def _require_city(actor: User, what: str) -> None:
    require_role(actor, Role.CITY_OFFICER, message=what)


# ------------------------------------------------------------------ settings


@transaction.atomic
def settings_set(*, takeup_working_days: int, actor: User) -> FinancingSetting:
    """The city sets the working days a bank has to take up a consented demand (default 2)."""
    _require_city(actor, _("Only a city officer changes the financing settings."))
    if not 1 <= int(takeup_working_days) <= 30:
        raise _bad("takeup_working_days", _("Enter a number of working days from 1 to 30."))
    row, _created = FinancingSetting.objects.select_for_update().get_or_create(pk=1)
    before = {"takeup_working_days": row.takeup_working_days}
    row.takeup_working_days = int(takeup_working_days)
    row.updated_by = actor
    row.save()
    audit_record(
        actor=actor,
        action="financing.settings_set",
        obj=row,
        before=before,
        after={"takeup_working_days": row.takeup_working_days},
    )
    return row


# ------------------------------------------------------------------ demands


def _clean_demand(fields: Mapping[str, Any], enterprise_id: int, today: date) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "amount_yuan" in fields:
        clean["amount_yuan"] = _money(fields["amount_yuan"], "amount_yuan")
    if "term_months" in fields:
        try:
            term = int(fields["term_months"])
        except (TypeError, ValueError):
            term = 0
        if not 1 <= term <= MAX_TERM_MONTHS:
            raise _bad("term_months", _("Enter a term from 1 to 360 months."))
        clean["term_months"] = term
    if "purpose" in fields:
        if fields["purpose"] not in Purpose.values:
            raise _bad("purpose", _("Choose one of the listed purposes."))
        clean["purpose"] = fields["purpose"]
    if "guarantees" in fields:
        guarantees = list(dict.fromkeys(fields["guarantees"] or []))
        if not guarantees or any(g not in Guarantee.values for g in guarantees):
            raise _bad("guarantees", _("Choose at least one of the listed guarantees."))
        clean["guarantees"] = guarantees
    if "needed_by" in fields:
        needed_by = _parse_date(fields["needed_by"], "needed_by")
        if needed_by < today:
            raise _bad("needed_by", _("The date the money is needed by cannot be in the past."))
        clean["needed_by"] = needed_by
    if "tax_grade" in fields:
        grade = fields["tax_grade"] or ""
        if grade and grade not in TaxGrade.values:
            raise _bad("tax_grade", _("Choose a tax credit grade A, B, M, C or D."))
        clean["tax_grade"] = grade
    if "note" in fields:
        clean["note"] = str(fields["note"] or "").strip()[:500]
    if fields.get("receivable_id"):
        receivable = Receivable.objects.filter(
            pk=fields["receivable_id"], creditor_id=enterprise_id
        ).first()
        if receivable is None:
            raise _bad("receivable_id", _("Not one of your receivables."))
        if receivable.status != Receivable.Status.CONFIRMED:
            raise _bad(
                "receivable_id",
                _("Only a receivable the debtor has confirmed can back a demand."),
                FinancingErrorCode.RECEIVABLE_NOT_CONFIRMED,
            )
        clean["receivable"] = receivable
    elif "receivable_id" in fields:
        clean["receivable"] = None
    return clean


def _parse_date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise _bad(
            field, _("Expected a date in the form YYYY-MM-DD."), FinancingErrorCode.INVALID_DATE
        ) from exc


@transaction.atomic
def demand_publish(
    *,
    enterprise: Any,
    fields: Mapping[str, Any],
    consents: Iterable[Mapping[str, Any]] = (),
    actor: User,
    today: date | None = None,
) -> Demand:
    """An enterprise publishes a financing demand to the 融资需求库 (芜湖实施意见 三(三))."""
    _require_enterprise(actor, enterprise.pk)
    today = today or timezone.localdate()
    required = ("amount_yuan", "term_months", "purpose", "guarantees", "needed_by")
    missing = {name: _("Required.") for name in required if fields.get(name) in (None, "", [])}
    if missing:
        raise FinancingError(
            FinancingErrorCode.INVALID_INPUT, _("The request has invalid fields."), missing
        )
    clean = _clean_demand(fields, enterprise.pk, today)
    demand = Demand.objects.create(enterprise=enterprise, created_by=actor, **clean)
    audit_record(
        actor=actor,
        action="financing.demand_publish",
        obj=demand,
        after={k: (v.pk if hasattr(v, "pk") else v) for k, v in clean.items()},
    )
    for consent in consents:
        consent_give(
            demand=demand,
            institution_id=consent.get("institution_id"),
            scopes=consent.get("scopes", []),
            until=consent.get("until"),
            actor=actor,
            today=today,
        )
    return demand


@transaction.atomic
def demand_update(
    *, demand: Demand, fields: Mapping[str, Any], actor: User, today: date | None = None
) -> Demand:
    """The enterprise changes its demand while it is published."""
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    _require_enterprise(actor, demand.enterprise_id)
    if demand.status != Demand.Status.PUBLISHED:
        raise FinancingConflict(
            FinancingErrorCode.DEMAND_NOT_OPEN, _("Only a published demand can be changed.")
        )
    clean = _clean_demand(fields, demand.enterprise_id, today or timezone.localdate())
    before = {k: getattr(demand, k) for k in clean}
    for name, value in clean.items():
        setattr(demand, name, value)
    demand.save()
    audit_record(
        actor=actor,
        action="financing.demand_update",
        obj=demand,
        before={k: (v.pk if hasattr(v, "pk") else v) for k, v in before.items()},
        after={k: (v.pk if hasattr(v, "pk") else v) for k, v in clean.items()},
    )
    return demand


def demand_transition(*, demand: Demand, action: str, actor: User, reason: str = "") -> Demand:
    """Close or withdraw a demand (withdrawal withdraws every bank's consent at once)."""
    return run(DEMAND, demand, action, actor=actor, reason=reason)  # type: ignore[no-any-return]


def _clean_scopes(scopes: Any) -> list[str]:
    chosen = list(dict.fromkeys(scopes or []))
    if any(s not in DataScope.values for s in chosen):
        raise _bad("scopes", _("Choose among the listed kinds of data."))
    return chosen


@transaction.atomic
def consent_give(
    *,
    demand: Demand,
    institution_id: Any,
    scopes: Any,
    until: Any,
    actor: User,
    today: date | None = None,
) -> Engagement:
    """The enterprise lets one bank see its demand and the named data until a date; the bank's
    take-up clock starts (N working days, set by the city)."""
    today = today or timezone.localdate()
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    _require_enterprise(actor, demand.enterprise_id)
    if demand.status != Demand.Status.PUBLISHED:
        raise FinancingConflict(
            FinancingErrorCode.DEMAND_NOT_OPEN, _("Only a published demand can be shared.")
        )
    institution = FinancialInstitution.objects.filter(pk=institution_id, is_active=True).first()
    if institution is None:
        raise _bad("institution_id", _("Unknown bank."), FinancingErrorCode.UNKNOWN_INSTITUTION)
    chosen = _clean_scopes(scopes)
    until_day = _parse_date(until, "until") if until else None
    if until_day is None or until_day < today or (until_day - today).days > MAX_CONSENT_DAYS:
        raise _bad("until", _("Enter the date the consent ends, from today to three years on."))
    workflow = engagement_workflow()
    engagement = (
        Engagement.objects.select_for_update()
        .filter(demand=demand, institution=institution)
        .first()
    )
    if engagement is None:
        engagement = Engagement.objects.create(
            demand=demand,
            institution=institution,
            scopes=chosen,
            consent_until=until_day,
            consented_on=today,
        )
        clocks_after_move(workflow, engagement, "", Engagement.Status.CONSENTED, today)
        audit_record(
            actor=actor,
            action="financing.consent_give",
            obj=engagement,
            after={"institution": institution.pk, "scopes": chosen, "until": until_day},
        )
        if workflow.notify is not None:
            from zjtx.core.workflow import Step

            step = Step(
                workflow=workflow,
                obj=engagement,
                action="consent",
                transition=workflow.transitions["reconsent"],
                actor=actor,
                today=today,
                now=timezone.now(),
            )
            notify = workflow.notify
            transaction.on_commit(lambda: notify(step))
        return engagement
    if engagement.status == Engagement.Status.WITHDRAWN:
        if engagement.granted_yuan is not None or engagement.decline_code:
            raise FinancingConflict(
                FinancingErrorCode.CONSENT_CLOSED,
                _("This bank has already recorded an outcome; publish a new demand instead."),
            )
        return run(  # type: ignore[no-any-return]
            workflow,
            engagement,
            "reconsent",
            actor=actor,
            data={"scopes": chosen, "consent_until": until_day},
            today=today,
        )
    before = {"scopes": engagement.scopes, "until": engagement.consent_until}
    engagement.scopes = chosen
    engagement.consent_until = until_day
    engagement.save(update_fields=["scopes", "consent_until"])
    audit_record(
        actor=actor,
        action="financing.consent_change",
        obj=engagement,
        before=before,
        after={"scopes": chosen, "until": until_day},
    )
    return engagement


def consent_withdraw(*, demand: Demand, institution_id: int, actor: User) -> Engagement:
    """The enterprise withdraws one bank's consent: the bank stops seeing the demand at once."""
    _require_enterprise(actor, demand.enterprise_id)
    engagement = Engagement.objects.filter(demand=demand, institution_id=institution_id).first()
    if engagement is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return run(engagement_workflow(), engagement, "withdraw", actor=actor)  # type: ignore[no-any-return]


def engagement_transition(
    *,
    engagement: Engagement,
    action: str,
    actor: User,
    reason_code: str = "",
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> Engagement:
    """A bank takes up a demand, records 授信, 放款 or a decline (one outcome per bank)."""
    if action in ("withdraw", "reconsent"):
        raise FinancingError(
            FinancingErrorCode.UNKNOWN_ACTION,
            _("Use the consent endpoints."),
            {"action": _("Unknown")},
        )
    return run(  # type: ignore[no-any-return]
        engagement_workflow(),
        engagement,
        action,
        actor=actor,
        reason_code=reason_code,
        reason=reason,
        data=data,
        today=today,
    )


# ------------------------------------------------------------------ receivables


@transaction.atomic
def receivable_record(
    *,
    creditor: Any,
    debtor_id: Any,
    amount_yuan: Any,
    invoice_no: str,
    due_on: Any,
    actor: User,
) -> Receivable:
    """A supplier records a receivable on a core enterprise in the registry (三(三) 应收账款)."""
    from zjtx.enterprises.models import Enterprise

    _require_enterprise(actor, creditor.pk)
    debtor = Enterprise.objects.filter(pk=debtor_id).first()
    if debtor is None or debtor.pk == creditor.pk:
        raise _bad("debtor_id", _("Choose another enterprise of the registry as the debtor."))
    invoice = (invoice_no or "").strip()
    if not invoice:
        raise _bad("invoice_no", _("Required."))
    receivable = Receivable.objects.create(
        creditor=creditor,
        debtor=debtor,
        amount_yuan=_money(amount_yuan, "amount_yuan"),
        invoice_no=invoice[:60],
        due_on=_parse_date(due_on, "due_on"),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="financing.receivable_record",
        obj=receivable,
        after={
            "debtor": debtor.pk,
            "amount_yuan": receivable.amount_yuan,
            "invoice_no": receivable.invoice_no,
        },
    )
    return receivable


def receivable_transition(
    *, receivable: Receivable, action: str, actor: User, reason: str = ""
) -> Receivable:
    """The core enterprise confirms or disputes a receivable recorded against it."""
    return run(RECEIVABLE, receivable, action, actor=actor, reason=reason)  # type: ignore[no-any-return]


# ------------------------------------------------------------------ products


PRODUCT_FIELDS = (
    "name",
    "kind",
    "amount_min_yuan",
    "amount_max_yuan",
    "term_min_months",
    "term_max_months",
    "rate_min_pct",
    "rate_max_pct",
    "guarantees",
    "purposes",
    "risk_split",
    "eligibility_program",
    "description",
)


def _rate(value: Any, field: str) -> Decimal:
    try:
        rate = Decimal(str(value))
    except ArithmeticError as exc:
        raise _bad(field, _("Enter a rate in percent."), FinancingErrorCode.INVALID_RATE) from exc
    if (
        not rate.is_finite()
        or not Decimal(0) < rate < Decimal(36)
        or rate != rate.quantize(Decimal("0.001"))
    ):
        raise _bad(
            field, _("Enter a rate above 0 and below 36 percent."), FinancingErrorCode.INVALID_RATE
        )
    return rate


def _clean_product(fields: Mapping[str, Any]) -> dict[str, Any]:
    from zjtx.policy.models import PolicyProgram

    missing = {n: _("Required.") for n in PRODUCT_FIELDS[:8] if fields.get(n) in (None, "")}
    if missing:
        raise FinancingError(
            FinancingErrorCode.INVALID_INPUT, _("The request has invalid fields."), missing
        )
    clean: dict[str, Any] = {"name": str(fields["name"]).strip()[:100]}
    if fields["kind"] not in Product.Kind.values:
        raise _bad("kind", _("Choose one of the listed product kinds."))
    clean["kind"] = fields["kind"]
    clean["amount_min_yuan"] = _money(fields["amount_min_yuan"], "amount_min_yuan")
    clean["amount_max_yuan"] = _money(fields["amount_max_yuan"], "amount_max_yuan")
    if clean["amount_max_yuan"] < clean["amount_min_yuan"]:
        raise _bad("amount_max_yuan", _("The maximum cannot be below the minimum."))
    for low, high in (("term_min_months", "term_max_months"),):
        try:
            clean[low], clean[high] = int(fields[low]), int(fields[high])
        except (TypeError, ValueError) as exc:
            raise _bad(low, _("Enter a term from 1 to 360 months.")) from exc
        if not 1 <= clean[low] <= clean[high] <= MAX_TERM_MONTHS:
            raise _bad(high, _("Enter a term from 1 to 360 months, maximum not below minimum."))
    clean["rate_min_pct"] = _rate(fields["rate_min_pct"], "rate_min_pct")
    clean["rate_max_pct"] = _rate(fields["rate_max_pct"], "rate_max_pct")
    if clean["rate_max_pct"] < clean["rate_min_pct"]:
        raise _bad("rate_max_pct", _("The maximum cannot be below the minimum."))
    guarantees = list(dict.fromkeys(fields.get("guarantees") or []))
    if not guarantees or any(g not in Guarantee.values for g in guarantees):
        raise _bad("guarantees", _("Choose at least one of the listed guarantees."))
    clean["guarantees"] = guarantees
    purposes = list(dict.fromkeys(fields.get("purposes") or []))
    if any(p not in Purpose.values for p in purposes):
        raise _bad("purposes", _("Choose one of the listed purposes."))
    clean["purposes"] = purposes
    split = fields.get("risk_split") or {}
    if split:
        keys = ("guarantor", "reguarantor", "bank", "government")
        try:
            parts = {k: int(split.get(k, 0)) for k in keys}
        except (TypeError, ValueError, AttributeError) as exc:
            raise _bad("risk_split", _("The risk split is four whole percentages.")) from exc
        if set(split) - set(keys) or sum(parts.values()) != 100 or min(parts.values()) < 0:
            raise _bad("risk_split", _("The four shares of the risk split must add up to 100."))
        split = parts
    clean["risk_split"] = split
    program_id = fields.get("eligibility_program") or ""
    clean["eligibility_program"] = None
    clean["eligibility_version"] = None
    if program_id:
        program = PolicyProgram.objects.filter(pk=program_id).first()
        if (
            program is None
            or program.kind != PolicyProgram.Kind.CRITERIA
            or program.current_version_id is None
        ):
            raise _bad(
                "eligibility_program",
                _("Choose a loaded eligibility rule package."),
                FinancingErrorCode.NOT_ELIGIBLE_PACKAGE,
            )
        clean["eligibility_program"] = program
        clean["eligibility_version"] = program.current_version
    clean["description"] = str(fields.get("description") or "").strip()[:500]
    return clean


@transaction.atomic
def product_save(
    *, fields: Mapping[str, Any], actor: User, product: Product | None = None
) -> Product:
    """A bank user drafts or corrects a product of its own institution (maker)."""
    require_role(actor, Role.BANK, message=_("Only a bank user maintains products."))
    if not actor.institution_id:
        raise Forbidden(ErrorCode.FORBIDDEN, _("Only a bank user maintains products."))
    clean = _clean_product(fields)
    if product is None:
        product = Product(institution_id=actor.institution_id, created_by=actor)
        before = None
    else:
        product = Product.objects.select_for_update().get(pk=product.pk)
        if product.institution_id != actor.institution_id:
            raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
        if product.status not in (Product.Status.DRAFT, Product.Status.RETURNED):
            raise FinancingConflict(
                FinancingErrorCode.NOT_EDITABLE,
                _("Only a draft or returned product can be changed."),
            )
        before = {"name": product.name}
    for name, value in clean.items():
        setattr(product, name, value)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as exc:
        raise _bad("name", _("The institution already has a product of this name.")) from exc
    audit_record(
        actor=actor,
        action="financing.product_save",
        obj=product,
        before=before,
        after={
            k: (v.pk if hasattr(v, "pk") else v) for k, v in clean.items() if k != "description"
        },
    )
    return product


def product_transition(*, product: Product, action: str, actor: User, reason: str = "") -> Product:
    """Submit (bank), publish or return (city), retire: the maker-checker of products."""
    return run(PRODUCT, product, action, actor=actor, reason=reason)  # type: ignore[no-any-return]


# ------------------------------------------------------------------ 推介 lists


@transaction.atomic
def push_list_send(
    *, institution_id: int, period: str, demand_ids: list[int], actor: User
) -> PushList:
    """The city sends one bank its periodic 推介 list through the platform; each push recorded."""
    from zjtx.accounts.models import User
    from zjtx.core.notifications import notify

    _require_city(actor, _("Only a city officer sends promotion lists."))
    institution = FinancialInstitution.objects.filter(pk=institution_id).first()
    if institution is None:
        raise _bad("institution_id", _("Unknown bank."), FinancingErrorCode.UNKNOWN_INSTITUTION)
    push = PushList.objects.create(
        institution=institution,
        period=period[:7],
        demand_ids=sorted(set(demand_ids)),
        row_count=len(set(demand_ids)),
        sent_by=actor,
    )
    audit_record(
        actor=actor,
        action="financing.push_list_send",
        obj=push,
        after={"institution": institution.pk, "period": push.period, "rows": push.row_count},
    )
    from django.urls import reverse

    notify(
        recipients=list(
            User.objects.filter(is_active=True, role=Role.BANK, institution=institution)
        ),
        title=_("Promotion list %(period)s: %(count)s demands fit your products")
        % {"period": push.period, "count": push.row_count},
        url=reverse("financing:push-download", args=[push.pk]),
    )
    return push


# ------------------------------------------------------------------ listing pipeline


@transaction.atomic
def listing_add(*, enterprise: Any, board: str, actor: User) -> ListingCandidate:
    """The city puts an enterprise on the listing pipeline of a board (三(三) 上市挂牌)."""
    _require_city(actor, _("Only a city officer keeps the listing pipeline."))
    if board not in ListingCandidate.Board.values:
        raise _bad("board", _("Choose one of the listed boards."))
    candidate, created = ListingCandidate.objects.get_or_create(enterprise=enterprise, board=board)
    if not created:
        raise FinancingConflict(
            FinancingErrorCode.ALREADY_LISTED, _("The enterprise is already on this pipeline.")
        )
    audit_record(actor=actor, action="financing.listing_add", obj=candidate, after={"board": board})
    return candidate


def listing_transition(
    *, candidate: ListingCandidate, action: str, actor: User, reason: str = ""
) -> ListingCandidate:
    return run(LISTING, candidate, action, actor=actor, reason=reason)  # type: ignore[no-any-return]


@transaction.atomic
def listing_recommend(
    *, candidate: ListingCandidate, year: int, reason: str, actor: User
) -> ListingCandidate:
    """The city recommends about ten enterprises a year for the 安徽专精特新板, with a reason."""
    _require_city(actor, _("Only a city officer keeps the listing pipeline."))
    reason = (reason or "").strip()
    if not reason:
        raise _bad(
            "recommendation_reason",
            _("Give the reason for recommending the enterprise."),
            FinancingErrorCode.RECOMMENDATION_REASON_REQUIRED,
        )
    candidate = ListingCandidate.objects.select_for_update().get(pk=candidate.pk)
    before = {"year": candidate.recommended_year, "reason": candidate.recommendation_reason}
    candidate.recommended_year = year
    candidate.recommendation_reason = reason[:500]
    candidate.save()
    audit_record(
        actor=actor,
        action="financing.listing_recommend",
        obj=candidate,
        before=before,
        after={"year": year, "reason": candidate.recommendation_reason},
    )
    return candidate
