from django.urls import path

from . import public_views

app_name = "certification_public"
urlpatterns = [
    path("notices/", public_views.notices, name="notices"),
    path("notices/<int:pk>/", public_views.notice_detail, name="notice"),
    path("decisions/<int:pk>/", public_views.decision, name="decision"),
    path("certificates/<str:number>/", public_views.certificate, name="certificate"),
]
