from django.conf import settings

from .nav import navigation_for
from .notifications import unread_count


def navigation(request):  # type: ignore[no-untyped-def]
    return {
        "nav_sections": navigation_for(getattr(request, "user", None), request.path),
        "department_name": settings.ZJTX_DEPARTMENT_NAME,
        "unread_notifications": unread_count(user=getattr(request, "user", None)),
    }
