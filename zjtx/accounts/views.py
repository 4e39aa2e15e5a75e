from django.http import HttpResponse


def lockout_response(request, credentials, *args, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("locked", status=403)


def otp_verify(request):  # type: ignore[no-untyped-def]
    return HttpResponse("otp")


def otp_setup(request):  # type: ignore[no-untyped-def]
    return HttpResponse("otp setup")
