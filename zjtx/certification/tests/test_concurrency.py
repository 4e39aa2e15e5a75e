"""Two officers deciding the same application at once produce one decision (row lock)."""

import threading

import pytest
from django.db import connection

from zjtx.certification import services
from zjtx.certification.models import Application, ApplicationEvent
from zjtx.core.workflow import TransitionConflict

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_at_once_produce_one_decision(submitted, advance, city, city2):
    app = advance(submitted)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(officer, action, reason_code="", reason=""):
        try:
            barrier.wait()
            services.application_transition(
                application=app,
                action=action,
                actor=officer,
                reason_code=reason_code,
                reason=reason,
            )
            outcomes.append(action)
        except TransitionConflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(city, "approve")),
        threading.Thread(target=decide, args=(city2, "reject", "criteria_not_met", "不符合")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes).count("transition_not_allowed") == 1
    app.refresh_from_db()
    assert app.status in (Application.Status.APPROVED, Application.Status.REJECTED)
    decisions = ApplicationEvent.objects.filter(application=app, action__in=["approve", "reject"])
    assert decisions.count() == 1
