from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("screen/", views.screen, name="screen"),
    path("annual/", views.annual_list, name="annual"),
    path("annual/<int:pk>/", views.annual_detail, name="annual-detail"),
    path("annual/<int:pk>/action/", views.annual_action, name="annual-action"),
    path("annual/<int:pk>/<str:kind>/", views.annual_file, name="annual-file"),
    path("benchmark/", views.benchmark, name="benchmark"),
    path("public/<int:pk>/<str:kind>/", views.public_file, name="public-file"),
]
