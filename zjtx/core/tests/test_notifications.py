import pytest
from django.urls import reverse

from zjtx.core.models import Notification
from zjtx.core.notifications import notify, unread_count

pytestmark = pytest.mark.django_db


def test_notify_writes_one_per_active_recipient(make_user, units):
    a = make_user("unit_officer", unit=units["镜湖区"])
    b = make_user("unit_officer", unit=units["镜湖区"])
    b.is_active = False
    b.save()
    assert notify(recipients=[a, a, b, None], title="有新的申报待初审", url="/x/") == 1
    assert unread_count(user=a) == 1 and unread_count(user=b) == 0


def test_user_reads_own_notifications_and_gets_404_for_others(client, make_user, units):
    mine = make_user("unit_officer", unit=units["镜湖区"])
    other = make_user("unit_officer", unit=units["无为市"])
    notify(recipients=[mine], title="待办：企业申报", url=reverse("enterprises:list"))
    note = Notification.objects.get(recipient=mine)
    client.force_login(other)
    assert client.get(reverse("core:notification-open", args=[note.pk])).status_code == 404
    client.force_login(mine)
    page = client.get(reverse("core:notifications"))
    assert "待办：企业申报" in page.content.decode() and "通知" in page.content.decode()
    response = client.get(reverse("core:notification-open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:list")
    note.refresh_from_db()
    assert note.read_at is not None


def test_links_to_other_hosts_are_not_followed(client, make_user, units):
    user = make_user("unit_officer", unit=units["镜湖区"])
    notify(recipients=[user], title="x", url="https://evil.example/")
    client.force_login(user)
    note = Notification.objects.get(recipient=user)
    response = client.get(reverse("core:notification-open", args=[note.pk]))
    assert response["Location"] == reverse("core:notifications")
