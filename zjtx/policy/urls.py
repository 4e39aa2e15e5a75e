from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("calculator/", views.calculator_home, name="calculator"),
    path("calculator/try/", views.calculator_try, name="calculator-try"),
    path("calculator/<str:credit_code>/", views.calculator, name="calculator-for"),
    path("calculator/<str:credit_code>/try/", views.calculator_try, name="calculator-try-for"),
    path("scans/", views.scans, name="scans"),
    path("scans/<int:pk>/", views.scan_detail, name="scan-detail"),
    path("scans/<int:pk>/notify/", views.scan_notify, name="scan-notify"),
    path("notices/", views.notices, name="notices"),
    path("governance/", views.governance_home, name="governance"),
    path("governance/<int:pk>/", views.change_detail, name="change-detail"),
    path("governance/<int:pk>/approve/", views.change_approve, name="change-approve"),
    path("governance/<int:pk>/reject/", views.change_reject, name="change-reject"),
]
