from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("public/<int:pk>/<str:kind>/", views.public_file, name="public-file"),
]
