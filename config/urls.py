from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("zjtx.accounts.urls")),
    path("reference/", include("zjtx.reference.urls")),
    path("enterprises/", include("zjtx.enterprises.urls")),
    path("audit/", include("zjtx.core.audit_urls")),
    path("monitoring/", include("zjtx.monitoring.urls")),
    path("certification/", include("zjtx.certification.urls")),
    path("public/", include("zjtx.certification.public_urls")),
    path("policy/", include("zjtx.policy.urls")),
    path("subsidies/", include("zjtx.subsidies.urls")),
    path("financing/", include("zjtx.financing.urls")),
    path("services/", include("zjtx.servicedesk.urls")),
    path("cultivation/", include("zjtx.cultivation.urls")),
    path("assessment/", include("zjtx.assessment.urls")),
    path("reports/", include("zjtx.reports.urls")),
    path("portal/", include("zjtx.portal.urls")),
    path("", include("zjtx.core.urls")),
]

handler404 = "zjtx.core.views.page_not_found"
handler500 = "zjtx.core.views.server_error"
