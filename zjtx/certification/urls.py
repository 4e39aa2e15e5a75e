from django.urls import path

from . import views

app_name = "certification"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/action/", views.round_action, name="round-action"),
    path("rounds/<int:pk>/export.xlsx", views.round_export, name="round-export"),
    path("rounds/<int:round_pk>/apply/", views.application_create, name="application-create"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/delete/", views.application_delete, name="application-delete"),
    path("applications/<int:pk>/materials/", views.material_upload, name="material-upload"),
    path(
        "applications/<int:pk>/materials/<int:material_pk>/",
        views.material_download,
        name="material-download",
    ),
    path(
        "applications/<int:pk>/materials/<int:material_pk>/delete/",
        views.material_delete,
        name="material-delete",
    ),
    path(
        "applications/<int:pk>/transition/",
        views.application_transition,
        name="application-transition",
    ),
    path("applications/<int:pk>/experts/", views.expert_assign, name="expert-assign"),
    path(
        "applications/<int:pk>/experts/<int:assignment_pk>/remove/",
        views.assignment_remove,
        name="assignment-remove",
    ),
    path("applications/<int:pk>/scores/", views.scores_submit, name="scores-submit"),
    path("applications/<int:pk>/decline/", views.assignment_decline, name="assignment-decline"),
    path("applications/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("applications/<int:pk>/approval-form/", views.approval_form, name="approval-form"),
    path("experts/", views.expert_list, name="experts"),
    path("relations/", views.relation_declare, name="relation-declare"),
    path("objections/", views.objection_list, name="objections"),
    path("objections/<int:pk>/handle/", views.objection_handle, name="objection-handle"),
    path("objections/<int:pk>/evidence/", views.objection_evidence, name="objection-evidence"),
    path("objections/<int:pk>/reveal/", views.objection_reveal_phone, name="objection-reveal"),
    path("calendar/", views.calendar, name="calendar"),
    path("management/", views.management, name="management"),
    path("applications/<int:pk>/annual-update/", views.annual_update, name="annual-update"),
    path("applications/<int:pk>/change-report/", views.change_report, name="change-report"),
    path(
        "change-reports/<int:pk>/handle/", views.change_report_handle, name="change-report-handle"
    ),
]
