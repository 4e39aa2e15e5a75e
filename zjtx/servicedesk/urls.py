from django.urls import path

from . import views

app_name = "servicedesk"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("suggest/", views.article_suggest, name="suggest"),
    path("overdue/", views.overdue_list, name="overdue"),
    path("figures/", views.stats_page, name="stats"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/join/", views.provider_join, name="provider-join"),
    path("providers/<int:pk>/review/", views.provider_review, name="provider-review"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_create, name="event-create"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/register/", views.event_register, name="event-register"),
    path("events/<int:pk>/rate/", views.event_rate, name="event-rate"),
    path("check-in/<str:token>/", views.event_check_in, name="check-in"),
    path("knowledge/", views.article_list, name="articles"),
    path("knowledge/<int:pk>/", views.article_detail, name="article"),
    path("knowledge/manage/", views.article_manage, name="article-manage"),
    path("knowledge/new/", views.article_edit, {"kind": "article"}, name="article-create"),
    path("knowledge/guides/new/", views.article_edit, {"kind": "guide"}, name="guide-create"),
    path("knowledge/<int:pk>/edit/", views.article_edit, name="article-edit"),
    path("clusters/", views.cluster_list, name="clusters"),
    path("settings/", views.sla_settings, name="sla"),
    path("providers/honours/", views.honour_add, name="honour-add"),
    path("<int:pk>/to-article/", views.article_from_request, name="to-article"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("extensions/<int:ext_id>/", views.extension_decide, name="extension-decide"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/rate/", views.request_rate, name="rate"),
    path("<int:pk>/route/", views.request_route, name="route"),
    path("<int:pk>/extension/", views.extension_ask, name="extension"),
    path("<int:pk>/callback/", views.callback_add, name="callback"),
    path("<int:pk>/<slug:action>/", views.request_transition, name="transition"),
]
