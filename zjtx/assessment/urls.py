from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.run_list, name="runs"),
    path("compute/", views.run_compute, name="compute"),
    path("schemes/", views.scheme_detail, name="schemes"),
    path("bulletins/new/", views.bulletin_create, name="bulletin-create"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/document/", views.bulletin_download, name="bulletin-download"),
    path("objections/<int:pk>/<slug:action>/", views.objection_decide, name="objection-decide"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("<int:pk>/adjustments/", views.adjustment_add, name="adjust"),
    path("<int:pk>/objections/", views.objection_file, name="object"),
    path("<int:pk>/bulletin/", views.bulletin_issue, name="bulletin-issue"),
    path("<int:pk>/<slug:action>/", views.run_transition, name="transition"),
]
