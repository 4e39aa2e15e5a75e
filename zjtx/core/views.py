from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import notifications, selectors


@login_required
def home(request):  # type: ignore[no-untyped-def]
    return render(request, "core/home.html", {"cards": selectors.home_cards_for(request.user)})


def page_not_found(request, exception=None):  # type: ignore[no-untyped-def]
    return render(request, "core/404.html", status=404)


def server_error(request):  # type: ignore[no-untyped-def]
    return render(request, "core/500.html", status=500)


@login_required
def notification_list(request):  # type: ignore[no-untyped-def]
    page = Paginator(notifications.notification_list_for(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "core/notifications.html", {"page": page})


@login_required
def notification_open(request, pk: int):  # type: ignore[no-untyped-def]
    note = notifications.notification_open(user=request.user, pk=pk)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("core:notifications")


@require_POST
@login_required
def notifications_read_all(request):  # type: ignore[no-untyped-def]
    notifications.notifications_mark_all_read(user=request.user)
    return redirect("core:notifications")
