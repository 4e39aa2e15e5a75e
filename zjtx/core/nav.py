"""The sidebar: each role sees only what it may use. Items whose URL does not exist are skipped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CITY, UNIT, ENT, EXPERT, BANK, PROV = (
    "city_officer",
    "unit_officer",
    "enterprise",
    "expert",
    "bank",
    "provider",
)
SYS, SEC, AUD = "sysadmin", "secadmin", "auditor"


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    icon: str = "circle"


@dataclass(frozen=True)
class NavSection:
    label: str | Promise
    items: tuple[NavItem, ...]


def _i(label: str | Promise, url_name: str, roles: set[str], icon: str) -> NavItem:
    return NavItem(label, url_name, frozenset(roles), icon)


NAVIGATION: tuple[NavSection, ...] = (
    NavSection(
        _("Workbench"),
        (
            _i(
                _("Home"),
                "core:home",
                {CITY, UNIT, ENT, EXPERT, BANK, PROV, SYS, SEC, AUD},
                "house",
            ),
            _i(_("My enterprise"), "enterprises:mine", {ENT}, "building"),
        ),
    ),
    NavSection(
        _("Enterprises"),
        (
            _i(_("Enterprise registry"), "enterprises:list", {CITY, UNIT}, "buildings"),
            _i(_("Pending verification"), "enterprises:pending", {CITY, UNIT}, "person-check"),
            _i(_("New enterprise"), "enterprises:create", {CITY, UNIT}, "plus-square"),
        ),
    ),
    NavSection(
        _("Operations monitoring"),
        (
            _i(_("Monthly report"), "monitoring:report", {ENT}, "pencil-square"),
            _i(_("Upload monthly report"), "monitoring:upload", {CITY, UNIT}, "upload"),
            _i(_("Import history"), "monitoring:imports", {CITY, UNIT}, "clock-history"),
            _i(_("Reporting periods"), "monitoring:periods", {CITY, UNIT}, "calendar-check"),
            _i(_("Reporting rate"), "monitoring:reporting", {CITY, UNIT}, "bar-chart"),
            _i(_("Monitoring dashboard"), "monitoring:dashboard", {CITY, UNIT}, "graph-up"),
            _i(_("Early warnings"), "monitoring:warnings", {CITY, UNIT}, "exclamation-triangle"),
            _i(_("Indicator catalogue"), "monitoring:catalogue", {CITY}, "list-columns"),
        ),
    ),
    NavSection(
        _("Certification"),
        (
            _i(_("My queue"), "certification:home", {CITY, UNIT, ENT, EXPERT}, "inbox"),
            _i(_("Certification rounds"), "certification:rounds", {CITY, UNIT, ENT}, "award"),
            _i(_("Expert pool"), "certification:experts", {CITY}, "person-badge"),
            _i(_("Objections"), "certification:objections", {CITY}, "megaphone"),
            _i(_("Dynamic management"), "certification:management", {CITY, UNIT}, "arrow-repeat"),
            _i(_("Working-day calendar"), "certification:calendar", {SYS}, "calendar3"),
        ),
    ),
    NavSection(
        _("Policies and subsidies"),
        (
            _i(_("Policy calculator"), "policy:calculator", {CITY, UNIT, ENT}, "calculator"),
            _i(_("My policy calendar"), "policy:notices", {ENT}, "bell"),
            _i(_("Proactive award scan"), "policy:scans", {CITY}, "search"),
            _i(_("Policy parameters"), "policy:governance", {CITY}, "sliders"),
            _i(_("Subsidy applications"), "subsidies:list", {CITY, UNIT, ENT}, "file-earmark-text"),
            _i(_("Payout ledger"), "subsidies:ledger", {CITY, UNIT}, "journal-check"),
            _i(_("Budgets"), "subsidies:budgets", {CITY, UNIT}, "piggy-bank"),
        ),
    ),
    NavSection(
        _("Financing"),
        (
            _i(_("My financing demands"), "financing:list", {ENT}, "cash-coin"),
            _i(_("Consented demands"), "financing:list", {BANK}, "cash-coin"),
            _i(_("Financing library"), "financing:list", {CITY, UNIT}, "cash-stack"),
            _i(_("Financial products"), "financing:products", {CITY, UNIT, ENT, BANK}, "bank"),
            _i(_("Overdue take-ups"), "financing:overdue", {CITY, UNIT}, "alarm"),
            _i(_("Promotion lists"), "financing:push", {CITY}, "send"),
            _i(_("Financing figures"), "financing:stats", {CITY, UNIT}, "bar-chart-line"),
            _i(_("Receivables"), "financing:receivables", {CITY, UNIT, ENT}, "receipt"),
            _i(_("Listing pipeline"), "financing:listing", {CITY, UNIT, ENT}, "graph-up-arrow"),
        ),
    ),
    NavSection(
        _("Enterprise service centre"),
        (
            _i(
                _("Service requests"),
                "servicedesk:list",
                {CITY, UNIT, ENT, PROV},
                "chat-square-text",
            ),
            _i(_("Supervision list"), "servicedesk:overdue", {CITY, UNIT}, "alarm"),
            _i(_("Service providers"), "servicedesk:providers", {CITY, UNIT, ENT, PROV}, "people"),
            _i(
                _("Service events"), "servicedesk:events", {CITY, UNIT, ENT, PROV}, "calendar-event"
            ),
            _i(_("Knowledge base"), "servicedesk:articles", {CITY, UNIT, ENT, PROV}, "book"),
            _i(_("Service figures"), "servicedesk:stats", {CITY, UNIT}, "bar-chart"),
            _i(_("Industry clusters"), "servicedesk:clusters", {CITY, UNIT}, "diagram-2"),
            _i(_("Service levels"), "servicedesk:sla", {CITY}, "stopwatch"),
        ),
    ),
    NavSection(
        _("Cultivation and assessment"),
        (
            _i(_("My tiers"), "cultivation:mine", {ENT}, "ladder"),
            _i(_("Gradient pools"), "cultivation:pools", {CITY, UNIT}, "layers"),
            _i(_("Pool changes"), "cultivation:changes", {CITY, UNIT}, "arrow-left-right"),
            _i(_("Candidate runs"), "cultivation:candidates", {CITY, UNIT}, "funnel"),
            _i(_("Targets"), "cultivation:targets", {CITY, UNIT}, "bullseye"),
            _i(
                pgettext_lazy("skills", "Talent"),
                "cultivation:talent",
                {CITY, UNIT, ENT},
                "mortarboard",
            ),
            _i(_("Unit assessment"), "assessment:runs", {CITY, UNIT}, "trophy"),
            _i(_("Assessment schemes"), "assessment:schemes", {CITY}, "list-check"),
        ),
    ),
    NavSection(
        _("Reports and dashboards"),
        (
            _i(_("Leadership dashboard"), "reports:dashboard", {CITY, UNIT}, "speedometer2"),
            _i(_("Meeting-room screen"), "reports:screen", {CITY}, "display"),
            _i(_("Annual reports"), "reports:annual", {CITY, UNIT}, "file-earmark-richtext"),
            _i(_("Benchmarking"), "reports:benchmark", {CITY, UNIT, ENT}, "bar-chart-steps"),
            _i(_("Background jobs"), "core:jobs", {CITY, UNIT, SYS}, "hourglass"),
            _i(_("Portal content"), "portal:manage", {CITY}, "globe"),
        ),
    ),
    NavSection(
        _("Reference data"),
        (
            _i(_("Assessment units"), "reference:units", {CITY, UNIT, SYS}, "map"),
            _i(_("Administrative divisions"), "reference:divisions", {CITY, UNIT, SYS}, "geo"),
            _i(_("Industry codes"), "reference:industries", {CITY, UNIT, SYS}, "diagram-3"),
            _i(_("SME size standard"), "reference:size", {CITY, UNIT, ENT, SYS}, "rulers"),
        ),
    ),
    NavSection(
        _("Administration"),
        (
            _i(_("Users"), "accounts:user-list", {SYS}, "people"),
            _i(_("Account change requests"), "accounts:grant-list", {SYS, SEC}, "hourglass-split"),
            _i(_("Security policy"), "accounts:security", {SEC}, "shield-lock"),
            _i(_("Locked accounts"), "accounts:lockouts", {SEC}, "lock"),
            _i(_("Audit log"), "audit:list", {AUD}, "journal-text"),
            _i(
                _("API tokens"),
                "accounts:tokens",
                # Not for second-factor roles: a token would bypass the second factor.
                {UNIT, ENT, EXPERT, BANK, PROV},
                "key",
            ),
        ),
    ),
)


def navigation_for(user, current_path: str = "") -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False):
        return []
    # Before the second factor is done the user may use nothing but the OTP pages.
    is_verified = getattr(user, "is_verified", None)
    if getattr(user, "needs_second_factor", False) and not (is_verified and is_verified()):
        return []
    role = getattr(user, "role", "")
    sections: list[dict[str, Any]] = []
    for section in NAVIGATION:
        items: list[dict[str, Any]] = []
        for item in section.items:
            if role not in item.roles:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": False})
        if items:
            sections.append({"label": section.label, "items": items})
    # Highlight only the longest matching entry (/enterprises/new/ is not also /enterprises/).
    matches = [
        i
        for s in sections
        for i in s["items"]
        if i["url"] == current_path or (i["url"] != "/" and current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return sections
