# mypy: disallow-untyped-defs
"""Plain-language policy cards, built from the rule packages in force and their 申兑指南.

A card says who may apply, the conditions, the amount in 万元, the materials, the time limit,
the office and its phone, and the clause it rests on. The package is the source of the
conditions and the amount (so the card never disagrees with the calculator); the service
centre's guide (zjtx.servicedesk) adds who, materials, time limit, office and phone; a
published contact card of the portal stands in for a missing office.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.core.money import format_wan
from zjtx.policy.engine import Package
from zjtx.policy.engine.expr import ExpressionError, compile_expression, format_value
from zjtx.policy.selectors import packages_for_enterprises
from zjtx.servicedesk.selectors import article_list

from .models import ContactCard

PUBLIC_KINDS = ("award", "criteria")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
UNIT_AFTER = re.compile(r"[年分%项个]")
# Text that reads like a program or fact identifier is never shown to visitors.
CODE_LIKE = re.compile(r"[A-Za-z]+_[A-Za-z_]+|[a-z]{3,}\.[a-z_]+")


@dataclass(frozen=True)
class Tag:
    key: str
    label: str


def _tags_catalogue() -> dict[str, str]:
    return {
        "award": _("Funding award"),
        "criteria": _("Certification standard"),
        "national": _("National policy"),
        "municipal": _("City policy"),
        "zjtx": _("SRDI enterprises"),
        "equipment": _("Equipment and technology upgrading"),
        "digital": _("Digital and internet integration"),
        "innovation": _("Innovative SMEs"),
    }


# Topic tags by words in a program's title.
TOPIC_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("zjtx", ("专精特新", "小巨人")),
    ("equipment", ("技术改造", "首台", "装备")),
    ("digital", ("融合", "数字", "两化")),
    ("innovation", ("创新型",)),
)
ISSUERS = {"miit": "national", "wuhu": "municipal"}


def tag_labels() -> dict[str, str]:
    return _tags_catalogue()


@dataclass
class PolicyCard:
    id: str
    title: str
    kind: str
    kind_label: str
    tags: list[Tag]
    who: str
    conditions: list[str]
    amount_lines: list[str]
    materials: list[str]
    time_limit: str
    office: str
    phone: str
    document: str
    clause: str
    clause_text: str
    effective_from: date
    effective_to: date | None
    once_only: bool
    has_guide: bool
    facts_count: int
    guide_note: str = ""
    search_text: str = field(default="", repr=False)

    @property
    def amount_summary(self) -> str:
        return self.amount_lines[0] if self.amount_lines else ""

    @property
    def tag_keys(self) -> set[str]:
        return {t.key for t in self.tags}


def _tags_of(package: Package) -> list[Tag]:
    labels = _tags_catalogue()
    keys = [package.kind]
    issuer = ISSUERS.get(package.id.split(".", 1)[0])
    if issuer:
        keys.append(issuer)
    for key, words in TOPIC_WORDS:
        if any(w in package.title for w in words):
            keys.append(key)
    return [Tag(k, labels[k]) for k in dict.fromkeys(keys)]


def _parameter_env(package: Package, day: date) -> dict[str, Any]:
    env: dict[str, Any] = {"as_of": day, "as_of_year": Decimal(day.year)}
    for name, param in package.parameters.items():
        current = param.at(day)
        if current is not None:
            env[name] = current.value
    return env


def _requirement_text(package: Package, text: str, env: dict[str, Any]) -> str:
    """A condition's text as a requirement: parameters filled in, the firm's own values left out."""
    names = set(package.facts) | set(env) | {d.name for d in package.derived}
    names |= {"score", "direct_route", "size_class", "size_is_sme"}
    out: list[str] = []
    pos = 0
    for match in PLACEHOLDER.finditer(text):
        out.append(text[pos : match.start()])
        pos = match.end()
        try:
            fn, used = compile_expression(match.group(1), frozenset(names))
        except ExpressionError:
            continue
        if used - set(env):
            # Depends on the enterprise's own figures: left out, with the unit right after it.
            unit = UNIT_AFTER.match(text, pos)
            if unit:
                pos = unit.end()
            continue
        try:
            out.append(format_value(fn(env)))
        except Exception:  # a text that cannot be filled in is left out
            continue
    out.append(text[pos:])
    sentence = "".join(out)
    # Tidy what the left-out values leave behind: empty brackets and doubled words.
    sentence = re.sub(r"（\s*）|\(\s*\)", "", sentence)
    sentence = re.sub(r"分别为[、，和]+", "", sentence)
    sentence = re.sub(r"于(?=完成)", "", sentence)
    sentence = re.sub(r"为，", "，", sentence)
    return sentence.strip()


def _conditions(package: Package, env: dict[str, Any]) -> list[str]:
    raw = package.content.get("conditions") or []
    lines = []
    for item in raw:
        text = str(item.get("pass") or "") if isinstance(item, dict) else ""
        if not text:
            continue
        line = _requirement_text(package, text, env)
        if line and not CODE_LIKE.search(line):
            lines.append(line)
    return lines


def _yuan_line(description: str, value: Any) -> str:
    return _("%(what)s: %(amount)s 10k yuan") % {
        "what": description,
        "amount": format_wan(Decimal(str(value))),
    }


def _amount_lines(package: Package, day: date) -> list[str]:
    """The amounts and rates the clause itself sets (parameters citing the clause), in 万元 and %."""
    if package.kind != "award":
        return []
    lines: list[str] = []
    for param in package.parameters.values():
        current = param.at(day)
        if current is None or current.value is None:
            continue
        if package.clause not in current.source or CODE_LIKE.search(param.description):
            continue
        value = current.value
        if param.type == "decimal_yuan":
            lines.append(_yuan_line(param.description, value))
        elif param.type in ("rate", "percent"):
            pct = Decimal(str(value)) * (100 if param.type == "rate" else 1)
            lines.append(
                _("%(what)s: %(pct)s%%")
                % {"what": param.description, "pct": format(pct.quantize(Decimal("0.01")), "f")}
            )
        elif param.type == "table" and isinstance(value, dict) and param.unit == "元":
            parts = [
                _("%(label)s %(amount)s 10k yuan")
                % {
                    "label": package.enum_labels.get(str(k), _levels().get(str(k), "")),
                    "amount": format_wan(Decimal(str(v))),
                }
                for k, v in value.items()
            ]
            lines.append(f"{param.description}：" + "；".join(p.strip() for p in parts))
    return lines


def _levels() -> dict[str, str]:
    return {"national": _("national level"), "provincial": _("provincial level")}


def _clause_text(package: Package) -> str:
    for note in package.notes:
        if note.startswith("原文："):
            return note.removeprefix("原文：").strip()
    return ""


def _split_lines(text: str) -> list[str]:
    parts = re.split(r"[；;\n]+", text or "")
    return [p.strip(" 　。") for p in parts if p.strip(" 　。")]


def _guides() -> dict[str, Any]:
    return {a.program_id: a for a in article_list(kind="guide") if a.program_id}


def default_contact() -> ContactCard | None:
    return ContactCard.objects.filter(is_published=True).order_by("sort_order", "id").first()


def _card(package: Package, guide: Any, contact: ContactCard | None, day: date) -> PolicyCard:
    env = _parameter_env(package, day)
    kind_label = _tags_catalogue()[package.kind]
    who = (guide.who if guide else "") or (
        _("Small and medium-sized enterprises registered in Wuhu that meet the conditions below")
        if package.kind == "award"
        else _("Small and medium-sized enterprises that want to be certified under this standard")
    )
    materials = _split_lines(guide.materials) if guide else []
    office = (guide.office if guide else "") or (contact.name if contact else "")
    phone = (guide.phone if guide else "") or (contact.phone if contact else "")
    card = PolicyCard(
        id=package.id,
        title=package.title,
        kind=package.kind,
        kind_label=kind_label,
        tags=_tags_of(package),
        who=who,
        conditions=_conditions(package, env),
        amount_lines=_amount_lines(package, day),
        materials=materials,
        time_limit=(guide.time_limit if guide else ""),
        office=office,
        phone=phone,
        document=package.document,
        clause=package.clause,
        clause_text=_clause_text(package),
        effective_from=package.effective_from,
        effective_to=package.effective_to,
        once_only=package.once_only,
        has_guide=guide is not None,
        facts_count=len(package.facts),
    )
    card.search_text = " ".join(
        [card.title, card.who, card.clause, card.document, *card.conditions, card.kind_label]
        + [t.label for t in card.tags]
        + ([guide.keywords] if guide else [])
    )
    return card


def public_packages(day: date | None = None) -> dict[str, Package]:
    """Award and criteria programs in force on `day` (parameter sets and bank rules are not)."""
    day = day or timezone.localdate()
    return {
        pid: p
        for pid, p in packages_for_enterprises().items()
        if p.kind in PUBLIC_KINDS and p.in_force(day)
    }


def policy_cards(*, q: str = "", tag: str = "", day: date | None = None) -> list[PolicyCard]:
    """Cards of every program in force, awards first; `q` matches words, `tag` a tag key."""
    day = day or timezone.localdate()
    guides = _guides()
    contact = default_contact()
    cards = [
        _card(p, guides.get(pid), contact, day)
        for pid, p in sorted(public_packages(day).items(), key=lambda kv: (kv[1].kind, kv[0]))
    ]
    if tag:
        cards = [c for c in cards if tag in c.tag_keys]
    words = [w for w in re.split(r"\s+", q.strip()) if w][:8]
    if words:
        cards = [c for c in cards if all(w in c.search_text for w in words)]
    return cards


def policy_card(*, program_id: str, day: date | None = None) -> PolicyCard | None:
    day = day or timezone.localdate()
    package = public_packages(day).get(program_id)
    if package is None:
        return None
    return _card(package, _guides().get(program_id), default_contact(), day)
