"""seed_demo loads the service centre once: platforms, providers, requests in every state."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_service_centre_once(settings, tmp_path):
    from zjtx.core.models import WorkflowClock
    from zjtx.partners.models import ServiceProvider
    from zjtx.servicedesk.models import (
        ClusterTown,
        RequestRating,
        ServiceEvent,
        ServiceRequest,
    )

    settings.MEDIA_ROOT = tmp_path
    call_command("load_reference", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert ServiceRequest.objects.count() == 200
    states = set(ServiceRequest.objects.values_list("status", flat=True))
    assert {"filed", "accepted", "replied", "answered", "rated"} <= states
    clocks = set(
        WorkflowClock.objects.filter(workflow="servicedesk.request").values_list("state", flat=True)
    )
    assert {"met", "breached", "running"} <= clocks
    assert ServiceProvider.objects.filter(listing__status="published").count() == 15
    assert len({p.platform for p in ServiceProvider.objects.all()}) == 6
    assert ServiceProvider.objects.get(users__username="provider_demo").listing is not None
    assert RequestRating.objects.exists()
    assert ServiceEvent.objects.count() == 10
    assert ClusterTown.objects.count() == 3
    assert ServiceRequest.objects.filter(escalation_level__gt=0).exists()
    call_command("seed_demo", stdout=StringIO())
    assert ServiceRequest.objects.count() == 200
