from django.urls import path

from . import audit_views

app_name = "audit"
urlpatterns = [
    path("", audit_views.audit_list, name="list"),
    path("<int:pk>/", audit_views.audit_detail, name="detail"),
    path("verify/", audit_views.audit_verify_view, name="verify"),
    path("export/", audit_views.audit_export, name="export"),
]
