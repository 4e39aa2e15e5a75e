from django.contrib.auth import views as auth_views
from django.urls import path

from . import admin_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_verify, name="otp"),
    path("otp/setup/", views.otp_setup, name="otp-setup"),
    path("password/", views.password_change, name="password-change"),
    path("users/", admin_views.user_list, name="user-list"),
    path("users/new/", admin_views.user_create, name="user-create"),
    path("users/<int:pk>/", admin_views.user_edit, name="user-edit"),
    path("users/<int:pk>/active/", admin_views.user_set_active, name="user-set-active"),
    path(
        "users/<int:pk>/password-reset/",
        admin_views.user_password_reset,
        name="user-password-reset",
    ),
    path("activate/<str:token>/", views.activate, name="activate"),
    path("requests/", admin_views.grant_list, name="grant-list"),
    path(
        "requests/<int:pk>/<str:action>/",
        admin_views.grant_decide,
        name="grant-decide",
    ),
    path("security/", admin_views.security_policy, name="security"),
    path("lockouts/", admin_views.lockouts, name="lockouts"),
    path("lockouts/unlock/", admin_views.lockout_unlock, name="lockout-unlock"),
    path("lockouts/otp-reset/", admin_views.otp_reset, name="otp-reset"),
    path("tokens/", admin_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", admin_views.token_revoke, name="token-revoke"),
]
