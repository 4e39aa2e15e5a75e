from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = ("/static/", "/i18n/", "/api/", "/public/")


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
