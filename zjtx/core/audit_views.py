from django.http import HttpResponse


def audit_list(request):  # type: ignore[no-untyped-def]
    return HttpResponse("audit")


def audit_export(request):  # type: ignore[no-untyped-def]
    return HttpResponse("audit export")
