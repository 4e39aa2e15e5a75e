"""通知设置: a person ticks, per kind of notice, whether it also reaches them by e-mail or SMS."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zjtx.core.http import AuthedRequest

from . import notifications


@login_required
def notification_settings(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        choices = {
            row.kind: (
                request.POST.get(f"email_{row.kind}") == "on",
                request.POST.get(f"sms_{row.kind}") == "on",
            )
            for row in notifications.preferences_for(user=request.user)
        }
        changed = notifications.preferences_save(
            user=request.user, actor=request.user, choices=choices
        )
        if changed:
            messages.success(request, _("Notification settings saved."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("core:notification-settings")
    return render(
        request,
        "core/notification_settings.html",
        {"rows": notifications.preferences_for(user=request.user)},
    )
