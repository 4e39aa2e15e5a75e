"""Portal article workflow as data, run by the one engine (zjtx/core/workflow.py).

draft -> published (publish) -> withdrawn (withdraw) -> published again; only the city officer
moves an article. Publishing stamps the time; every move writes the article's history and, after
the commit, clears the cached public pages so visitors see the change at once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.workflow import Step, Transition, Workflow

from .models import ContentEvent, ContentItem

Status = ContentItem.Status
CITY = frozenset({Role.CITY_OFFICER})


def stamp_published(step: Step) -> None:
    step.obj.published_at = step.now
    if step.obj.publish_on > step.today:
        # Published today is what visitors see; a later date would hide it until then.
        step.details["publish_on_was"] = step.obj.publish_on.isoformat()
        step.obj.publish_on = step.today


def record_history(step: Step) -> None:
    ContentEvent.objects.create(
        item=step.obj, action=step.action, actor=step.actor, note=step.reason[:300]
    )


def clear_public_pages(step: Step) -> None:
    from .cache import pages_changed

    transaction.on_commit(pages_changed)


CONTENT = Workflow(
    name="portal.content",
    model=ContentItem,
    states=dict(Status.choices),
    transitions={
        "publish": Transition(
            frozenset({Status.DRAFT, Status.WITHDRAWN}),
            Status.PUBLISHED,
            CITY,
            _("Publish"),
            effects=(stamp_published, record_history, clear_public_pages),
            style="success",
        ),
        "withdraw": Transition(
            frozenset({Status.PUBLISHED}),
            Status.WITHDRAWN,
            CITY,
            _("Withdraw from the portal"),
            needs_reason=True,
            effects=(record_history, clear_public_pages),
            style="outline-danger",
        ),
    },
    waiting_for={Status.DRAFT: Role.CITY_OFFICER},
    in_scope=lambda actor, obj: getattr(actor, "role", "") == Role.CITY_OFFICER,
    audited_fields=("title", "publish_on", "published_at"),
)
