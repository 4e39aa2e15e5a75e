from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export/", views.enterprise_export, name="export"),
    path("pending/", views.enterprise_pending, name="pending"),
    path("new/", views.enterprise_create, name="create"),
    path("mine/", views.enterprise_mine, name="mine"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register-done"),
    path("<str:credit_code>/", views.enterprise_detail, name="detail"),
    path("<str:credit_code>/edit/", views.enterprise_edit, name="edit"),
    path("<str:credit_code>/reveal/<str:field>/", views.enterprise_reveal, name="reveal"),
    path("<str:credit_code>/assign/", views.enterprise_assign, name="assign"),
    path("<str:credit_code>/verify/", views.enterprise_verify, name="verify"),
    path("<str:credit_code>/reject/", views.enterprise_reject, name="reject"),
    path("<str:credit_code>/financials/new/", views.financial_edit, name="financial-add"),
    path("<str:credit_code>/financials/<int:year>/", views.financial_edit, name="financial-edit"),
    path(
        "<str:credit_code>/financials/<int:year>/verify/",
        views.financial_verify,
        name="financial-verify",
    ),
    path(
        "<str:credit_code>/financials/<int:year>/delete/",
        views.financial_delete,
        name="financial-delete",
    ),
    path("<str:credit_code>/ip/new/", views.ip_asset_add, name="ip-add"),
    path("<str:credit_code>/ip/<int:pk>/delete/", views.ip_asset_delete, name="ip-delete"),
    path("<str:credit_code>/honours/new/", views.honour_add, name="honour-add"),
    path("<str:credit_code>/honours/<int:pk>/delete/", views.honour_delete, name="honour-delete"),
]
