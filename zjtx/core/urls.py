from django.urls import include, path

from . import job_views, notification_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("", include("zjtx.core.health")),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path(
        "notifications/settings/",
        notification_views.notification_settings,
        name="notification-settings",
    ),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<uuid:pk>/", job_views.job_detail, name="job"),
    path("jobs/<uuid:pk>/retry/", job_views.job_retry, name="job-retry"),
]
