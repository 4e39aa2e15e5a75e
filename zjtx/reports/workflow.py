"""Publication of an annual report as data, run by the one engine (zjtx/core/workflow.py).

draft -> published (the portal lists it for download) -> withdrawn (with a reason) ->
published again. Only a finished report can be published; only the city publishes.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.workflow import GuardFailure, Step, Transition, Workflow

from .models import AnnualReport

Pub = AnnualReport.Publication
CITY = frozenset({Role.CITY_OFFICER})


def is_finished(step: Step) -> GuardFailure | None:
    if step.obj.status == AnnualReport.Status.DONE and step.obj.docx:
        return None
    return GuardFailure("report_not_finished", _("Only a finished report can be published."))


def stamp_published(step: Step) -> None:
    step.obj.published_at = step.now


def clear_public_pages(step: Step) -> None:
    """The portal's report list is cached whole: drop it once the change is committed."""
    from zjtx.portal.cache import pages_changed

    transaction.on_commit(pages_changed)


PUBLICATION = Workflow(
    name="annual_report",
    model=AnnualReport,
    status_field="publication",
    states={
        Pub.DRAFT: Pub.DRAFT.label,
        Pub.PUBLISHED: Pub.PUBLISHED.label,
        Pub.WITHDRAWN: Pub.WITHDRAWN.label,
    },
    transitions={
        "publish": Transition(
            frozenset({Pub.DRAFT, Pub.WITHDRAWN}),
            Pub.PUBLISHED,
            CITY,
            _("Publish on the portal"),
            guards=(is_finished,),
            effects=(stamp_published, clear_public_pages),
        ),
        "withdraw": Transition(
            frozenset({Pub.PUBLISHED}),
            Pub.WITHDRAWN,
            CITY,
            _("Withdraw from the portal"),
            needs_reason=True,
            effects=(clear_public_pages,),
            style="outline-danger",
        ),
    },
    audited_fields=("published_at",),
)
