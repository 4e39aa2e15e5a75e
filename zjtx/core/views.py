from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def home(request):  # type: ignore[no-untyped-def]
    return render(request, "core/home.html", {"cards": selectors.home_cards_for(request.user)})


def page_not_found(request, exception=None):  # type: ignore[no-untyped-def]
    return render(request, "core/404.html", status=404)


def server_error(request):  # type: ignore[no-untyped-def]
    return render(request, "core/500.html", status=500)
