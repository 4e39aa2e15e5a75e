from django.urls import path

from . import views

app_name = "reference"
urlpatterns = [
    path("units/", views.units_view, name="units"),
    path("divisions/", views.divisions_view, name="divisions"),
    path("industries/", views.industries_view, name="industries"),
    path("size-standard/", views.size_view, name="size"),
]
