# mypy: disallow-untyped-defs
"""The visitors' policy calculator: asks for facts only, evaluates one policy, stores nothing.

The form and the evaluation are the policy app's own (`FactsForm`, `programs_evaluate`), so a
visitor's answer is the one an enterprise would get from the same figures. Input is bounded
(known fields only, short values) and each address may run it a limited number of times a
minute.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zjtx.core.errors import DomainError
from zjtx.core.money import format_wan
from zjtx.policy.engine import FactSpec, Package
from zjtx.policy.forms import PREFIX, FactsForm
from zjtx.policy.selectors import programs_evaluate

from .errors import PortalError, PortalErrorCode, PortalRateLimited
from .policies import CODE_LIKE, public_packages

YUAN = re.compile(r"(?<![\d.,万])(\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)元")
MAX_FIELDS = 60
MAX_VALUE_CHARS = 40
RATE_PER_MINUTE = 20


@dataclass
class VisitorResult:
    status: str  # eligible | not_eligible | insufficient
    amount_wan: str
    met: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    clause: str = ""


def choices() -> list[tuple[str, str]]:
    """(program id, title) of the policies a visitor may try, awards first."""
    packages = public_packages()
    return [
        (pid, p.title) for pid, p in sorted(packages.items(), key=lambda kv: (kv[1].kind, kv[0]))
    ]


def package_for(program_id: str) -> Package | None:
    return public_packages().get(program_id)


def form_for(package: Package, data: Any = None) -> FactsForm:
    specs: list[FactSpec] = list(package.facts.values())
    return FactsForm(specs, data)


def check_input(data: Any, package: Package) -> None:
    """Refuse what no honest form sends: unknown or too many fields, over-long values."""
    keys = [k for k in data if k.startswith(PREFIX)]
    if len(keys) > MAX_FIELDS or any(k[len(PREFIX) :] not in package.facts for k in keys):
        raise PortalError(
            PortalErrorCode.INVALID_INPUT, _("The form was not sent as shown; reload the page.")
        )
    if any(len(str(data.get(k, ""))) > MAX_VALUE_CHARS for k in keys):
        raise PortalError(
            PortalErrorCode.INVALID_INPUT,
            _("Each answer is at most %(n)s characters.") % {"n": MAX_VALUE_CHARS},
        )


def rate_check(address: str) -> None:
    """At most RATE_PER_MINUTE calculations a minute per address (only a hash is kept, briefly)."""
    digest = hashlib.sha256(address.encode()).hexdigest()[:24]
    key = f"portal:calc:{digest}:{timezone.now():%Y%m%d%H%M}"
    if cache.add(key, 1, 70):
        return
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 70)
        return
    if count > RATE_PER_MINUTE:
        raise PortalRateLimited(
            PortalErrorCode.TOO_MANY_REQUESTS,
            _("Too many calculations from your network in a minute; wait a minute and try again."),
        )


def in_wan(text: str) -> str:
    """The engine explains amounts in 元; visitors read 万元 with two decimals."""

    def repl(match: re.Match[str]) -> str:
        try:
            value = Decimal(match.group(1).replace(",", ""))
        except InvalidOperation:
            return match.group(0)
        return pgettext("portal", "%(amount)s 10k yuan") % {"amount": format_wan(value)}

    return YUAN.sub(repl, text)


def evaluate(package: Package, facts: dict[str, Any]) -> VisitorResult:
    """Evaluate one policy on the visitor's facts (no writes). Raises DomainError on bad facts."""
    [result] = programs_evaluate(as_of=timezone.localdate(), facts=facts, program_ids=[package.id])
    if result.eligible is None:
        status = "insufficient"
    else:
        status = "eligible" if result.eligible else "not_eligible"
    out = VisitorResult(
        status=status,
        amount_wan=format_wan(result.amount_yuan) if result.amount_yuan is not None else "",
        clause=f"{package.document} {package.clause}",
    )
    for step in result.trace:
        if CODE_LIKE.search(step.text):
            continue
        if step.condition:
            bucket = {True: out.met, False: out.unmet}.get(step.outcome, out.undecided)  # type: ignore[arg-type]
            bucket.append(in_wan(step.text))
        else:
            out.steps.append(in_wan(step.text))
    out.missing = [package.facts[n].description for n in result.missing if n in package.facts]
    return out


def run(package: Package, data: Any) -> tuple[FactsForm, VisitorResult | None]:
    """Validate the posted form and evaluate; form errors are put on the form's fields."""
    check_input(data, package)
    form = form_for(package, data)
    if not form.is_valid():
        return form, None
    try:
        return form, evaluate(package, form.facts())
    except DomainError as error:
        form.apply_errors(error.fields)
        return form, None
