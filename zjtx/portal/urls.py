from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("policies/", views.policies, name="policies"),
    path("policies/<str:program_id>/", views.policy_detail, name="policy"),
    path("calculator/", views.calculator, name="calculator"),
    path("notices/", views.notices, name="notices"),
    path("certified/", views.certified, name="certified"),
    path("verify/", views.verify, name="verify"),
    path("reports/", views.reports, name="reports"),
    path("news/", views.news, name="news"),
    path("news/<int:pk>/", views.news_detail, name="news-detail"),
    path("services/", views.services_page, name="services"),
    path("manage/", views.manage, name="manage"),
    path("manage/articles/new/", views.content_edit, name="content-new"),
    path("manage/articles/<int:pk>/", views.content_edit, name="content-edit"),
    path("manage/articles/<int:pk>/<str:action>/", views.content_move, name="content-move"),
    path("manage/contacts/new/", views.contact_edit, name="contact-new"),
    path("manage/contacts/<int:pk>/", views.contact_edit, name="contact-edit"),
    path("manage/contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
]
