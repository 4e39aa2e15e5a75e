from django.urls import path

from . import views

app_name = "subsidies"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("apply/", views.application_create, name="create"),
    path("ledger/", views.ledger, name="ledger"),
    path("budgets/", views.budgets, name="budgets"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence-upload"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("<int:pk>/approve/", views.application_approve, name="approve"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/delete/", views.application_delete, name="delete"),
    path("<int:pk>/<slug:action>/", views.application_transition, name="transition"),
]
