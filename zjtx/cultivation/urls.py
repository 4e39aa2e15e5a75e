from django.urls import path

from . import views

app_name = "cultivation"

urlpatterns = [
    path("mine/", views.my_tiers, name="mine"),
    path("enterprises/<str:credit_code>/", views.enterprise_tiers, name="enterprise"),
    path("enterprises/<str:credit_code>/pool-change/", views.change_create, name="change-create"),
    path("enterprises/<str:credit_code>/tier/", views.tier_add, name="tier-add"),
    path("pools/", views.pools, name="pools"),
    path("changes/", views.changes, name="changes"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
    path("changes/<int:pk>/<slug:action>/", views.change_transition, name="change-transition"),
    path("candidates/", views.candidate_runs, name="candidates"),
    path("candidates/<int:pk>/", views.candidate_run_detail, name="run"),
    path("candidates/<int:pk>/move/", views.candidate_move, name="run-move"),
    path("targets/", views.targets, name="targets"),
    path("targets/new/", views.target_edit, name="target-new"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target-edit"),
    path("talent/", views.talent, name="talent"),
    path("talent/add/", views.talent_add, name="talent-add"),
    path("talent/template.xlsx", views.talent_template, name="talent-template"),
    path("talent/import/", views.talent_import_view, name="talent-import"),
    path("talent/studios/add/", views.studio_add, name="studio-add"),
]
