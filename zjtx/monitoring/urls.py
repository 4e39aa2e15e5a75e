from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("report/", views.enterprise_report, name="report"),
    path("template/", views.template_download, name="template"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("periods/", views.period_list, name="periods"),
    path("periods/open/", views.period_open, name="period-open"),
    path("periods/<str:code>/confirm/", views.period_confirm, name="period-confirm"),
    path("periods/<str:code>/lock/", views.period_lock, name="period-lock"),
    path("periods/<str:code>/unlock/", views.period_unlock, name="period-unlock"),
    path("reporting/", views.reporting_rate, name="reporting"),
    path("reporting/<str:code>/<int:unit_id>/remind/", views.reminders_send, name="remind"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/<int:pk>/close/", views.warning_close, name="warning-close"),
    path("periods/<str:code>/warnings/", views.warnings_run, name="warnings-run"),
    path("catalogue/", views.catalogue_list, name="catalogue"),
    path("catalogue/new/", views.catalogue_create, name="catalogue-create"),
    path("catalogue/<int:pk>/edit/", views.catalogue_edit, name="catalogue-edit"),
    path("catalogue/export/", views.catalogue_export, name="catalogue-export"),
]
