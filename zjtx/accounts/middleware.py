import time

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = ("/static/", "/i18n/", "/api/", "/public/")
# Session key holding the Unix time of the session's last request (idle timeout).
LAST_ACTIVITY_KEY = "zjtx_last_activity"
ACTIVITY_RESOLUTION = 30  # seconds; the idle timeout is kept to within this


class SecondFactorMiddleware:
    """Roles that need TOTP (等保2.0 8.1.4.1 d) reach nothing but the OTP pages until verified."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "needs_second_factor", False)
            and not user.is_verified()
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            allowed = {
                reverse("accounts:otp"),
                reverse("accounts:otp-setup"),
                reverse("accounts:logout"),
            }
            if request.path not in allowed:
                return redirect("accounts:otp")
        return self.get_response(request)


class SessionPolicyMiddleware:
    """Apply the security policy to each logged-in request (等保2.0 8.1.4.1 a, b).

    - Idle timeout, kept on the server: the session stores the time of its last request (to
      within `ACTIVITY_RESOLUTION` seconds, so that most requests write nothing) and is
      logged out once it has been idle longer than `idle_minutes`. The cookie itself is a
      browser-session cookie (no Max-Age), so closing the browser ends the session too.
    - A user holding a temporary password, or a password older than the policy allows,
      reaches only the password-change page.

    Place it after SecondFactorMiddleware, so that the second factor comes first.
    """

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        from .policy import password_expired, policy_current

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > policy_current().idle_minutes * 60:
                logout(request)  # audited as auth.logout by the signal handler
                if not request.path.startswith(ALLOWED_PREFIXES):
                    return redirect_to_login(request.get_full_path())
                return self.get_response(request)
            if not isinstance(last, int) or now - last >= ACTIVITY_RESOLUTION:
                # Written at most every ACTIVITY_RESOLUTION seconds: a session save is a
                # database write, and a timeout of minutes does not need it per request.
                request.session[LAST_ACTIVITY_KEY] = now
            must_change = getattr(user, "must_change_password", False) or password_expired(user)
            if must_change and not request.path.startswith(ALLOWED_PREFIXES):
                allowed = {
                    reverse("accounts:password-change"),
                    reverse("accounts:logout"),
                    reverse("accounts:otp"),
                    reverse("accounts:otp-setup"),
                }
                if request.path not in allowed:
                    return redirect("accounts:password-change")
        return self.get_response(request)
