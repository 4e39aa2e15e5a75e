from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import notifications, selectors
from .edge import is_api, new_incident
from .errors import ErrorCode
from .nav import navigation_for

HOME_LINKS = 8


def home(request):  # type: ignore[no-untyped-def]
    if not request.user.is_authenticated:
        # Visitors land on the public portal; the login page is linked from there.
        return redirect("portal:home")
    links = [
        item
        for section in navigation_for(request.user, request.path)
        for item in section["items"]
        if not item["active"]
    ][:HOME_LINKS]
    return render(
        request, "core/home.html", {"work": selectors.home_for(user=request.user), "links": links}
    )


def page_not_found(request, exception=None):  # type: ignore[no-untyped-def]
    if is_api(request):
        # An API client gets the API's error shape for a route that does not exist too.
        return JsonResponse(
            {"code": str(ErrorCode.NOT_FOUND), "message": _("Not found."), "fields": {}},
            status=404,
        )
    return render(request, "core/404.html", status=404)


def server_error(request):  # type: ignore[no-untyped-def]
    incident = getattr(request, "incident_id", None) or new_incident(request)
    if is_api(request):
        message = _(
            "Internal system error. Contact the administrator and quote incident number "
            "%(incident)s."
        ) % {"incident": incident}
        return JsonResponse(
            {
                "code": str(ErrorCode.INTERNAL_ERROR),
                "message": message,
                "fields": {"incident": incident},
            },
            status=500,
        )
    # No context processors: the database or the session may be what failed.
    html = render_to_string("core/500.html", {"incident": incident})
    return HttpResponseServerError(html)


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
