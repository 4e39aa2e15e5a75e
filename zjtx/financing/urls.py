from django.urls import path

from . import views

app_name = "financing"

urlpatterns = [
    path("", views.demand_list, name="list"),
    path("demands/new/", views.demand_create, name="create"),
    path("demands/<int:pk>/", views.demand_detail, name="demand"),
    path("demands/<int:pk>/act/", views.demand_act, name="act"),
    path("products/", views.product_list, name="products"),
    path("products/new/", views.product_edit, name="product-new"),
    path("products/<int:pk>/", views.product_edit, name="product"),
    path("products/<int:pk>/act/", views.product_act, name="product-act"),
    path("overdue/", views.overdue, name="overdue"),
    path("stats/", views.stats_page, name="stats"),
    path("stats.xlsx", views.stats_xlsx, name="stats-xlsx"),
    path("push/", views.push_lists, name="push"),
    path("push/<int:pk>.xlsx", views.push_download, name="push-download"),
    path("receivables/", views.receivable_list, name="receivables"),
    path("receivables/<int:pk>/act/", views.receivable_act, name="receivable-act"),
    path("listing/", views.listing_list, name="listing"),
    path("listing/<int:pk>/act/", views.listing_act, name="listing-act"),
]
