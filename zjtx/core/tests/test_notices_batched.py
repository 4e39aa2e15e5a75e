"""`notices_batched`: the in-app notices of a bulk job, including those the workflow engine
sends after each commit, are written in one insert at the end, and none if the job fails."""

import pytest
from django.db import transaction

from zjtx.core.models import Notification
from zjtx.core.notifications import notices_batched, notify

pytestmark = pytest.mark.django_db(transaction=True)


def test_notices_after_commit_are_held_and_written_once(make_user, units):
    a = make_user("unit_officer", unit=units["镜湖区"])
    b = make_user("unit_officer", unit=units["镜湖区"])
    with notices_batched():
        for i in range(5):
            with transaction.atomic():
                transaction.on_commit(lambda i=i: notify(recipients=[a, b], title=f"第{i}条"))
        assert not Notification.objects.exists()  # held, not written per commit
    assert Notification.objects.filter(recipient=a).count() == 5
    assert Notification.objects.filter(recipient=b).count() == 5


def test_nothing_is_written_when_the_job_fails(make_user, units):
    a = make_user("unit_officer", unit=units["镜湖区"])
    with pytest.raises(RuntimeError), notices_batched():
        notify(recipients=[a], title="不会写入")
        raise RuntimeError
    assert not Notification.objects.exists()
    notify(recipients=[a], title="之后照常写入")
    assert Notification.objects.filter(recipient=a).count() == 1
