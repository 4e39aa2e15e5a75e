"""The policy packages in force: compiled packages, programs and their facts."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from zjtx.core.errors import ErrorCode, NotFound

from ..engine import (
    FactSpec,
    Package,
    package_from_dict,
    package_from_text,
)
from ..models import PolicyPackageVersion, PolicyProgram

# Versions are immutable rows, so a compiled package can be cached by primary key and
# checksum (the checksum too, because a rolled-back row's id may be reused, e.g. on SQLite).
_COMPILED: dict[tuple[int, str], Package] = {}


def package_for(*, version: PolicyPackageVersion) -> Package:
    """The compiled engine package of a stored version (cached; rows never change)."""
    key = (version.pk, version.checksum)
    package = _COMPILED.get(key)
    if package is None:
        if version.source_text:
            package = package_from_text(version.source_text, version=version.version)
        else:
            package = package_from_dict(version.content, version=version.version)
        _COMPILED[key] = package
    return package


def program_list() -> list[PolicyProgram]:
    return list(PolicyProgram.objects.select_related("current_version").order_by("id"))


def program_get(*, program_id: str) -> PolicyProgram:
    program = PolicyProgram.objects.select_related("current_version").filter(pk=program_id).first()
    if program is None or program.current_version is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("No such policy program."), {"id": program_id})
    return program


def packages_current() -> dict[str, Package]:
    """Every program's current package, by program id.

    Reads only which version is current (id, checksum, number): a version's content and source
    text are fetched (and compiled) the first time this process meets it; after that the
    compiled package comes from the cache. Submissions call this per request (the deadline
    surge), where loading every program's full JSON each time was most of the cost.
    """
    rows = (
        PolicyProgram.objects.filter(current_version__isnull=False)
        .select_related("current_version")
        .only(
            "id",
            "current_version",
            "current_version__id",
            "current_version__checksum",
            "current_version__version",
        )
        .order_by("id")
    )
    current = [(p.id, p.current_version) for p in rows if p.current_version is not None]
    # Versions this process has not compiled yet: their full rows, in one query.
    full = PolicyPackageVersion.objects.in_bulk(
        [v.pk for _pid, v in current if (v.pk, v.checksum) not in _COMPILED]
    )
    return {pid: package_for(version=full.get(v.pk, v)) for pid, v in current}


# Banks' product eligibility rules (policies/financing, ids "financing.*") share the engine and
# its governance, but they are no award or criteria an enterprise is measured against: the
# calculator and the 免申即享 scan leave them out.
BANK_PRODUCT_PREFIX = "financing."


def packages_for_enterprises() -> dict[str, Package]:
    """The current packages an enterprise is measured against: all but bank products' rules."""
    return {
        pid: package
        for pid, package in packages_current().items()
        if not pid.startswith(BANK_PRODUCT_PREFIX)
    }


def fact_specs(packages: Mapping[str, Package]) -> dict[str, FactSpec]:
    """Every fact any package declares (the loader guarantees one type per name)."""
    specs: dict[str, FactSpec] = {}
    for package in packages.values():
        for name, spec in package.facts.items():
            specs.setdefault(name, spec)
    return specs
