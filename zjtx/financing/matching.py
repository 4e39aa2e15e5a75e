"""Matching demands to published products, ranked, each with a Chinese explanation.

A product fits a demand when the amount, term, purpose and guarantee fit the product's card
and its eligibility rule package (policy engine) finds the enterprise eligible. The
explanation lists the conditions met, those missed and those that cannot be judged for want
of data. Facts are gathered once for all enterprises (the same bulk path as the policy scan).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.core.money import format_wan
from zjtx.enterprises.models import Enterprise
from zjtx.policy.engine import ExpressionError, FactError, FactSpec, PreparedFacts, prepare_facts
from zjtx.policy.engine.evaluate import evaluate
from zjtx.policy.selectors import package_for

from .facts import financing_facts
from .models import Demand, Guarantee, Product, Purpose
from .selectors import demand_list_for, products_published


@dataclass
class Match:
    demand_id: int
    product_id: int
    product: str
    bank_id: int
    bank: str
    fits: bool
    eligible: bool | None
    met: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    risk_split: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> tuple[int, int, int, int]:
        return (int(self.fits), -len(self.missed), -len(self.unknown), len(self.met))

    def as_dict(self) -> dict[str, Any]:
        return {
            "demand": self.demand_id,
            "product": self.product_id,
            "product_name": self.product,
            "bank": self.bank_id,
            "bank_name": self.bank,
            "fits": self.fits,
            "eligible": self.eligible,
            "met": self.met,
            "missed": self.missed,
            "unknown": self.unknown,
            "explanation": explanation_text(self),
            "risk_split": self.risk_split,
        }


def explanation_text(m: Match) -> str:
    parts = []
    if m.met:
        parts.append(_("Meets: %(items)s") % {"items": "；".join(m.met)})
    if m.missed:
        parts.append(_("Misses: %(items)s") % {"items": "；".join(m.missed)})
    if m.unknown:
        parts.append(_("Cannot judge: %(items)s") % {"items": "；".join(m.unknown)})
    return "。".join(parts)


def _card_checks(demand: Demand, product: Product, m: Match) -> None:
    amount = demand.amount_yuan
    bounds = {
        "amount": format_wan(amount),
        "min": format_wan(product.amount_min_yuan),
        "max": format_wan(product.amount_max_yuan),
    }
    if product.amount_min_yuan <= amount <= product.amount_max_yuan:
        m.met.append(_("amount %(amount)s 10k yuan within %(min)s–%(max)s 10k yuan") % bounds)
    else:
        m.missed.append(_("amount %(amount)s 10k yuan outside %(min)s–%(max)s 10k yuan") % bounds)
    terms = {
        "term": demand.term_months,
        "min": product.term_min_months,
        "max": product.term_max_months,
    }
    if product.term_min_months <= demand.term_months <= product.term_max_months:
        m.met.append(_("term %(term)s months within %(min)s–%(max)s months") % terms)
    else:
        m.missed.append(_("term %(term)s months outside %(min)s–%(max)s months") % terms)
    if not product.purposes or demand.purpose in product.purposes:
        m.met.append(_("purpose %(purpose)s served") % {"purpose": Purpose(demand.purpose).label})
    else:
        m.missed.append(
            _("purpose %(purpose)s not served") % {"purpose": Purpose(demand.purpose).label}
        )
    common = [g for g in demand.guarantees if g in product.guarantees]
    if common:
        names = "、".join(str(Guarantee(g).label) for g in common)
        m.met.append(_("guarantee accepted: %(names)s") % {"names": names})
    else:
        m.missed.append(_("none of the offered guarantees is accepted"))


def _evaluate(product: Product, facts: dict[str, Any], as_of: date, m: Match) -> None:
    if product.eligibility_version is None:
        m.eligible = True
        return
    package = package_for(version=product.eligibility_version)
    result = evaluate(package, facts, as_of)
    m.eligible = result.eligible
    for step in result.trace:
        if not step.condition:
            continue
        if step.outcome is True:
            m.met.append(step.text)
        elif step.outcome is False:
            m.missed.append(step.text)
        else:
            m.unknown.append(step.text)


def _card_fits(demand: Demand, product: Product) -> bool:
    """The product's card (amount, term, purpose, guarantee) without explaining anything."""
    return (
        product.amount_min_yuan <= demand.amount_yuan <= product.amount_max_yuan
        and product.term_min_months <= demand.term_months <= product.term_max_months
        and (not product.purposes or demand.purpose in product.purposes)
        and any(g in product.guarantees for g in demand.guarantees)
    )


class _Facts:
    """The facts the products' rule packages read, gathered once for the demands' firms."""

    def __init__(self, demands: Sequence[Demand], products: Sequence[Product], as_of: date):
        self.specs: dict[str, FactSpec] = {}
        for product in products:
            if product.eligibility_version is not None:
                for name, spec in package_for(version=product.eligibility_version).facts.items():
                    self.specs.setdefault(name, spec)
        ids = {d.enterprise_id for d in demands}
        self.by_firm = financing_facts(
            Enterprise.objects.filter(pk__in=ids), as_of=as_of, names=set(self.specs)
        )

    def of(self, demand: Demand) -> dict[str, Any]:
        """The firm's facts with the tax grade given on this demand."""
        facts = self.by_firm.get(demand.enterprise_id, {})
        if "fin_tax_grade" in self.specs and demand.tax_grade:
            facts = {**facts, "fin_tax_grade": demand.tax_grade}
        return facts


def _explained(demand: Demand, product: Product, facts: dict[str, Any], as_of: date) -> Match:
    m = Match(
        demand.pk,
        product.pk,
        product.name,
        product.institution_id,
        product.institution.name,
        False,
        None,
        risk_split=dict(product.risk_split or {}),
    )
    _card_checks(demand, product, m)
    _evaluate(product, facts, as_of, m)
    m.fits = not m.missed and m.eligible is True
    return m


def match_pairs(
    demands: Sequence[Demand], products: Sequence[Product], *, as_of: date | None = None
) -> dict[int, list[Match]]:
    """Every demand against every product, ranked best first, each explained (facts in bulk).

    For one demand (its page and API); many demands are decided by `fitting_products`."""
    as_of = as_of or timezone.localdate()
    gathered = _Facts(demands, products, as_of)
    out: dict[int, list[Match]] = {}
    for demand in demands:
        facts = gathered.of(demand)
        matches = [_explained(demand, product, facts, as_of) for product in products]
        matches.sort(key=lambda x: x.score, reverse=True)
        out[demand.pk] = matches
    return out


def _fitting(
    demands: Sequence[Demand], products: Sequence[Product], as_of: date, gathered: _Facts
) -> dict[int, list[Product]]:
    # Products sharing a rule version are decided once: a package is evaluated only when one
    # of its products' cards fits, on facts converted once per demand, without rendering any
    # text, and firms with the same values of the facts it reads share one decision.
    groups: dict[int | None, list[Product]] = {}
    for product in products:
        groups.setdefault(product.eligibility_version_id, []).append(product)
    packages = {
        pk: package_for(version=group[0].eligibility_version)  # type: ignore[arg-type]
        for pk, group in groups.items()
        if pk is not None
    }
    reads = {pk: tuple(package.facts) for pk, package in packages.items()}
    decided: dict[tuple[Any, ...], bool] = {}
    out: dict[int, list[Product]] = {}
    for demand in demands:
        fitting: list[Product] = []
        prepared: PreparedFacts | None = None
        for pk, group in groups.items():
            cards = [p for p in group if _card_fits(demand, p)]
            if not cards:
                continue
            if pk is not None:
                if prepared is None:
                    try:
                        prepared = prepare_facts(gathered.specs, gathered.of(demand))
                    except FactError:
                        break  # an unreadable fact decides nothing for this demand
                key = (pk, *[prepared.get(name) for name in reads[pk]])
                eligible = decided.get(key)
                if eligible is None:
                    try:
                        result = evaluate(packages[pk], prepared, as_of, explain=False)
                    except ExpressionError:
                        eligible = False
                    else:
                        eligible = result.eligible is True
                    decided[key] = eligible
                if not eligible:
                    continue
            fitting.extend(cards)
        out[demand.pk] = fitting
    return out


def fitting_products(
    demands: Sequence[Demand], products: Sequence[Product], *, as_of: date | None = None
) -> dict[int, list[Product]]:
    """Per demand, the products that fit it (card and rules), decided without explanations."""
    as_of = as_of or timezone.localdate()
    return _fitting(demands, products, as_of, _Facts(demands, products, as_of))


def match_demand(*, demand: Demand, as_of: date | None = None) -> list[Match]:
    """The published products for one demand, ranked, each explained."""
    products = list(products_published())
    return match_pairs([demand], products, as_of=as_of).get(demand.pk, [])


def matches_for_bank(*, user: Any, as_of: date | None = None) -> list[Match]:
    """The consented demands that fit the bank's own published products, the fits explained."""
    as_of = as_of or timezone.localdate()
    demands = list(demand_list_for(user=user, status=Demand.Status.PUBLISHED))
    products = list(products_published().filter(institution_id=user.institution_id))
    gathered = _Facts(demands, products, as_of)
    fits = _fitting(demands, products, as_of, gathered)
    found: list[Match] = []
    for demand in demands:
        facts = gathered.of(demand)
        matches = [_explained(demand, p, facts, as_of) for p in fits[demand.pk]]
        matches.sort(key=lambda x: x.score, reverse=True)
        found.extend(m for m in matches if m.fits)
    return found


def push_rows(matches: Iterable[Match], demands: dict[int, Demand]) -> list[list[Any]]:
    """Rows of a 推介 list: one per demand (best fitting product), amounts in 万元."""
    from zjtx.core.money import yuan_to_wan

    rows = []
    seen: set[int] = set()
    for m in matches:
        if m.demand_id in seen:
            continue
        seen.add(m.demand_id)
        d = demands[m.demand_id]
        rows.append(
            [
                d.enterprise.name,
                yuan_to_wan(d.amount_yuan),
                d.term_months,
                str(Purpose(d.purpose).label),
                "、".join(str(Guarantee(g).label) for g in d.guarantees),
                d.needed_by,
                m.product,
                explanation_text(m),
            ]
        )
    return rows
